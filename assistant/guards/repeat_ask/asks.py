"""Find the questions and requests in a reply: sentences, their clauses, and which of them ask something.

An ask is a sentence (or a coordinated clause of one) that

* ends with a question mark;
* opens like a question even without one: a question word not followed by a subject ("What is your order
  number", "Hvilken dato gjelder det") or a finite verb and a subject ("Could you send me...", "Kan du
  oppgi ordrenummeret");
* is an imperative request for information ("Send oss bilde av kvitteringen", "Please confirm the time",
  "Ange ditt ordernummer"), or says what we need from the customer ("We need your address",
  "Vi trenger telefonnummeret ditt");
* proposes a troubleshooting step ("Har du prøvd å starte ruteren på nytt?", "Prøv gjerne en annen
  nettverkskabel.", "Det kan hjelpe å oppdatere fastvaren."): such an ask has the slot ``tried``.

An ask whose object is a pronoun ("Vil du sende det?", "Har du prøvd det?") takes its slot from the sentence
before it.

"What is the arrival date and how many days will you stay?" holds two asks, one per clause, so that a guard
can drop the clause that repeats and keep the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.guards.repeat_ask.slots import (
    TRIED,
    action_families,
    action_objects,
    is_action_verb,
    slots_for,
    verb_class,
)
from knowledge.text.sentences import Span, split_sentences

__all__ = ["Ask", "Span", "find_asks", "split_sentences", "is_ask", "proposal_verb", "proposes_action"]

_I = re.IGNORECASE


@dataclass(frozen=True)
class Ask:
    """A question or request in a draft and the slots it asks for."""

    text: str  # the question/request sentence (or clause) as in the draft
    start: int
    end: int
    slots: tuple[str, ...]  # slot types it asks for (may be empty if unknown)
    answered_by: str | None = None  # evidence: the text/fact that already answers it, when repeated
    about: str | None = None  # where the slots were read from, when not the ask itself ("Vil du sende det?")


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
    r"|vänligen|venleg|gjerne|bare|berre|bara|så|og|och|då|også|också|ellers|annars|ellers"
    # "Husk at oplyse dit bookingnummer", "Remember to send ...": a reminder is a request
    r"|husk(?:\s+(?:å|at|og))?|hugs(?:\s+å)?|kom\s+ihåg\s+att|glem\s+ikke\s+(?:å|at)|ikke\s+glem\s+(?:å|at)"
    r"|ikkje\s+gløym\s+å|glöm\s+inte\s+att|remember\s+to|don'?t\s+forget\s+to|do\s+not\s+forget\s+to)"
    r",?\s+)*"
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
_REQUEST_START = re.compile(
    rf"^{_POLITE}(?:(?:{_REQUEST_VERBS})\b|{_LET_KNOW}"
    rf"|(?:(?<=å )|(?<=at )|(?<=att ))(?:{_REQUEST_VERBS})(?:e|a)?\b)",
    _I,
)
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
_CLAUSE_SPLIT = re.compile(
    rf"(?:,\s*(?:and|og|och|samt|or|eller)?|\s+(?:and|og|och|samt|or|eller|also|også|också))\s+(?=(?:also\s+"
    rf"|også\s+|också\s+)?(?:{_WH})\b(?!\s+(?:{_SUBJ})\b)|(?:{_AUX})\s+(?:{_SUBJ})\b)",
    _I,
)


# Action proposals: "Har du prøvd å starte ruteren på nytt?", "Could you try restarting the router?",
# "Du kan prøve en annen kabel.", "Prøv gjerne en annen nettverkskabel.", "Unplug both for 30 seconds."
_LEAD_ADV = (
    r"(?:(?:please|kindly|just|also|and|then|so|now|but|first|firstly|next|alternatively|otherwise|men|først"
    r"|först|fyrst|vennligst|venligst|vänligen|venleg|gjerne|bare|berre|bara|så|og|och|då|også|också|ellers"
    r"|annars|deretter|derefter|sedan|dernest|alternativt|evt\.?|eventuelt|eventuellt)\b,?\s+)*"
)
_YOU = r"(?:you|du|dere|ni|i|dykk|de)"
_MID_ADV = (
    r"(?:(?:please|kindly|gjerne|venligst|vennligst|vänligen|venleg|also|også|òg|også|också|även|even|først"
    r"|first|först|fyrst|just|bare|berre|bara|kun|evt\.?|eventuelt|eventuellt|kanskje|kanske|måske|maybe"
    r"|perhaps|already|allerede|alt|allereie|redan|ever|nogensinde|någonsin|noen gang|nokon gong|quickly"
    r"|lige|straks|now|nå|no|nu|to|å|at|att|then|så|da|want to|like to|mind|in the meantime"
    r"|i mellomtiden|i mellomtida|under tiden|imens|imedens)\s+)*"
)
_PROPOSAL = re.compile(
    rf"^{_LEAD_ADV}(?:(?:have|has|did|had|har|hadde|hade|havde)\s+{_YOU}\s+{_MID_ADV}(?P<perfect>[\w-]+\b)"
    rf"|(?:can|could|would|will|kan|kunne|kunde|vil|ville|vill|gider|orker)\s+{_YOU}\s+{_MID_ADV}"
    rf"(?P<modal>[\w-]+\b)"
    rf"|(?:you|du|dere|ni|dykk)\s+(?:can|could|might|may|should|kan|kunne|kunde|bør|burde|borde|må|may want"
    rf" to|might want to|want to)\s+{_MID_ADV}(?P<suggest>[\w-]+\b)"
    rf"|(?:i|we|jeg|eg|vi|jag|me)\s+(?:would\s+|'d\s+|vil\s+|ville\s+|skulle\s+)?(?:recommend|suggest"
    rf"|anbefaler|anbefale|tilrår|rår|foreslår|rekommenderar|föreslår|rådar)\s+(?:(?:at|att|that)\s+)?"
    rf"(?:{_YOU}\s+)?{_MID_ADV}(?P<recommend>[\w-]+\b)"
    rf"|(?:it\s+(?:may|might|can|could|often|usually)\s+help\s+to|it'?s\s+(?:a\s+good\s+idea|worth\s+trying)"
    rf"\s+to|a\s+good\s+(?:first\s+)?step\s+is\s+to|det\s+(?:kan|kunne)\s+(?:ofte\s+)?(?:hjelpe|hjelpa"
    rf"|hjälpa|hjælpe|være\s+lurt|vere\s+lurt|vara\s+bra|være\s+en\s+god\s+idé|lønne\s+seg|løne\s+seg"
    rf"|löna\s+sig)|det\s+(?:er|är)\s+(?:lurt|smart|en\s+god\s+idé|ein\s+god\s+idé|en\s+god\s+idé|værd"
    rf"\s+at\s+prøve|verdt\s+å\s+prøve|värt\s+att\s+prova))\s+(?:å\s+|att\s+|at\s+)?{_MID_ADV}"
    rf"(?P<helps>[\w-]+\b)"
    rf"|(?P<imperative>[\w-]+\b)(?!\s+(?:inte|ikke|ikkje|not|eg|jeg|jag|vi|me|we|i|han|hun|ho|hon|de|dei"
    rf"|det|den|du|dere|ni|you|they|it|er|is|are|was|var|är|blir|kan|vil|skal|ska|will|can|should|må|must|tar"
    rf"|takes|tek|tager|har|has|kommer|gjør|does|hjelper|helps|hjälper|hjælper|løser|solves|fixes|fikser)\b))",
    _I,
)
_NOUN_FORM = re.compile(r"(?:ing|ingen|inga|ingar|ingane|ingene|ning|ningen|ningar|ten|tene)$", _I)
_CONDITION = re.compile(
    rf"\b(?:hvis|viss|om|if|dersom|ifall)\s+(?:you|du|dere|ni|dykk)\s+{_MID_ADV}(?P<verb>[\w-]+\b)", _I
)
_NOT_PROPOSAL = re.compile(
    r"^check(?:ed|ing|s)?[- ](?:in|out)\b|^(?:start|end)[- ](?:date|time|dato|tid)", _I
)


def proposal_verb(sentence: str) -> tuple[str, str] | None:
    """(form, verb) when a sentence proposes that the customer do something, else None.

    Forms: ``perfect`` ("Har du prøvd ..."), ``modal`` ("Kan du starte ..."), ``suggest`` ("Du kan prøve
    ..."), ``recommend`` ("I'd recommend ...") and ``imperative`` ("Prøv ...", "Restart ...").
    """
    core = _strip_lead(sentence).replace("’", "'")
    found = _proposal_at_start(core)
    purpose = _PURPOSE_LEAD.match(core)
    if found is None and purpose is not None:  # "To reset the router, hold Reset for 10 seconds."
        found = _proposal_at_start(core[purpose.end() :])
    if found is None and core != main_clause(core):
        found = _proposal_at_start(main_clause(core))
    if found is None and "?" in core:  # "Får du nett hvis du kobler en PC rett i fiberboksen?"
        cond = _CONDITION.search(core)
        if cond is not None and is_action_verb(cond.group("verb")):
            return "condition", cond.group("verb")
    return found


def _proposal_at_start(core: str) -> tuple[str, str] | None:
    m = _PROPOSAL.match(core)
    if m is None:
        return None
    form = next(g for g in ("perfect", "modal", "suggest", "recommend", "helps", "imperative") if m.group(g))
    verb = m.group(form)
    if not is_action_verb(verb) or _NOT_PROPOSAL.match(core[m.start(form) :]):
        return None
    if form == "imperative" and (
        re.match(r"^(?:don'?t|do not|ikke|ikkje|inte|aldri|never)\b", core, _I) or _NOUN_FORM.search(verb)
    ):
        return None  # "Ikke trekk ut strømmen ...", "Oppdateringen tar fem minutter."
    return form, verb


# A lead-in before the proposal proper that names no step of its own: "Siden du allerede har restartet
# ruteren, kan du prøve ...", "If that doesn't help, try ...", "Du har allerede byttet kabel, så prøv ...".
_SUBORDINATE_LEAD = re.compile(
    r"^(?:(?:siden|sidan|ettersom|eftersom|sedan|since|as|now that|nå som|no som|nu när|nu når|nu da|nu hvor"
    r"|hvis|viss|om|if|dersom|ifall|because|fordi)\b|(?:du|dere|ni|you"
    r"|dykk|(?-i:I))\s+(?:har|have|'ve|hadde|had|allerede|alt|redan|already)\b)[^,;:–—]{0,140}[,;:–—]\s*"
    r"(?:(?:så|so|then|da|då|men|but)\b,?\s*)?",
    _I,
)
# A lead-in that says what the step is for ("To reset the router, hold ...", "For å nullstille ..."): the
# step is named there.
_PURPOSE_LEAD = re.compile(
    r"^(?:to|in order to|for å|for at|för att|før|innan|inden|before|while|mens|medan)\b[^,;:–—]{0,140}"
    r"[,;:–—]\s*",
    _I,
)


def main_clause(text: str) -> str:
    """The text after a lead-in clause, or the text itself when it has none."""
    core = _strip_lead(text)
    m = _SUBORDINATE_LEAD.match(core)
    return core[m.end() :] if m is not None and m.end() < len(core) else core


def proposes_action(sentence: str) -> bool:
    """True when a sentence proposes a troubleshooting step the customer may already have taken."""
    found = proposal_verb(sentence)
    if found is None:
        return False
    if action_families(main_clause(sentence)):
        return True
    return verb_class(found[1]) is not None and bool(action_objects(sentence))


def _strip_lead(text: str) -> str:
    """Drop interjections and a greeting before the question proper ("Sure, what..." -> "what...")."""
    return re.sub(
        r"^(?:(?:sure|okay|ok|great|perfect|alright|all right|of course|certainly|no problem|got it|thanks"
        r"|thank you|yes|right|fine|absolutely|i see|understood|noted|hi|hello|hey|flott|supert|greit|ja|takk"
        r"|tack|tak|fint|bra|absolutt|selvfølgelig|sjølvsagt|självklart|selvfølgelig|javisst|okei|hej|hei"
        r"|hallo|perfekt|toppen|fedt|godt|klart)\b[,.!]?\s*)+",
        "",
        _LIST_MARK.sub("", text.strip()),
        flags=_I,
    )


_LIST_MARK = re.compile(r"^(?:(?:\d{1,2}[.)]|[-*•–])\s+)?[*_]*")


_EXCLAMATION = re.compile(
    r"^(?:vad|hvad|hva|kva|hvor|kor|hur|how|what a|what an|så)\s+\w+(?:\s+\w+)?\s+(?:att|at|å|that|to)\b"
    r"|^(?:vad|hvad|hva|kva|hvor|kor|hur|how|what a|what an|så)\s+\w+(?:\s+\w+)?\s*!*$",
    _I,
)


def is_ask(sentence: str) -> bool:
    """True when a sentence asks something: a question, a request for information or a proposed step."""
    s = sentence.strip()
    if not s:
        return False
    if "?" in s or s.endswith("/"):
        return True
    core = _strip_lead(s)
    if len(core.split()) < 2:
        return False  # "Svar", "Mvh": a signature, not a request
    if _EXCLAMATION.search(core):
        return False  # "Vad tråkigt att du inte fått svar."
    return bool(
        _QUESTION_START.search(core)
        or _REQUEST_START.search(core)
        or _NEED.search(core)
        or _SOFT_ASK.search(core)
        or proposes_action(core)
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
    sentences = split_sentences(draft)
    for at, sentence in enumerate(sentences):
        if not is_ask(sentence.text):
            continue
        before = sentences[at - 1].text if at > 0 else None
        for clause in _clauses(sentence):
            slots, about = _ask_slots(clause.text, before, language)
            asks.append(Ask(clause.text, clause.start, clause.end, slots, about=about))
    return asks


# What "it" can stand for in "Vil du sende det?": the things a customer sends or gives.
_SENDABLE = frozenset(
    {
        "order_number",
        "tracking_number",
        "serial_number",
        "account_id",
        "email",
        "phone",
        "address",
        "attachment",
        "name",
        "product",
        "model",
    }
)
_ANAPHOR = re.compile(
    r"\b(?:det|den|dem|dei|dom|dette|detta|denne|denna|disse|dessa|it|them|that|this|those|these)\b", _I
)


_DONE_IT = re.compile(
    r"\b(?:tried|try|done|do|did|prøvd|prøvt|prøvet|prøve|prøva|provat|prova|pröva|testet|testat|testa|test"
    r"|gjort|gjorde|gjøre|gjere|gøre)\b",
    _I,
)


def _anaphoric(text: str) -> bool:
    """An object pronoun after the verb: "Vil du sende det?", "Har du prøvd det?", "Can you send it?"."""
    words = re.findall(r"[\w'-]+", _strip_lead(text))
    return any(_ANAPHOR.fullmatch(w) for w in words[2:])


def _ask_slots(text: str, before: str | None, language: str | None) -> tuple[tuple[str, ...], str | None]:
    """The slots an ask asks for and, when they come from the sentence before it, that sentence."""
    if proposes_action(text):
        return (TRIED,), None
    slots = slots_for(text, language)
    if slots or before is None or not _anaphoric(text):
        return slots, None
    if _DONE_IT.search(text) and action_families(before):
        return (TRIED,), before  # "Prøv å tilbakestille dem. Har du prøvd det?"
    resolved = tuple(s for s in slots_for(before, language) if s in _SENDABLE)
    return (resolved, before) if resolved else ((), None)
