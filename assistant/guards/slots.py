"""What a question asks for: typed slot lexicons for English, bokmål, nynorsk, Swedish and Danish.

A question is typed by cues: question words and nouns ("what date", "hvilken dato", "vilket datum",
"ordrenummeret", "how many tickets"). Cues are tried most specific first and each match blanks its span,
so "order number" is never also read as a bare "number" and "e-postadresse" never as an address. The role
words of the question then refine a slot ("where are you leaving *from*" is an ``origin``, "when do you
*return*" an ``end_date``).

The slot names are those of :mod:`assistant.guards.values`, plus ``choice`` (pick one of what was offered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.guards.values import Value, extract_values

__all__ = ["Cue", "slots_for", "proposed_slots", "family", "accepts", "FAMILIES"]

_I = re.IGNORECASE


@dataclass(frozen=True)
class Cue:
    """A phrase that says a question asks for ``slot``; a weak cue counts only when nothing else matched."""

    slot: str
    pattern: re.Pattern[str]
    weak: bool = False


def _cue(slot: str, pattern: str, *, weak: bool = False) -> Cue:
    return Cue(slot, re.compile(pattern, _I), weak)


# Determiners that make a bare noun a question about it ("which city", "any preferred time", "the date").
_DET = (
    r"(?:what|which|any|a|the|your|preferred|particular|specific|certain|exact|desired|some|good|best"
    r"|the preferred|a particular|a specific|a certain|a preferred|any particular|any specific|any preferred"
    r"|any certain|some particular)"
)

_EN: tuple[Cue, ...] = (
    _cue("email", r"\be-?mail(?:\s+address)?\b"),
    _cue(
        "tracking_number",
        r"\btracking\b(?:\s+(?:number|no\.?|code|id|link))?|\b(?:shipment|parcel|consignment)\s+(?:number"
        r"|id)\b|\bwaybill\b",
    ),
    _cue("serial_number", r"\bserial(?:\s+number)?\b|\bs/n\b|\bimei\b"),
    _cue(
        "account_id",
        r"\b(?:customer|member(?:ship)?|account|client|subscriber|loyalty)\s*(?:number|no\.?|id)\b"
        r"|\buser ?name\b|\blogin\b",
    ),
    _cue(
        "order_number",
        r"\border\s*(?:number|no\.?|nr\.?|#|id|reference|ref)\b|\b(?:booking|confirmation|reference|invoice"
        r"|receipt|case|ticket)\s*(?:number|no\.?|code|id)\b|\bwhich order\b",
    ),
    _cue(
        "phone",
        r"\b(?:tele)?phone(?:\s+number)?\b|\b(?:mobile|cell(?:phone)?)(?:\s+number)?\b|\bcontact number\b"
        r"|\bnumber\b[^?]*\b(?:reach|call|contact|text|ring)\b",
    ),
    _cue(
        "address",
        r"\b(?:postal|delivery|shipping|billing|home|street|mailing)?\s*address\b|\bpost ?code\b"
        r"|\bzip(?: code)?\b|\bpostal code\b|\bwhere (?:do you live|should we (?:send|ship|deliver)"
        r"|do you want (?:it|them|this) (?:sent|delivered|shipped))\b",
    ),
    _cue(
        "recipient",
        r"\bto whom\b|\bwhom\b|\brecipient\b|\bwho\b[^?]*\b(?:money|transfer\w*|send\w*|pay\w*|receiv\w*"
        r"|giv\w*|going to)\b|\b(?:transfer|send)\b[^?]*\bto\s*[?.]?\s*$|\bwhose\b[^?]*\baccount\b"
        r"|\bname of the (?:person|recipient|receiver|payee)\b|\bpayee\b|\bwhere\b[^?]*\b(?:transfer|send"
        r"|wire)\w*\b[^?]*\b(?:money|funds|amount|payment)\b",
    ),
    _cue(
        "name",
        r"\b(?:your|full|first|last|sur|family)\s+name\b|\bwho am i (?:speaking|talking|chatting) (?:to"
        r"|with)\b|\bwhat(?:'s| is) your name\b|\bname (?:on|under)\b|\bwhose name\b",
    ),
    _cue(
        "account_type",
        r"\b(?:which|what) account\b|\baccount type\b|\btype of account\b|\bwhich of your accounts\b",
    ),
    _cue(
        "price_range",
        r"\bprice range\b|\bbudget\b|\bhow much (?:do|would|are|were) you (?:want|like|willing|looking"
        r"|planning|hoping)\w* to (?:spend|pay)\b|\bprice (?:point|level|limit)\b|\bhow expensive\b",
    ),
    _cue(
        "amount",
        r"\bhow much\b(?![^?]*\b(?:cost|costs|price|spend|budget|time|longer)\b)|\bamount\b|\bsum\b"
        r"|\bhow many (?:dollars|euros|kroner|kronor)\b",
    ),
    _cue("attachment", r"\b(?:photo|picture|image|screenshot|receipt|scan|copy of|video)s?\b|\battach\w*"),
    _cue(
        "duration",
        r"\bhow long\b|\bhow many (?:days|nights|weeks|months|hours)\b|\bfor how many (?:days|nights|weeks)\b"
        r"|\bnumber of (?:days|nights|weeks)\b|\blength of (?:the |your )?stay\b|\bduration\b",
    ),
    _cue("bedrooms", r"\bhow many (?:bed ?rooms|beds)\b|\bnumber of (?:bed ?rooms|beds)\b|\bbed ?rooms\b"),
    _cue("bathrooms", r"\bhow many (?:bath ?rooms|baths)\b|\bnumber of (?:bath ?rooms|baths)\b"),
    _cue("rooms", r"\bhow many rooms\b|\bnumber of rooms\b"),
    _cue(
        "party_size",
        r"\bhow many (?:people|persons|guests|tickets|seats|passengers|travell?ers|riders|adults|children"
        r"|kids|of you|individuals|diners|in your party|are (?:you|there|going|coming|traveling))\b"
        r"|\bparty (?:size|of)\b|\bnumber of (?:the )?(?:people|persons|guests|tickets|seats|passengers"
        r"|travell?ers|riders)\b|\bfor how many\b|\bhow many (?:are|is) (?:riding|going|coming|traveling)\b"
        r"|\bhow many\b[^?]*\b(?:riding|tickets|seats|people|passengers)\b",
    ),
    _cue(
        "time",
        r"\b(?:(?:at )?(?:what|which|any) )?time of (?:the )?day\b|\b(?:what|which|at what|preferred|a good"
        r"|the|any|your|exact|specific|particular|certain)\s+(?:\w+\s+)?time\b(?! (?:zone|frame|being))"
        r"|\bhow (?:early|late)\b|\bo'clock\b|\btime\?|^time\b|\bwhat hour\b",
    ),
    _cue(
        "date",
        rf"\bwhen\b|\b{_DET}\s+(?:\w+\s+)?(?:dates?|day)\b|\bfrom when\b|\bhow soon\b|\bdates?\b"
        r"|^day\b|\bday\?",
    ),
    _cue(
        "place",
        rf"\bwhere\b|\b{_DET}\s+(?:\w+\s+)?(?:city|town|area|location|place|region|neighbou?rhood|country"
        r"|metropolis|state)\b|^(?:city|town|area|location|where)\b|\b(?:city|location|area)\?"
        r"|\bdeparture (?:city|location|station|airport|point|place)\b|\borigin\b|\bstarting (?:point"
        r"|location)\b|\bdestination\b",
    ),
    _cue(
        "ride_sharing",
        r"\bshar(?:e|ed|ing)\b[^?]*\bride\b|\bride\b[^?]*\bshar\w*|\bprivate ride\b|\bpool\b",
    ),
    _cue("size", r"\b(?:which|what)\s+size\b|\bsize\b"),
    _cue("colour", r"\bcolou?r\b"),
    _cue("model", r"\b(?:which|what)\s+model\b|\bmodel(?: number| name)?\b"),
    _cue(
        "product",
        r"\b(?:which|what)\s+(?:product|item|device|phone|variant|version|article)\b|\bproduct (?:name|number"
        r"|code)\b|\bsku\b|\barticle number\b",
    ),
    _cue(
        "category",
        r"\b(?:what|which|any|particular|preferred|specific|some|certain)\s+(?:\w+\s+)?(?:kind|type|sort"
        r"|category|genre|style|cuisine)s?\b|\bkind of\b|\btype of\b|\bcategory\b|\bgenre\b|\bcuisine\b"
        r"|\bwhat (?:food|music)\b|\bwhat (?:are you|do you)\b[^?]*\b(?:interested|like|prefer|enjoy|fancy)\b"
        r"|\binterested in doing\b|^types?\b|\btype\?|\bfavou?rite (?:food|cuisine|kind|type|music|sport"
        r"|genre)\b",
    ),
    _cue(
        "choice",
        r"\bfavou?rite (?:restaurant|hotel|place|one)\b|\b(?:which|what) (?:one|restaurant|hotel|event|car"
        r"|bus|flight|apartment|movie|option|show|property|doctor|therapist|salon|dentist)\b",
    ),
    _cue(
        "category",
        r"\bpreference\b|\bin mind\b|\bwhat do you (?:like|want|prefer)\b|\bwhat would you like\b"
        r"|\bwhat are you looking for\b",
        weak=True,
    ),
    _cue("quantity", r"\bhow many\b|\bquantity\b|\bnumber of\b", weak=True),
)

_NORDIC: tuple[Cue, ...] = (
    _cue("email", r"\be-?(?:post|mail)\w*|\bmailadress\w*|\bmail\b"),
    _cue(
        "tracking_number",
        r"\b(?:sporings|spårnings|sendings|sändnings|forsendelses|försändelses|kolli|pakke|paket"
        r"|track(?:ing)?)-?(?:nummer\w*|numret|nr\.?|id|kode\w*|kod\w*|lenke\w*|länk\w*|link\w*)",
    ),
    _cue("serial_number", r"\bserie-?(?:nummer\w*|numret|nr\.?)|\bimei\b"),
    _cue(
        "account_id",
        r"\b(?:kunde|kund|medlems|konto|bruker|brukar|användar|bruger|abonnements|avtale|avtal"
        r"|aftale)-?(?:nummer\w*|numret|nr\.?|id|navn\w*|namn\w*)|\bbrukernavn\w*|\bbrugernavn\w*"
        r"|\banvändarnamn\w*",
    ),
    _cue(
        "order_number",
        r"\b(?:ordre|order|bestillings|beställnings|bestilling|booking|bokings|boknings|referanse|referense"
        r"|referens|reference|faktura|kvitterings|saks|ärende)-?(?:nummer\w*|numret|numre\w*|nr\.?|id|kode\w*"
        r"|kod\w*)|\b(?:hvilken|hvilke|kva|vilken|vilket) (?:ordre|order|bestilling|beställning)\w*",
    ),
    _cue("phone", r"\b(?:telefon|mobil|tlf)\w*"),
    _cue(
        "address",
        r"\b(?:leverings|post|faktura|hjemme|heime|gate|gatu|bosteds|hem|leverans|fakturerings)?adress\w*"
        r"|\bpost-?(?:nummer|nr|kode|nummeret)\w*|\b(?:hvor|kvar|var) (?:bor|bur) (?:du|dere|de|ni)\b"
        r"|\bhvor (?:skal|vil du at) (?:vi|pakken|varen) (?:sende|levere)\w*",
    ),
    _cue(
        "recipient",
        r"\bmottak\w*|\bmottag\w*|\bmodtag\w*|\btil (?:hvem|kven)\b|\btill vem\b|\b(?:hvem|kven"
        r"|vem)\b[^?]*\b(?:sende|overføre|betale|skicka|föra över|betala|overføre|pengene|pengane|pengarna"
        r"|penge)\w*",
    ),
    _cue(
        "name",
        r"\b(?:navn|namn)\w*|\bhva heter du\b|\bkva heiter du\b|\bvad heter du\b|\bhvad hedder du\b"
        r"|\bhvem (?:snakker|skriver|taler) jeg med\b|\bvem (?:pratar|talar|skriver) jag med\b",
    ),
    _cue("account_type", r"\b(?:hvilken|hvilket|kva|vilket|vilken) konto\w*|\bkontotyp\w*"),
    _cue(
        "price_range",
        r"\bprisklass\w*|\bprisleie\b|\bbudsjett\w*|\bbudget\w*|\bprisnivå\w*|\bprisniveau\w*",
    ),
    _cue(
        "amount",
        r"\b(?:hvor mye|kor mykje|hur mycket|hvor meget|hvor mange penger"
        r"|hur mycket pengar)\b(?![^?]*\b(?:koster|kostar|kostnad)\b)|\bbeløp\w*|\bbelopp\w*|\bbeløb\w*"
        r"|\bsummen\b|\bsum\b",
    ),
    _cue(
        "attachment",
        r"\bbild\w*|\bbilete\w*|\bbilde\w*|\bbillede\w*|\bfoto\w*|\bskjermbild\w*|\bskärmdump\w*"
        r"|\bskærmbillede\w*|\bkvittering\w*|\bkvitto\w*|\bkopi\w*|\bvedlegg\w*|\blegg ved\b|\bbifoga\w*"
        r"|\bvedhæft\w*",
    ),
    _cue(
        "duration",
        r"\b(?:hvor lenge|kor lenge|hur länge|hvor længe)\b|\b(?:hvor|kor|hur) (?:mange|många) (?:dager|døgn"
        r"|netter|uker|dage|nætter|uger|dagar|dygn|nätter|veckor|veker)\b|\bantall (?:dager|netter|døgn)\b"
        r"|\bantal (?:dage|nætter|dagar|nätter)\b",
    ),
    _cue("bedrooms", r"\b(?:hvor|kor|hur) (?:mange|många) (?:soverom|sovrum|soveværelser)\b"),
    _cue("rooms", r"\b(?:hvor|kor|hur) (?:mange|många) (?:rom|rum|værelser|hotellrom)\b"),
    _cue(
        "party_size",
        r"\b(?:hvor|kor|hur) (?:mange|många) (?:personer|person|personar|billetter|billettar|biljetter"
        r"|gjester|gjestar|gäster|gæster|reisende|resenärer|rejsende|passasjer\w*|passagerare|passagerer"
        r"|plasser|platser|pladser|voksne|vaksne|vuxna|barn|børn|er dere|er de|er dykk|är ni|blir dere"
        r"|blir ni|blir I)\b|\bantall (?:personer|billetter|gjester|plasser|reisende)\b|\bantal (?:personer"
        r"|biljetter|gæster|platser|pladser|billetter|resenärer)\b|\b(?:for|för) (?:hvor|kor|hur) (?:mange"
        r"|många)\b",
    ),
    _cue(
        "time",
        r"\bklokkeslett\w*|\bklokkeslag\w*|\bklockslag\w*|\btidspunkt\w*|\b(?:hvilken|vilken|kva|hvad"
        r"|hvilket) tid\w*|\bhvor (?:sent|tidlig)\b|\bhur dags\b|\bkor tid\b|\bnår på dagen\b|\bklokka\b"
        r"|\bklockan\b|\bklokken\b|\btid\b",
    ),
    _cue(
        "date",
        r"\bdato\w*|\bdatum\w*|\bnår\b|\bnär\b|\bhvornår\b|\b(?:hvilken|vilken|kva|hvilke|hvilket) dag\w*"
        r"|\bdag(?:en)?\b|\bfrå når\b|\bfra når\b|\bfrån när\b",
    ),
    _cue(
        "place",
        r"\bhvor\b|\bkvar\b|\b(?:hvilken|hvilket|kva|vilken|vilket|hvilke)\s+(?:by|sted|stad|plass|plats"
        r"|område|ort|land|kommune|kommun)\w*|\bbyen\b|\bstaden\b|\bstedet\b|\bområdet\b|\bplassering\w*"
        r"|\blokasjon\w*|\bplacering\w*|\borten\b|\bhvorfra\b|\bkvarfrå\b|\bvarifrån\b|\bhvorhen\b"
        r"|\breisemål\w*|\bdestinasjon\w*|\bresmål\w*|\brejsemål\w*|\bavreisested\w*|\butgangspunkt\w*",
    ),
    _cue("ride_sharing", r"\bdel(?:e|a|t)\w* (?:tur|resa|bil)\w*|\bsamkjør\w*|\bsamåk\w*"),
    _cue("size", r"\bstørrelse\w*|\bstorlek\w*|\bstorleik\w*"),
    _cue("colour", r"\bfarge\w*|\bfärg\w*|\bfarve\w*"),
    _cue("model", r"\bmodell\w*|\bmodel(?:len|nummer|navn)?\b"),
    _cue(
        "product",
        r"\b(?:hvilken|hvilket|hvilke|kva for (?:ein|ei|eit)|kva|vilken|vilket|vilka)\s+(?:produkt|vare|vara"
        r"|artikkel|artikel)\w*|\bprodukt(?:navn|namn|nummer|kode|kod)\w*|\bartikkelnummer\w*"
        r"|\bartikelnummer\w*|\bvarenummer\w*",
    ),
    _cue(
        "category",
        r"\b(?:hva|kva|vad|hvad)\s+(?:slags|for (?:en|ein|eit|ei|et|noe|noko|något|nogen)|för|for)\b"
        r"|\b(?:hvilken|vilken|kva|hvilket|vilket)\s+(?:type|typ|sort|slags|kategori)\w*|\bkategori\w*"
        r"|\btypen\b",
    ),
    _cue(
        "choice",
        r"\b(?:hvilken|vilken|kva for ein|kva for ei|hvilket|vilket) (?:av dem|av dei|av dom|av de|en)\b",
    ),
    _cue("quantity", r"\b(?:hvor|kor|hur) (?:mange|många)\b|\bantall\b|\bantal\b", weak=True),
    _cue(
        "category",
        r"\bønsker\b|\bönskar\b|\bønsker du\b|\bforetrekker\b|\bföredrar\b|\bforetrækker\b",
        weak=True,
    ),
)

_SWEDISH_PLACE = _cue("place", r"\bvar\b(?!\s+(?:det|du|den|ni|han|hon))|\bvart\b|\bvilken stad\b")

_ORIGIN_Q = re.compile(
    r"\bfrom\b|\bdepart\w*|\bleav(?:e|ing)\b|\borigin\b|\bcoming\b|\bstart(?:ing)? (?:point|location)\b"
    r"|\bfra\b|\bfrå\b|\bfrån\b|\bifrån\b|\bhvorfra\b|\bkvarfrå\b|\bvarifrån\b|\bavreise\w*|\bavgang\w*"
    r"|\bavresa\w*|\bafrejse\w*|\butgangspunkt\w*",
    _I,
)
_DESTINATION_Q = re.compile(
    r"\bto\s*[?.!]?\s*$|\bwhere to\s*[?.!]?$|\bwhere to (?:go|travel|fly|ride|drive)\b|\bgoing\b|\bgo\b"
    r"|\bheaded\b|\bheading\b|\bdestination\b|\bdrop(?:ped|ping)? (?:you |them )?off\b|\bfly(?:ing)?\b"
    r"|\btravel\w* to\b|\barriv\w*|\bride\b|\bhvorhen\b|\bvart\b|\breisemål\w*|\bdestinasjon\w*|\bresmål\w*"
    r"|\brejsemål\w*|\b(?:til|till)\s*\??$|\b(?:skal|ska|skall) (?:du|dere|ni|de)\b[^?]*\b(?:reise|dra|resa"
    r"|åka|rejse|kjøre|køre|fly)\b",
    _I,
)
_CATEGORY_NOUNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "category_food",
        re.compile(r"\b(?:food|cuisine|eat|restaurant|dish|mat|kjøkken|kök|køkken|rett)\w*", _I),
    ),
    (
        "category_event",
        re.compile(r"\b(?:event|activit|concert|music|sport|game|show|arrangement|konsert)\w*", _I),
    ),
    (
        "category_therapist",
        re.compile(r"\b(?:therapist|doctor|counsel|specialist|terapeut|lege|läkare|læge)\w*", _I),
    ),
    ("category_car", re.compile(r"\b(?:car|vehicle|bil|bilen)\b", _I)),
    ("category_attraction", re.compile(r"\b(?:attraction|sight|severdighet|sevärdhet|seværdighed)\w*", _I)),
)
_END_ROLE_Q = re.compile(
    r"\b(?:till|until|til|through) (?:what|which|when|hvilken|vilken|når|när)\b|\b(?:till|until)\s*\??$"
    r"|\breturn\w*|\bcom(?:e|ing) back\b|\buntil when\b|\btill when\b|\bdrop(?:ping)?[- ]?off\b"
    r"|\bcheck(?:ing)?[- ]?out\b|\bend date\b|\bback\b|\bretur\w*|\btilbake\b|\btillbaka\b|\btilbage\b"
    r"|\btil når\b|\btill när\b|\bindtil hvornår\b|\butsjekk\w*|\butcheck\w*|\budtjek\w*|\b(?:reise|dra|fare"
    r"|åka|resa|rejse|tage) (?:hjem|heim|hem)\b|\bhjemreise\w*|\bheimreise\w*|\bhemresa\w*|\bhjemrejse\w*"
    r"|\blevere (?:tilbake|inn)\b|\bsiste dag\b",
    _I,
)

_YES_NO = re.compile(
    r"^(?:\w+,\s*)?(?:is|are|was|were|do|does|did|have|has|had|will|would|can|could|shall|should|er|har|kan"
    r"|vil|skal|är|ska|blir)\b",
    _I,
)

FAMILIES: dict[str, str] = {
    "date": "date",
    "end_date": "date",
    "duration": "date",
    "time": "time",
    "place": "place",
    "origin": "place",
    "destination": "place",
    "address": "address",
    "party_size": "count",
    "quantity": "count",
    "rooms": "count",
    "bedrooms": "count",
    "bathrooms": "count",
    "amount": "amount",
    "price": "amount",
    "price_range": "amount",
    "name": "name",
    "recipient": "name",
    "end_time": "time",
    "category_food": "category",
    "category_event": "category",
    "category_therapist": "category",
    "category_car": "category",
    "category_attraction": "category",
}


# Which evidence slots answer an ask slot.
_ACCEPTS: dict[str, frozenset[str]] = {
    "date": frozenset({"date"}),
    "end_date": frozenset({"end_date", "duration"}),
    "duration": frozenset({"duration", "end_date"}),
    "place": frozenset({"place", "destination", "origin", "deictic_place", "deictic_destination", "venue"}),
    "destination": frozenset({"destination", "deictic_destination", "address", "venue"}),
    "origin": frozenset({"origin"}),
    "time": frozenset({"time"}),
    "end_time": frozenset({"end_time"}),
    "category": frozenset(
        {"category_food", "category_event", "category_therapist", "category_car", "category_attraction"}
    ),
    "quantity": frozenset({"quantity", "party_size"}),
    "product": frozenset({"product", "model"}),
    "choice": frozenset({"choice"}),
}


def accepts(slot: str) -> frozenset[str]:
    """The value slots that answer a question about ``slot`` ("where are you going?" takes a destination)."""
    return _ACCEPTS.get(slot, frozenset({slot}))


def family(slot: str) -> str:
    """The broad kind of a slot: ``origin`` and ``destination`` are places, ``end_date`` a date, ..."""
    return FAMILIES.get(slot, slot)


def _cues(language: str | None) -> tuple[Cue, ...]:
    if language == "en":
        return _EN
    if language == "sv":
        return (*_NORDIC, _SWEDISH_PLACE)
    if language in ("nb", "nn", "da"):
        return _NORDIC
    return (*_EN, *_NORDIC, _SWEDISH_PLACE)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def _match(text: str, cues: tuple[Cue, ...]) -> tuple[list[str], list[str]]:
    """Run cues most-specific first, blanking what each one matched; return (strong, weak) slots."""
    strong: list[str] = []
    weak: list[str] = []
    for cue in cues:
        hits = list(cue.pattern.finditer(text))
        if not hits:
            continue
        (weak if cue.weak else strong).append(cue.slot)
        for m in reversed(hits):
            if m.end() > m.start():
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return strong, weak


_EXPLICIT_FROM = re.compile(
    r"\b(?:from|fra|frå|från|ifrån|hvorfra|varifrån|kvarfrå|origin|departure (?:city|location))\b", _I
)
_EXPLICIT_TO = re.compile(
    r"\bto\s*[?.!]?\s*$|\b(?:til|till)\s*\??$|\bdestination\w*|\bwhere to\s*[?.!]?$|^(?:and )?to (?:which"
    r"|what|where)\b|\bhvorhen\b|\bvart\b|\breisemål\w*|\bdestinasjon\w*|\bresmål\w*|\brejsemål\w*",
    _I,
)


def _place_roles(text: str) -> list[str]:
    """A place question about where a trip starts, where it goes, or just where."""
    if re.search(r"\bpick(?:ing)?[- ]?(?:it |them |the \w+ )?up\b|\bpickup\b|\bhente\w*|\bhämta\w*", text):
        return ["place"]  # where a rental or parcel is collected: any place said for it answers
    explicit_from, explicit_to = bool(_EXPLICIT_FROM.search(text)), bool(_EXPLICIT_TO.search(text))
    if explicit_from or explicit_to:
        return [r for r, on in (("origin", explicit_from), ("destination", explicit_to)) if on]
    if _DESTINATION_Q.search(text):
        return ["destination"]
    if _ORIGIN_Q.search(text):
        return ["origin"]
    return ["place"]


def _refine(slots: list[str], text: str) -> list[str]:
    out = list(dict.fromkeys(slots))
    if "place" in out:
        at = out.index("place")
        out[at : at + 1] = _place_roles(text)
    if "category" in out:
        sub = next((name for name, rx in _CATEGORY_NOUNS if rx.search(text)), None)
        if sub is not None:
            out[out.index("category")] = sub
    if "recipient" in out:
        out = [s for s in out if s not in ("place", "destination", "name")]
    if "date" in out and _YES_NO.match(text) and not re.search(r"\bwhen\b|\bin mind\b|\bprefer", text):
        if re.search(
            r"\b(?:on|by|before|after|until|since|at)\s+(?:the\s+|your\s+|a\s+)?(?:\w+\s+){0,3}date\b", text
        ):
            out.remove("date")
    if _END_ROLE_Q.search(text):
        out = ["end_date" if x == "date" else "end_time" if x == "time" else x for x in out]
    if "time" in out and "date" in out and not re.search(r"\b(?:date|day|dato|datum|dag)\w*", text):
        out.remove("date")
    if "price_range" in out and "amount" in out:
        out.remove("amount")
    if "account_type" in out and "account_id" in out:
        out.remove("account_type")
    return list(dict.fromkeys(out))


def slots_for(text: str, language: str | None = None) -> tuple[str, ...]:
    """Type the slots a question or request asks for.

    Args:
        text: one ask (a question or request sentence or clause).
        language: "en", "nb", "nn", "sv" or "da"; None tries every lexicon.

    Returns:
        Slot names, most specific first; empty when the ask is not about a typed detail.
    """
    norm = _normalise(text)
    strong, weak = _match(norm, _cues(language))
    if not strong and not weak and language is not None:
        strong, weak = _match(norm, _cues(None))
    if not strong and not weak:
        # A confirmation or a choice names what it is about: "You're leaving on March 2nd?"
        return tuple(dict.fromkeys(v.slot for v in extract_values(text, speaker="agent") if v.slot in _NAMED))
    return tuple(_refine(strong or weak, norm))


_NAMED = frozenset(
    {
        "date",
        "end_date",
        "time",
        "duration",
        "party_size",
        "rooms",
        "bedrooms",
        "origin",
        "destination",
        "place",
        "category_food",
        "category_event",
        "category_therapist",
        "category_car",
        "category_attraction",
        "account_type",
        "email",
        "phone",
        "order_number",
        "address",
    }
)


_NOT_NAMES = re.compile(
    r"^(?:I|I'm|I'd|I'll|Is|Are|Do|Does|Did|Can|Could|Would|Will|Shall|Should|What|Which|When|Where|Who|How"
    r"|Please|Sure|Okay|Ok|Great|Perfect|And|Or|So|Also|Then|Any|Hva|Kva|Vad|Hvad|Hvilken|Vilken|Når|När"
    r"|Hvornår|Hvor|Kvar|Var|Kan|Vil|Vill|Skal|Ska|Har|Er|Är|Du|De|Ni|Dere|Og|Eller|Och|Takk|Tack|Tak)$"
    r"|^(?i:city|town|area|location|place|date|day|time|name|number|type|category|event|events|restaurant"
    r"|hotel|account|order|address|email|e-mail|phone|by|sted|dato|tid|navn|nummer|adresse|stad|datum|namn"
    r"|adress)$"
)


def _inner_capitals(text: str) -> list[str]:
    """Capitalised words that do not open a sentence or clause: names of places, people, products."""
    out: list[str] = []
    for m in re.finditer(r"\b[A-ZÆØÅÄÖ][\w'-]*", text):
        before = text[: m.start()].rstrip()
        if not before or before[-1] in '.!?:;\n"(':
            continue
        out.append(m.group(0))
    return out


def proposed_slots(text: str) -> set[str]:
    """Slot families for which an ask itself proposes a concrete value ("Shall I book it for 4 people?").

    A question that names the value it asks about is a confirmation or a choice among offered options,
    not a request for a missing detail.
    """
    values: list[Value] = extract_values(text, speaker="agent")
    out = {family(v.slot) for v in values if not v.slot.startswith("deictic")}
    if out & {"place", "category"}:
        out.add("choice")
    if any(not _NOT_NAMES.match(w) for w in _inner_capitals(text.strip())):
        out.update({"place", "name", "choice", "category", "product"})
    if re.search(r"\b\d+\b", text):
        out.add("count")
    if re.search(
        r"\b(?:that|the same|this) (?:day|date)\b|\bsamme dag\b|\bsamma dag\b|\bden dagen\b", text, _I
    ):
        out.add("date")
    if re.search(r"\b(?:or|eller)\b", text, _I) and any(
        family(v.slot) in ("category", "account_type") for v in values
    ):
        out.update({"category", "account_type", "choice", "ride_sharing"})
    return out
