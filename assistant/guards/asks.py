"""Find the questions and requests in a reply: sentences, their clauses, and which of them ask something.

An ask is a sentence (or a coordinated clause of one) that

* ends with a question mark;
* opens like a question even without one: a question word not followed by a subject ("What is your order
  number", "Hvilken dato gjelder det") or a finite verb and a subject ("Could you send me...", "Kan du
  oppgi ordrenummeret");
* is an imperative request for information ("Send oss bilde av kvitteringen", "Please confirm the time",
  "Ange ditt ordernummer"), or says what we need from the customer ("We need your address",
  "Vi trenger telefonnummeret ditt").

"What is the arrival date and how many days will you stay?" holds two asks, one per clause, so that a guard
can drop the clause that repeats and keep the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.guards.slots import slots_for

__all__ = ["Ask", "Span", "find_asks", "split_sentences", "is_ask"]

_I = re.IGNORECASE


@dataclass(frozen=True)
class Ask:
    """A question or request in a draft and the slots it asks for."""

    text: str  # the question/request sentence (or clause) as in the draft
    start: int
    end: int
    slots: tuple[str, ...]  # slot types it asks for (may be empty if unknown)
    answered_by: str | None = None  # evidence: the text/fact that already answers it, when repeated


@dataclass(frozen=True)
class Span:
    """A piece of text with its offsets in the text it came from."""

    text: str
    start: int
    end: int


_WH = (
    r"what|what's|whats|which|when|where|who|whom|whose|how|why|hva|hvilken|hvilket|hvilke|når|hvor|hvem"
    r"|hvordan|hvorfor|hvorhen|hvorfra|kva|kven|kvar|kor|korleis|kvifor|kvarfrå|vad|vilken|vilket|vilka|när"
    r"|var|vart|vem|hur|varför|varifrån|hvad|hvornår"
)
_AUX = (
    r"is|are|was|were|do|does|did|can|could|would|will|shall|should|may|might|have|has|had|kan|kunne|kunde"
    r"|vil|ville|vill|skal|ska|skulle|har|hadde|hade|er|är|blir|må|får|ønsker|önskar|gjelder|gäller|gælder"
    r"|passer|passar|trenger|treng|behöver|behøver|vet|veit|ved|husker|minns|hugsar"
)
_SUBJ = (
    r"you|we|i|it|there|they|he|she|this|that|these|those|du|dere|de|ni|dykk|vi|jeg|eg|jag|han|hun|ho|hon|det"
    r"|den|dette|detta|denne|denna|man|me"
)
_POLITE = (
    r"(?:(?:please|kindly|just|also|and|then|so|now|but|first|but first|men|først|först|vennligst|venligst"
    r"|vänligen|venleg|gjerne|bare|berre|bara|så|og|och|då|også|också|ellers|annars|ellers),?\s+)*"
)
_REQUEST_VERBS = (
    r"send|provide|tell|give|share|confirm|specify|enter|attach|include|reply|respond|forward|state|write"
    r"|type|upload|fill|submit|email|e-mail|text|double-check|verify|advise|oppgi|gi|fortell|bekreft|skriv"
    r"|legg|del|svar|last|meld|vis|opplys|oppgje|gje|fortel|stadfest|skicka|ange|uppge|ge|berätta|bekräfta"
    r"|bifoga|dela|svara|ladda|meddela|lämna|fyll|maila|mejla|angiv|angive|oplys|giv|fortæl|bekræft|vedhæft"
    r"|upload|meddel|udfyld"
)
_LET_KNOW = (
    r"let (?:me|us) know|drop (?:me|us) a (?:line|message)|gi (?:meg|oss) (?:gjerne )?beskjed|gje (?:meg"
    r"|oss) (?:gjerne )?beskjed|gi beskjed|låt (?:mig|oss) veta|meddela (?:mig|oss)|lad (?:mig|os) vide"
    r"|giv (?:mig|os) besked|si (?:fra|ifrå)|sei (?:frå|ifrå)|hør (?:gjerne )?fra deg"
)
_QUESTION_START = re.compile(
    rf"^{_POLITE}(?:(?:{_WH})\b(?!\s+(?:{_SUBJ})\b)|(?:{_AUX})\s+(?:{_SUBJ})\b|any\b)", _I
)
_REQUEST_START = re.compile(rf"^{_POLITE}(?:(?:{_REQUEST_VERBS})\b|{_LET_KNOW})", _I)
_NEED = re.compile(
    r"\b(?:i|we)(?:'ll| will| would|'d| also| still)?\s+(?:need|require)\s+(?:your|the|a|an|some|you to"
    r"|to (?:know|see|have|get))\b|\b(?:need|trenger|treng|behøver|behöver|må ha|har brug for|skal bruge"
    r"|skulle trenge|skulle behöva|skulle bruge)\s+(?:vi|jeg|eg|jag|we|i)?\b[^.!?]*\b(?:your|din|ditt|dine|di"
    r"|dit|dina|ditt|dykkar|deres|dere|jeres|er|ert|era)\b|^(?:jeg|vi|eg|jag)\s+(?:trenger|treng|behøver"
    r"|behöver|må ha|har brug for|skal bruge|skulle trenge|skulle behöva)\b|\b(?:if|om|hvis|viss"
    r"|dersom)\s+(?:you|du|dere|ni|de|dykk)\s+(?:could|can|kunne|kan|kunde|vil|ville|vill)\s+"
    rf"(?:(?:please|gjerne|vennligst|bare|berre|bara)\s+)?(?:{_REQUEST_VERBS}|{_LET_KNOW})\b",
    _I,
)
_SOFT_ASK = re.compile(
    rf"\b(?:tell|show) (?:me|us) (?:{_WH})\b|\b(?:fortell|fortel|berätta|fortæl|si|sei) (?:meg|oss|mig|mej"
    rf"|os) (?:{_WH})\b|\b(?:could|can|would|will)\s+you\s+(?:please\s+|kindly\s+"
    rf"|also\s+)?(?:{_REQUEST_VERBS}|{_LET_KNOW})\b|\b(?:kan|kunne|kunde|vil|vill)\s+(?:du|dere|ni|De"
    rf"|dykk)\s+(?:gjerne\s+|vennligst\s+|venligst\s+|vänligen\s+|også\s+|också\s+)?(?:{_REQUEST_VERBS}"
    rf"|{_LET_KNOW})\b",
    _I,
)
_ABBREV_END = re.compile(
    r"(?:\b(?:e\.g|i\.e|mr|mrs|ms|dr|st|nr|kl|ca|f\.eks|bl\.a|osv|t\.ex|dvs|evt|pga|inkl|ekskl|tlf|vs|jf|mht"
    r"|ref|tel|approx)|\b[A-Z])\.$",
    _I,
)
_CLAUSE_SPLIT = re.compile(
    rf"(?:,\s*(?:and|og|och|samt|or|eller)?|\s+(?:and|og|och|samt|or|eller|also|også|också))\s+(?=(?:also\s+"
    rf"|også\s+|också\s+)?(?:{_WH})\b(?!\s+(?:{_SUBJ})\b)|(?:{_AUX})\s+(?:{_SUBJ})\b)",
    _I,
)


def split_sentences(text: str) -> list[Span]:
    """Split a text into sentences with their offsets (end punctuation stays with its sentence)."""
    spans: list[Span] = []
    start = 0
    for m in re.finditer(r"[.!?…]+[\"')\]]*(?=\s|$)|\n+", text):
        end = m.end()
        piece = text[start:end]
        nxt = text[end:].lstrip()
        if m.group(0).startswith(".") and not m.group(0).startswith("..."):
            if _ABBREV_END.search(piece.rstrip()) or (nxt and nxt[0].islower()):
                continue
            if re.search(r"\b\d{1,2}\.$", piece.rstrip()) and nxt[:1].islower():
                continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    offset = start + (len(piece) - len(piece.lstrip()))
    spans.append(Span(stripped, offset, offset + len(stripped)))


def _strip_lead(text: str) -> str:
    """Drop interjections and a greeting before the question proper ("Sure, what..." -> "what...")."""
    return re.sub(
        r"^(?:(?:sure|okay|ok|great|perfect|alright|all right|of course|certainly|no problem|got it|thanks"
        r"|thank you|yes|right|fine|absolutely|i see|understood|noted|hi|hello|hey|flott|supert|greit|ja|takk"
        r"|tack|tak|fint|bra|absolutt|selvfølgelig|sjølvsagt|självklart|selvfølgelig|javisst|okei|hej|hei"
        r"|hallo|perfekt|toppen|fedt|godt|klart)\b[,.!]?\s*)+",
        "",
        text.strip(),
        flags=_I,
    )


def is_ask(sentence: str) -> bool:
    """True when a sentence asks the reader something (question or request for information)."""
    s = sentence.strip()
    if not s:
        return False
    if "?" in s or s.endswith("/"):
        return True
    core = _strip_lead(s)
    if len(core.split()) < 2:
        return False  # "Svar", "Mvh": a signature, not a request
    return bool(
        _QUESTION_START.search(core)
        or _REQUEST_START.search(core)
        or _NEED.search(core)
        or _SOFT_ASK.search(core)
    )


def _clauses(sentence: Span) -> list[Span]:
    cuts = [m for m in _CLAUSE_SPLIT.finditer(sentence.text)]
    if not cuts:
        return [sentence]
    out: list[Span] = []
    begin = 0
    for m in cuts:
        piece = sentence.text[begin : m.start()]
        core = _strip_lead(piece)
        if len(core.split()) < 2 or not (
            _QUESTION_START.search(core) or _REQUEST_START.search(core) or _SOFT_ASK.search(core)
        ):
            if not out:
                continue  # a lead-in ("Sure, ...") or a statement: it stays with the question after it
        if piece.strip():
            out.append(
                Span(piece.strip(), sentence.start + begin, sentence.start + begin + len(piece.rstrip()))
            )
        begin = m.end()
    tail = sentence.text[begin:]
    out.append(Span(tail.strip(), sentence.start + begin, sentence.start + begin + len(tail.rstrip())))
    return out


def find_asks(draft: str, language: str | None = None) -> list[Ask]:
    """Find each question or request in a draft and type the slots it asks for.

    Args:
        draft: the reply text.
        language: "en", "nb", "nn", "sv" or "da"; None uses the lexicons of all five.

    Returns:
        Asks in draft order; a sentence that coordinates two questions gives two asks.
    """
    asks: list[Ask] = []
    for sentence in split_sentences(draft):
        if not is_ask(sentence.text):
            continue
        clauses = _clauses(sentence) if "?" in sentence.text or is_ask(sentence.text) else [sentence]
        for clause in clauses:
            asks.append(Ask(clause.text, clause.start, clause.end, slots_for(clause.text, language)))
    return asks
