"""Clauses: what the customer already tried, and what the company promised.

A "tried" fact is a clause with a past-tense verb of trying, restarting, resetting, replacing, updating or
reinstalling ("jeg har prøvd å starte den på nytt", "I restarted the router", "byttet kabel"); negated
clauses and questions are skipped. A "promise" is a commitment in an agent's or note's words ("vi ringer
deg på torsdag", "we will send a new one", "eg skal sjekke og kome tilbake til deg"), or a customer
reporting one ("you promised to call me"). The value is the clause as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.facts._base import Context, ExtractedFact, alternation, fact, squash

_I = re.IGNORECASE
_CLAUSE_END = re.compile(
    r"[.!?;\n]|\s(?:but|men|mais|however|although|men\s+det)\s|,\s(?:and\s+)?(?:but|men)\s"
)
_MAX_CLAUSE = 160

# Past forms of verbs of trying and fixing, after a subject ("I have ...", "jeg har ...", "kunden har ...").
_PAST_SAFE: tuple[str, ...] = (
    # en
    "tried", "restarted", "rebooted", "reinstalled", "uninstalled", "installed", "updated", "upgraded",
    "downgraded", "cleared", "deleted", "removed", "replaced", "changed", "swapped", "switched", "unplugged",
    "plugged", "reconnected", "disconnected", "turned", "power-cycled", "power cycled", "checked",
    "charged", "recharged", "re-paired", "repaired", "paired", "unpaired", "logged", "signed",
    "factory reset",
    "contacted", "called", "emailed", "tested", "rebooted", "flushed", "reseated", "cleaned", "wiped",
    "tightened", "re-entered", "attempted", "disabled", "enabled", "refreshed", "retried", "followed",
    # nb
    "prøvd", "prøvde", "forsøkt", "forsøkte", "startet", "restartet", "omstartet", "tilbakestilt",
    "tilbakestilte", "nullstilt", "nullstilte", "resatt", "resetta", "byttet", "skiftet", "oppdatert",
    "oppdaterte", "installert", "installerte", "reinstallert", "avinstallert", "slettet", "fjernet", "tømt",
    "tømte", "ladet", "koblet", "plugget", "sjekket", "kontrollert", "ringt", "ringte", "kontaktet", "testet",
    "skrudd", "skrudde", "slått", "logget", "rengjort", "restartet",
    # nn
    "prøvt", "freista", "starta", "omstarta", "restarta", "skifta", "sletta", "fjerna", "kopla", "lada",
    "sjekka", "ringde", "kontakta", "testa", "logga", "tilbakestilte", "oppdaterte",
    # sv
    "provat", "provade", "försökt", "försökte", "testat", "testade", "startat", "startade", "omstartat",
    "ändrat", "ändrade", "uppdaterat", "uppdaterade", "installerat", "installerade", "ominstallerat",
    "avinstallerat", "raderat", "raderade", "rensat", "rensade", "tömde", "återställt", "återställde",
    "nollställt", "kopplat", "kopplade", "laddat", "laddade", "kollat", "kollade", "kontrollerat", "ringt",
    "kontaktat", "stängt av", "stängde av", "loggat",
    # da
    "prøvet", "prøvede", "forsøgt", "forsøgte", "testede", "genstartet", "genstartede", "nulstillet",
    "nulstillede", "skiftede", "udskiftet", "udskiftede", "opdateret", "opdaterede", "installeret",
    "geninstalleret", "afinstalleret", "slettede", "ryddet", "tjekket", "tjekkede", "opladet", "ringet",
    "ringede", "slukket", "slukkede", "logget",
)  # fmt: skip
# Past forms that start a clause on their own in chat ("Restarted the router", "Byttet kabel"): only verbs
# that mean trying or fixing, since "Signed by ..." or "Startet en rekke ..." start sentences in prose too.
_PAST_CLAUSE_START: tuple[str, ...] = (
    "tried", "restarted", "rebooted", "reinstalled", "uninstalled", "updated", "upgraded", "cleared",
    "replaced", "swapped", "unplugged", "reconnected", "power-cycled", "power cycled", "factory reset",
    "retried", "prøvd", "forsøkt", "restartet", "omstartet", "tilbakestilt", "nullstilt", "byttet",
    "oppdatert", "reinstallert", "avinstallert", "tømt", "prøvt", "freista", "omstarta", "restarta",
    "provat", "försökt", "testat", "omstartat", "startat om", "uppdaterat", "ominstallerat",
    "avinstallerat", "rensat", "återställt", "nollställt", "prøvet", "forsøgt", "genstartet", "nulstillet",
    "udskiftet", "opdateret", "geninstalleret", "afinstalleret",
)  # fmt: skip
# Forms that are also infinitives or presents in a neighbouring language: only after a subject.
_PAST_AFTER_SUBJECT: tuple[str, ...] = (
    "reset", "bytt", "bytte", "byttede", "bytta", "skifte", "tömt", "sendt", "sendte", "skickat", "skickade",
    "returnert", "returnerat", "returneret", "sent", "returned",
)  # fmt: skip
_ADVERBS = (
    r"(?:\s+(?:already|also|even|just|again|allerede|alt|allereie|redan|også|ogso|óg|även|nettopp|nyss|"
    r"lige|faktisk|både|flere\s+ganger|fleire\s+gonger|flera\s+gånger|flere\s+gange|several\s+times|"
    r"multiple\s+times|tried\s+to|prøvd\s+å|prøvt\s+å|prøvet\s+at|provat\s+att|försökt\s+att|forsøkt\s+å|"
    r"forsøgt\s+at|tried))*"
)
_SUBJECT = r"(?:(?-i:I)|we|jeg|eg|jag|vi|me|kunden|kunde|the\s+customer|customer)"
_AUX = r"(?:'ve|'d|\s+(?:have|has|had|har|hadde|hade|havde|did))?"
_TRIED_SUBJECT_RE = re.compile(
    rf"(?<!\w){_SUBJECT}{_AUX}{_ADVERBS}\s+(?P<verb>{alternation(_PAST_SAFE + _PAST_AFTER_SUBJECT)})(?!\w)",
    _I,
)
_AFTER_CONJ = "|".join(f"(?<=\\s{w}\\s)" for w in ("and", "og", "och", "samt", "then", "så", "og så"))
_TRIED_START_RE = re.compile(
    rf"(?:^|(?<=[.!?\n])|(?<=[.!?,]\s)|{_AFTER_CONJ})\s*(?:(?:har|have|has|already|allerede|"
    rf"også|redan|alt)\s+)*(?P<verb>{alternation(_PAST_CLAUSE_START)})(?!\w)",
    _I,
)


def _clause_end(text: str, start: int) -> int:
    m = _CLAUSE_END.search(text, start)
    end = m.start() if m else len(text)
    if end - start > _MAX_CLAUSE:
        cut = text.rfind(" ", start, start + _MAX_CLAUSE)
        end = cut if cut > start else start + _MAX_CLAUSE
    return end


def _is_question(text: str, start: int) -> bool:
    m = _CLAUSE_END.search(text, start)
    return m is not None and m.group(0) == "?"


def find_tried(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """What the customer says they already tried (customer and note roles only)."""
    if ctx.role not in {"customer", "note"}:
        return
    for pattern in (_TRIED_SUBJECT_RE, _TRIED_START_RE):
        for m in pattern.finditer(text):
            start = m.start()
            while start < len(text) and not text[start].isalnum():
                start += 1
            if _is_question(text, start):
                continue
            end = _clause_end(text, m.end("verb"))
            if end - m.end("verb") < 2 and pattern is _TRIED_START_RE:
                continue  # a lone past participle is not a clause
            yield fact("tried", text, start, end, squash(text[start:end]).lower(), 0.8)


# --- promises --------------------------------------------------------------------------------------------

_NOT_PROMISE = (
    r"(?:not|never|ikke|ikkje|inte|ej|ikk|aldri|aldrig|need|needs|have\s+to|has\s+to|require|måtte|må|"
    r"trenge|trenger|behøve|behöva|behöver|be|være|vere|vara|kunne|unfortunately|dessverre|dessvärre|"
    r"desværre|gjerne|gärna|gerne|like|ha|have|ask|spørre|spørja|fråga|spørge|bede|be\s+deg|be\s+dig|bitte)"
)
_PROMISE_VERBS = (
    # nb / nn / da / sv, present tense used as future by an agent ("vi ringer deg i morgen")
    "ringer", "sender", "refunderer", "erstatter", "returnerer", "kontakter", "tar kontakt", "kommer tilbake",
    "kjem tilbake", "følger opp", "følgjer opp", "sjekker", "sjekkar", "ordner", "ordnar", "krediterer",
    "bytter", "byter", "reparerer", "reparerar", "undersøker", "undersøkjer", "undersøger", "undersöker",
    "gir beskjed", "gjev beskjed", "giver besked", "sørger for", "sørgjer for", "ser til", "vender tilbage",
    "vender tilbake", "følger op", "tjekker", "skickar", "återbetalar", "ersätter", "kontaktar",
    "återkommer", "hör av oss", "hör av mig", "följer upp", "kollar", "krediterar", "tar hand om",
    "betaler tilbake", "betaler tilbage", "booker", "bokar", "kansellerer", "avbestiller", "annullerer",
)  # fmt: skip
_MODAL_ANY = (
    r"(?:skal|skall|ska|kommer\s+til\s+å|kjem\s+til\s+å|kommer\s+til\s+at|kommer\s+att|will|'ll|shall|"
    r"am\s+going\s+to|are\s+going\s+to|'m\s+going\s+to|'re\s+going\s+to|promise\s+to|lover\s+å|lovar\s+å|"
    r"lover\s+at|lovar\s+att|lovar\s+å)"
)
_PROMISE_AGENT_RE = re.compile(
    rf"(?<!\w)(?:(?P<subj>we|(?-i:I)|vi|jeg|eg|me|jag)(?:\s*{_MODAL_ANY}|\s+vil)(?:\s+(?:definitely|personally|also|"
    rf"then|now|immediately|gladly|straks|også|òg|då|så|da|nå|no|gjerne|helst|med\s+en\s+gang|med\s+ein\s+gong)"
    rf")*\s+(?!{_NOT_PROMISE}(?!\w))(?P<verb>[^\W\d_]+)"
    rf"|(?P<subj2>we|(?-i:I)|vi|jeg|eg|me|jag)\s+(?P<verb2>{alternation(_PROMISE_VERBS)})(?!\w)"
    rf"|(?P<you>you(?:'ll|\s+will)|du\s+vil|du\s+kommer\s+att|du\s+kommer\s+til\s+å|du\s+får)\s+"
    rf"(?P<verb3>receive|get|be\s+contacted|be\s+refunded|hear|få|motta|modtage|bli\s+kontaktet|"
    rf"høre|høyre|höra|høre\s+fra|tilsendt|bli\s+kontaktad|få\s+tilbake|pengene))",
    _I,
)
_PROMISE_REPORTED_RE = re.compile(
    r"(?<!\w)(?:(?:you|dere|du|ni|de|they|he|she)\s+(?:promised|lovet|lovte|lova|lovade|lovede|"
    r"said\s+you\s+would|said\s+you'd|told\s+me\s+you\s+would|sa\s+at\s+dere\s+skulle|sa\s+dere\s+skulle|"
    r"sade\s+att\s+ni\s+skulle)|(?-i:I)\s+(?:lovede|sagde\s+at\s+I\s+ville)|"
    r"(?:(?-i:I)|jeg|eg|jag)\s+(?:was\s+promised|was\s+told|ble\s+lovet|vart\s+lova|blev\s+lovad|fik\s+lovet|"
    r"fekk\s+lovnad\s+om|fikk\s+beskjed\s+om))(?!\w)",
    _I,
)
# In agents' and notes' words a bare "promised" / "lovet" is ours: "Lovet kunden å ringe torsdag".
_PROMISE_NOTE_RE = re.compile(r"(?<!\w)(?:promised|lovet|lovte|lova|lovde|lovade|lovede)(?!\w)", _I)


def find_promises(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Commitments the company made: in agent, bot and note text, or reported by the customer."""
    patterns = [_PROMISE_REPORTED_RE] if ctx.role == "customer" else [_PROMISE_AGENT_RE, _PROMISE_NOTE_RE]
    for pattern in patterns:
        for m in pattern.finditer(text):
            if (
                pattern is _PROMISE_AGENT_RE
                and m.group("subj")
                and m.group(0).lower().split()[1:2] == ["vil"]
            ):
                if (m.group("verb") or "").lower() not in _INFINITIVES:
                    continue  # nb/da "vil" is also "want": "jeg vil gjerne ha ..." is no promise
            if _is_question(text, m.start()):
                continue
            end = _clause_end(text, m.end())
            yield fact("promise", text, m.start(), end, squash(text[m.start() : end]).lower(), 0.75)


_INFINITIVES = frozenset(
    {
        "ringe", "sende", "refundere", "erstatte", "returnere", "kontakte", "ta", "komme", "kome", "følge",
        "følgje", "sjekke", "ordne", "kreditere", "bytte", "reparere", "undersøke", "undersøge", "gi", "gje",
        "give", "sørge", "sørgje", "vende", "tjekke", "se", "sjå", "hjelpe", "hjælpe", "fikse", "booke",
        "kansellere", "avbestille", "afbestille", "behandle", "oppdatere", "opdatere", "betale", "levere",
        "hente", "sikre", "varsle", "informere", "undersøkje", "skaffe", "finne", "finde",
    }
)  # fmt: skip
