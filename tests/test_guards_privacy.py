from assistant.guards.privacy import check_foreign_identifiers, redact_foreign_identifiers
from assistant.types import KnownFact, Passage, Turn

PASSAGES = [
    Passage(doc_id="kontakt", chunk_id="k:0", title="Kontakt", text="Ring kundeservice på 22 33 44 55.")
]


def test_identifiers_from_the_customer_facts_and_knowledge_pass() -> None:
    turns = [Turn(role="customer", text="Hei, e-posten min er kari@example.no")]
    facts = [KnownFact(kind="order_number", value="48213977", normalized="48213977")]
    text = "Ordre 48213977 er registrert på kari@example.no. Ring oss på 22 33 44 55."
    assert check_foreign_identifiers(text, facts, turns, PASSAGES) == []


def test_an_unknown_identifier_is_blocked_and_redacted() -> None:
    text = "Vi har sendt kvitteringen til per.hansen@example.no for ordre 48888888."
    findings = check_foreign_identifiers(
        text, [], [Turn(role="customer", text="Hvor er kvitteringen?")], PASSAGES
    )
    assert {f.severity for f in findings} == {"block"} and len(findings) == 2
    redacted = redact_foreign_identifiers(text, [], [], PASSAGES)
    assert "per.hansen" not in redacted and "48888888" not in redacted and "[…]" in redacted
