"""What a question asks for: typed slot lexicons for English, bokmål, nynorsk, Swedish and Danish.

A question is typed by cues: question words and nouns ("what date", "hvilken dato", "vilket datum",
"ordrenummeret", "how many tickets"). Cues are tried most specific first and each match blanks its span,
so "order number" is never also read as a bare "number" and "e-postadresse" never as an address. The role
words of the question then refine a slot ("where are you leaving *from*" is an ``origin``, "when do you
*return*" an ``end_date``).

The slot names are those of :mod:`knowledge.text.values`, plus ``choice`` (pick one of what was offered)
and ``tried`` (a proposed troubleshooting step, typed by the action families at the end of this module).
:func:`qualifier` tells when a question wants another value than a known one ("en annen e-post").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.text.kinds import accepts, family
from knowledge.text.lexicons import LANGUAGES, entries, words
from knowledge.text.qualified import qualified
from knowledge.text.values import Value, extract_values

__all__ = ["Cue", "slots_for", "proposed_slots", "family", "accepts"]

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

# "Når" and "when" with a subject right after them start a clause of time inside another question ("Vill du
# ha ett sms när det är framme?", "Shall we text you when it arrives?"), not a question for a date: a
# direct question puts its verb first ("Når passer det?", "When will you be home?").
_CLAUSE_SUBJECT = (
    r"(?!\s+(?:det|den|du|vi|me|eg|jeg|jag|han|hun|ho|hon|de|dei|dere|dykk|ni|it|you|we|they|he|she|i)\s"
    r"+(?!du\b|dere\b|ni\b|you\b)[^\W\d_]+(?:\s|[?.!,]|$))"
)

# "Hvor" before a word of degree asks how much, not where ("hvor mange skjorter", "hvor lenge", "hvor
# langt"); "kvar" is also "each" in nynorsk ("kvar veke").
_DEGREE = (
    r"(?!\s+(?:mange|mye|meget|mykje|lenge|længe|langt|ofte|tit|stor|store|stort|gammel|gamle|gammelt|"
    r"sent|tidlig|tidligt|dyr|dyrt|fort|hurtig|hurtigt|høy|høyt|høj|højt|lang|lange|tung|tungt|bred|bredt|"
    r"veke|dag|gong|time|måned|månad|år))"
)

_EN: tuple[Cue, ...] = (
    _cue("payment_card", r"\b(?:credit\s+|debit\s+|payment\s+|bank\s+)?card\s*(?:number|no\.?|details)\b"),
    _cue("iban", r"\biban\b|\bbank\s+account\s+(?:number|details)\b"),
    _cue("email", r"\be-?mail(?:\s+address)?\b(?!\s+(?:you|us|me|it|them|him|her)\b)"),
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
        r"(?<!which )(?<!what )\b(?:tele)?phone(?:\s+number)?\b|\b(?:mobile|cell(?:phone)?)(?:\s+number)?\b"
        r"|\bcontact number\b"
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
        rf"\bwhen\b{_CLAUSE_SUBJECT}|\b{_DET}\s+(?:\w+\s+)?(?:dates?|day)\b|\bfrom when\b|\bhow soon\b"
        r"|\bdates?\b"
        r"|^day\b|\bday\?",
    ),
    _cue(
        "place",
        rf"\bwhere\b|\b{_DET}\s+(?:\w+\s+)?(?:city|town|area|location|place|region|neighbou?rhood|country"
        r"|metropolis|state)\b|^(?:city|town|area|location|where)\b|\b(?:city|location|area)\?"
        r"|\bdeparture (?:city|location|station|airport|point|place)\b|\borigin\b|\bstarting (?:point"
        r"|location)\b|\bdestination\b",
    ),
    _cue("size", r"\b(?:which|what)\s+size\b|\bsize\b"),
    _cue("color", r"\bcolou?r\b"),
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
        r"\bfavou?rite one\b|\b(?:which|what) (?:one|option)s?\b|\bwhich of (?:them|these|those|the)\b",
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
    _cue(
        "payment_card",
        r"\b(?:bank|betalings|betalnings|kreditt|kredit)?kort-?(?:nummer\w*|numret|nr\.?|detaljer\w*"
        r"|opplysning\w*|uppgifter\w*|oplysning\w*)",
    ),
    _cue("iban", r"\biban\w*|\bbankkonto-?(?:nummer\w*|numret|nr\.?)"),
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
    _cue(
        "phone",
        r"\b(?:telefon|mobil|tlf)-?(?:nummer|nr|numret|numre|num)\w*"
        r"|(?<!hvilken )(?<!hvilket )(?<!vilken )(?<!vilket )(?<!kva )(?<!hvilke )(?<!for ein )(?<!for ei )"
        r"\b(?:telefon|mobil|tlf)(?!en\b|ene\b|ane\b|erna\b|erne\b|telefon)\w*|\bnummer\w*\b[^?.]*?\b(?:nå|når|nås|ringe|ringer|ringa|ring|kontakte"
        r"|kontakta|fange|treffe|træffe|sms|sende sms)\b",
    ),
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
        rf"\bdato\w*|\bdatum\w*|\b(?:når|när|hvornår)\b{_CLAUSE_SUBJECT}"
        r"|\b(?:hvilken|vilken|kva|hvilke|hvilket) dag\w*"
        r"|(?<!\bpå )\bdag(?:en)?\b|\bfrå når\b|\bfra når\b|\bfrån när\b"
        r"|\b(?:hvilken|vilken|kva|hvilke|hvilket|which|what)\s+(?:måned|månad|month|uke|veke|vecka|uge|week)\b",
    ),
    _cue(
        "place",
        rf"\bhvor\b{_DEGREE}|\bkvar\b{_DEGREE}|\b(?:hvilken|hvilket|kva|vilken|vilket|hvilke)\s+(?:by|sted|stad|plass|plats"
        r"|område|ort|land|kommune|kommun)\w*|\bbyen\b|(?<!\bi )\bstaden\b|(?<!\bi )\bstedet\b|\bområdet\b"
        r"|\bplassering\w*"
        r"|\blokasjon\w*|\bplacering\w*|\borten\b|\bhvorfra\b|\bkvarfrå\b|\bvarifrån\b|\bhvorhen\b"
        r"|\breisemål\w*|\bdestinasjon\w*|\bresmål\w*|\brejsemål\w*|\bavreisested\w*|\butgangspunkt\w*",
    ),
    _cue("size", r"\bstørrelse\w*|\bstorlek\w*|\bstorleik\w*"),
    _cue("color", r"\bfarge\w*|\bfärg\w*|\bfarve\w*"),
    # a compound's head is its last part: "klokkemodell", "printermodellen", "bilmodel" ask for a model
    _cue("model", r"\b\w*modell\w*|\b\w*model(?:len|lens|nummer|navn|let)?\b"),
    _cue(
        "product",
        r"\b(?:hvilken|hvilket|hvilke|kva for (?:ein|ei|eit)|kva|vilken|vilket|vilka)\s+(?:produkt|vare|vara"
        r"|artikkel|artikel|telefon(?!-?n[ur])|mobil(?!-?n[ur]))\w*|\bprodukt(?:navn|namn|nummer|kode|kod)\w*|\bartikkelnummer\w*"
        r"|\bartikelnummer\w*|\bvarenummer\w*|\b(?:which|what)\s+(?:handset|device|product|item|gadget|unit)s?\b"
        r"|\b(?:hvilken|hvilket|kva for ei?n?|vilken|vilket)\s+(?:enhet|enhed|apparat|dings)\w*",
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


# The thing a "what kind of ...?" or "how many ...?" question is about ("what kind of food", "hva slags
# mat", "what cuisine type", "hvor mange rom").
_KIND_OF = re.compile(
    r"\b(?:kinds?|types?|sorts?|categor(?:y|ies)|genres?|styles?)\s+of\s+([^\W\d_]{3,})"
    r"|\b(?:what|which|any)\s+(?:particular\s+|specific\s+|preferred\s+)?([^\W\d_]{3,})\s+(?:kind|type|sort"
    r"|category|genre|style)s?\b|\b(?:slags|sorts|typ|type|sort|kategori)\s+(?!av\b|of\b)([^\W\d_]{3,})",
    _I,
)
_HOW_MANY = re.compile(
    r"\b(?:how many|number of|(?:hvor|kor|hur)\s+(?:mange|många)|antall|antal)\s+(?:the\s+)?([^\W\d_]{3,})",
    _I,
)


def _refine(slots: list[str], text: str) -> list[str]:
    out = list(dict.fromkeys(slots))
    if "place" in out:
        at = out.index("place")
        out[at : at + 1] = _place_roles(text)
    for base, rx in (("category", _KIND_OF), ("quantity", _HOW_MANY)):
        if base in out:
            m = rx.search(text)
            noun = next((g for g in (m.groups() if m else ()) if g), None)
            if noun is not None and noun.lower() not in words("function_words"):
                out[out.index(base)] = qualified(base, noun)
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
    return list(dict.fromkeys(out))


# "... so I can check where the parcel is", "... så sjekkar eg kvar returen står": what we will do, not ask.
_PURPOSE = re.compile(
    r"\s*[,–—-]?\s*\b(?:(?:so(?: that)?|så(?: att| at)?|slik at|sånn at|sådan at)\s+(?:(?:kan|skal|ska|vil"
    r"|can|will|could|may)\s+)?(?:i|we|jeg|eg|jag|vi|me)|så\s+[^\W\d_]+\s+(?:jeg|eg|jag|vi|me))\b.*$",
    _I,
)


# "Kan du sende det på e-post?", "send it to us by email": how to send, not an address to give.
_MEDIUM = re.compile(
    r"\b(?:på|per|via|by|over|through|pr\.?|med)\s+(?:e-?post|e-?mail|mail|mejl|epost)(?![\w-]*(?:adress|address))"
    r"\w*",
    _I,
)


def slots_for(text: str, language: str | None = None) -> tuple[str, ...]:
    """Type the slots a question or request asks for.

    Args:
        text: one ask (a question or request sentence or clause).
        language: "en", "nb", "nn", "sv" or "da"; None tries every lexicon.

    Returns:
        Slot names, most specific first; empty when the ask is not about a typed detail.
    """
    norm = _MEDIUM.sub(" ", _PURPOSE.sub("", _normalise(text)))
    dependant = _dependant_slots(norm, text, language)
    if dependant:
        return dependant
    phrased = phrase_slots(norm, language)
    if phrased:  # the built-in cues read what the phrases leave ("date of birth" is no question for a date)
        for rx, _ in _phrase_patterns(language):
            norm = rx.sub(lambda m: " " * len(m.group(0)), norm)
    strong, weak = _match(norm, _cues(language))
    if phrased:
        kept = [s for s in strong if s not in _PHRASE_OVERRIDES]
        return tuple(_refine(list(dict.fromkeys([*phrased, *kept])), norm))
    if not strong and not weak and language is not None:
        strong, weak = _match(norm, _cues(None))
    if not strong and not weak:
        # A confirmation or a choice names what it is about: "You're leaving on March 2nd?"
        return tuple(dict.fromkeys(v.slot for v in extract_values(text, speaker="agent") if v.slot in _NAMED))
    return tuple(_refine(strong or weak, norm))


@lru_cache(maxsize=8)
def _dependant_words(language: str | None) -> dict[str, tuple[re.Pattern[str], ...]]:
    """The ``dependants`` lexicon of a language (every language for None) by class (animal, relative, breed,
    naming, age_question, breed_question), each word as a whole-word pattern ("make" is a husband only in
    Swedish)."""
    out: dict[str, list[re.Pattern[str]]] = {}
    for lang in (language,) if language in LANGUAGES else LANGUAGES:
        for word, cls in entries(lang, "dependants"):
            parts = [re.escape(w) for w in word.split()]
            rx = re.compile(r"(?<![\w-])" + r"\s+".join(parts) + r"(?:s|'s|’s)?(?![\w-])", _I)
            out.setdefault(cls, []).append(rx)
    return {k: tuple(v) for k, v in out.items()}


_SOMEONE = re.compile(r"\b(?:han|hun|ho|hon|he|she|him|her|they|dei|hen|den|det)\b", _I)


def _dependant_slots(norm: str, text: str, language: str | None) -> tuple[str, ...]:
    """An ask about an animal's or a family member's name, age or breed ("Hva heter hunden?", "Hur gammal är
    Sixten?", "What breed is she?"), from the ``dependants`` lexicons; empty for any other ask."""
    lex = _dependant_words(language)

    def said(cls: str) -> bool:
        return any(rx.search(norm) for rx in lex.get(cls, ()))

    animal = said("animal") or said("breed")
    relative = said("relative")
    if said("breed_question"):
        return ("breed",)
    if said("naming") and (animal or relative):
        return ("pet_name",) if animal else ("relative_name",)
    if said("age_question") and (animal or relative or _SOMEONE.search(norm) or _inner_capitals(text)):
        return ("age",)
    return ()


# An offer of options ("Which of our plans suits you?") asks for a choice, not for a detail of the customer's.
_OFFER_WORDS = re.compile(
    r"\b(?:pass\w*|suit\w*|prefer\w*|foretrekk\w*|föredrar|foretræk\w*|ønsker|önskar|ønskjer|would you like"
    r"|want|vil du ha|vill du ha|høver|recommend\w*|anbefal\w*|rekommend\w*)\b",
    _I,
)
# Built-in cues a phrase of ``ask_phrases`` overrides: "Hvordan betalte du, så jeg kan sende pengene retur?"
# asks how, not an amount; "which of our clinics" asks where, not a category.
_PHRASE_OVERRIDES = frozenset({"amount", "category", "choice", "quantity"})


@lru_cache(maxsize=8)
def _phrase_patterns(language: str | None) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The ``ask_phrases`` lexicon of a language (every language for None) as (pattern, kind) pairs; a "*"
    stands for one word, and the last word may be inflected."""
    out: list[tuple[re.Pattern[str], str]] = []
    for lang in (language,) if language in LANGUAGES else LANGUAGES:
        for phrase, kind in entries(lang, "ask_phrases"):
            if not kind:
                continue
            parts = [r"[^\W\d_]+" if tok == "*" else re.escape(tok) for tok in phrase.split()]
            parts[-1] += r"\w*"  # the last word inflected: "fødselsdatoen", "betaltes"
            out.append((re.compile(r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])", _I), kind))
    return tuple(out)


def phrase_slots(text: str, language: str | None = None) -> list[str]:
    """Kinds an ask names by a phrase of the ``ask_phrases`` lexicons ("hvordan betalte du": how you paid).

    Args:
        text: one ask, normalised (lower-case, single spaces).
        language: the ask's language; None tries every language.

    Returns:
        The kinds named, in lexicon order; empty for an offer of options ("Which of our plans suits you?").
    """
    if _OFFER_WORDS.search(text):
        return []
    return list(dict.fromkeys(kind for rx, kind in _phrase_patterns(language) if rx.search(text)))


_NAMED = frozenset(
    {
        "date",
        "end_date",
        "time",
        "duration",
        "party_size",
        "origin",
        "destination",
        "place",
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
    if re.search(r"\b(?:or|eller)\b", text, _I) and any(family(v.slot) == "category" for v in values):
        out.update({"category", "choice"})
    return out


# --- the "tried" slot: troubleshooting steps ---------------------------------------------------------
#
# An ask can propose an action instead of asking for a value ("Har du prøvd å starte ruteren på nytt?",
# "Kan du prøve at sætte en computer direkte i fiberboksen?", "Try a different cable."). Such an ask has the
# slot ``tried``; it repeats when the customer already said they did the same action. Actions are compared
# by family (restart, reset, update, swap the cable, ...) and by what they were done to (stemmed content
# words: "ruteren" ~ "routern" ~ "router", "nettverkskabel" ~ "kabel").

TRIED = "tried"

_OTHER_ADJ = (
    r"(?:annen|anna|annet|andre|anden|andet|annan|annat|andra|another|other|different|forskjellige"
    r"|forskellige|olika|ulike|ulik|ny|nye|nytt|nya|nyt|new|spare|ekstra|extra|fresh|friske)"
)
_SWAP_V = (
    r"(?:bytt\w*|byte|byta|byt|bytte|bytter|bytta|swap\w*|replac\w*|chang\w*|skift\w*|udskift\w*"
    r"|ersätt\w*|erstat\w*)"
)
_CABLE_N = r"[\w-]*(?:kabel|kabl|cable|ledning|sladd)\w*"
_DEVICE_N = (
    r"(?:telefon\w*|mobil\w*|phone\w*|device\w*|enhet\w*|enhed\w*|pc\w*|computer\w*|datamaskin\w*"
    r"|dator\w*|nettleser\w*|browser\w*|webbläsare\w*|nettbrett\w*|tablet\w*|surfplatt\w*|ipad\w*"
    r"|laptop\w*|bærbar\w*)"
)
_W = r"(?:\S+\s+)"  # one more word

_ACTION_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, _I))
    for name, pattern in (
        (
            "restart",
            rf"\b(?:re-?start\w*|re-?boot\w*|omstart\w*|genstart\w*|power[- ]?cycl\w*|unplug\w*"
            rf"|start\w*\s+{_W}{{0,3}}?på\s+ny(?:tt)?\b|start(?:a|ar|at|ade|as)\s+{_W}?om\b"
            rf"|(?:trekk\w*|trakk|trukket|dra|drar|drog|dratt|dragit|pull\w*|tag|tage|tager|tog|taget|ta|tar"
            rf"|tok|tatt|træk\w*|trak|kobl\w*|kopl\w*|koppl\w*)\s+{_W}{{0,2}}?(?:ut|ur|ud|fra|från|av|bort"
            rf"|out)\s+{_W}?(?:strøm\w*|ström\w*|stikk\w*|stick\w*|kontakt\w*|sladd\w*|power|plug\w*)"
            rf"|(?:trekk\w*|trakk|trukket|dra|drar|drog|dratt|dragit|pull\w*|tag|tage|tager|tog|taget|ta|tar|tok"
            rf"|tatt|træk\w*|trak)\s+{_W}{{0,2}}?"
            rf"(?:strøm\w*|ström\w*|stikk\w*|sladd\w*|kontakt\w*|power|plug\w*)\s+(?:\S+\s+)?(?:ut|ur|ud"
            rf"|fra|från|av|out)\b|(?:kobl\w*|kopl\w*|koppl\w*|plug\w*)\s+{_W}{{0,3}}?(?:fra og til|av og på"
            rf"|ud og ind|ur och i|out and (?:back )?in)"
            rf"|(?:skru\w*|slå\w*|slo|slog|turn\w*|switch\w*|stäng\w*|sluk\w*)\s+(?:\S+\s+){{0,3}}?(?:av|off|af"
            rf"|ud)\b[^.?!]{{0,60}}?\b(?:på\s+igjen|på\s+igen|på\s+att|back\s+on|on\s+again|tænd\w*"
            rf"|sätt\w*\s+på|skru\w*\s+på|slå\w*\s+på)"
            rf"|(?:skru\w*|slå\w*|slo|slog|turn\w*|switch\w*|stäng\w*|sluk\w*)\s+{_W}{{0,3}}?(?:av og på"
            rf"|off and (?:back )?on|av och på|af og til|av og til|fra og til|ud og ind)"
            rf"|sluk\w*\s+{_W}{{0,3}}?(?:og|and)\s+(?:tænd\w*|tend\w*)|(?:stäng\w*|slå\w*|skru\w*)\s+{_W}{{0,3}}?av"
            rf"\s+(?:og|och)\s+(?:\S+\s+){{0,2}}?(?:på|igjen|igen))",
        ),
        (
            "reset",
            r"\b(?:factory[- ]?reset\w*|\w*reset\w*|\w*tilbakestil\w*|\w*nullstil\w*|\w*nulstil\w*"
            r"|\w*återställ\w*|\w*nollställ\w*|fabrikkinnstill\w*|fabrikkoppsett\w*|fabriksinnstill\w*|fabriksinställ\w*"
            r"|fabriksindstill\w*|fabriksåterställ\w*|fabriksnulstil\w*|resett\w*|resatt)",
        ),
        (
            "update",
            r"\b(?:updat\w*|upgrad\w*|oppdater\w*|oppgrader\w*|uppdater\w*|uppgrader\w*|opdater\w*"
            r"|opdatér\w*|opgrader\w*|(?:siste|seneste|senaste|nyeste|nyaste|latest|newest|most recent)\s+"
            r"(?:\S+\s+)?\w*(?:versjon|version|utgåv|fastvar|firmware|programvar|software|mjukvar)\w*)",
        ),
        (
            "cable",
            rf"\b(?:{_OTHER_ADJ}\s+{_W}?{_CABLE_N}|{_SWAP_V}\s+{_W}{{0,3}}?{_CABLE_N}|{_CABLE_N}\s+{_W}{{0,3}}?"
            r"(?:bytt\w*|byt\w*|swapped|replaced|changed|skift\w*|udskift\w*))",
        ),
        (
            "port",
            rf"\b(?:{_OTHER_ADJ}\s+{_W}?port(?:en|er|ar|e|s|ene|arna|ane)?\b|{_SWAP_V}\s+{_W}{{0,3}}?"
            r"port(?:en|er|ar|e|s)?\b)",
        ),
        (
            "charger",
            rf"\b(?:{_OTHER_ADJ}|{_SWAP_V})\s+{_W}{{0,2}}?(?:lader\w*|laddare\w*|oplader\w*|charger\w*"
            r"|adapter\w*|ladd?kabel\w*)",
        ),
        (
            "battery",
            rf"\b(?:(?:{_OTHER_ADJ}|{_SWAP_V})\s+{_W}{{0,2}}?batter\w*|batter\w*\s+{_W}{{0,2}}?(?:bytt\w*"
            r"|byt\w*|swapped|replaced|changed|skift\w*|udskift\w*))",
        ),
        (
            "device",
            rf"\b(?:{_OTHER_ADJ}\s+{_W}?{_DEVICE_N}|(?:prøv\w*|tried|try|trying|test\w*|provat|prova\w*"
            rf"|pröva\w*|freist\w*)\s+{_W}{{0,2}}?(?:med|with|på|on|fra|från|from)\s+{_W}{{0,2}}?{_DEVICE_N})",
        ),
        (
            "direct",
            r"\b(?:direkte|direct(?:ly)?|direkt|rett|rakt|straight)\s+(?:inn?\s+)?(?:i|into|to|til|till|in"
            r"|på|from|fra|från|via)\b|\b(?:uten|utan|uden|without)\s+(?:\S+\s+)?(?:ruter\w*|router\w*)",
        ),
        (
            "outage",
            r"\b(?:driftsmeld\w*|driftsstatus\w*|driftsinfo\w*|driftsforstyrr\w*|driftstörning\w*"
            r"|driftsproblem\w*|outages?|service status|nedetid\w*|brudd i området)",
        ),
        ("neighbours", r"\b(?:nabo\w*|grann\w*|neighbo\w*)"),
        (
            "mailbox",
            r"\b(?:postkass\w*|brevlåd\w*|mailbox\w*|letterbox\w*|postboks\w*|pakkeboks\w*|paketskåp\w*"
            r"|pakkeautomat\w*|parcel locker\w*|hentested\w*|utleveringssted\w*|utlämningsställe\w*"
            r"|pakkeshop\w*|pickup point\w*|oppgang\w*|opgang\w*|trappeoppgang\w*)",
        ),
        (
            "spam",
            r"\b(?:spam\w*|søppelpost\w*|søppel\w*|skräppost\w*|skräp\w*|junk\w*|uønsket\s+e-?post"
            r"|reklamemappe\w*|uønskede\s+e-?post\w*)",
        ),
        (
            "cache",
            r"\b(?:cache\w*|hurtigbuffer\w*|informasjonskaps\w*|cookies?|kakor|nettleserdata|browserdata"
            r"|webbhistorik\w*|browsing data|historikk\w*)",
        ),
        (
            "reinstall",
            rf"\b(?:re-?install\w*|reinstaller\w*|geninstaller\w*|ominstaller\w*|avinstaller\w*|afinstaller\w*"
            rf"|uninstall\w*|install\w*\s+{_W}{{0,3}}?(?:på\s+nytt|again|om|igen|igjen|på\s+ny)\b"
            rf"|(?:slett\w*|delet\w*|fjern\w*|ta bort|tog bort|tagit bort|radera\w*)\s+{_W}{{0,2}}?app\w*)",
        ),
        (
            "relogin",
            r"\b(?:log(?:g)?(?:e|a|ed|et|at|ger|gar|ging)?\s+(?:\S+\s+)?(?:ut|out|ud)\b|sign(?:ed|ing)?\s+out"
            r"|utlogg\w*)",
        ),
        (
            "pairing",
            r"\b(?:re-?pair\w*|pair(?:ed|ing)?\b|par(?:e|a|er|et|at|ade|ede|ret)\b|paring\w*|parkobl\w*"
            r"|parkopl\w*|parkoppl\w*|parr(?:e|et|ede|a|at|ade)\b|(?:glem\w*|forget|forgot|glöm\w*)\s+"
            r"(?:\S+\s+){0,2}?(?:enhet\w*|enhed\w*|device\w*|hodetelefon\w*|headphone\w*|høretelefon\w*"
            r"|hörlur\w*|hovudtelefon\w*)|bluetooth-?(?:lista|listen|liste|list|menyen|menu|settings"
            r"|innstill\w*|inställ\w*|indstill\w*))",
        ),
    )
)
# Verbs that make an ask an action proposal even without a known family ("Har du sjekket innstillingene?").
_TRY_VERB = re.compile(
    r"^(?:try|tries|tried|trying|prøv\w*|prova\w*|provat|provade|pröva\w*|forsøk\w*|forsøg\w*|försök\w*"
    r"|freist\w*|test|tests|tested|testing|teste|testa|testat|testade|testet|testede|testar"
    # "Har du husket at aflevere returpakken?", "Did you remember to ...": asks whether a step was taken
    r"|husket|huska|hugsa|remembered|kommit)$",
    _I,
)
_CHECK_VERB = re.compile(
    r"^(?:check|checks|checked|checking|sjekk\w*|sjekka|kolla\w*|kollat|tjek\w*|kontroller\w*|undersøk\w*"
    r"|undersök\w*|undersøg\w*|double-check\w*)$",
    _I,
)
# Verbs an imperative or "could you ..." proposal opens with.
_ACTION_VERB = re.compile(
    r"^(?:re-?start\w*|re-?boot\w*|reset\w*|unplug\w*|plug\w*|updat\w*|upgrad\w*|swap\w*|replac\w*|clear\w*"
    r"|delet\w*|re-?install\w*|uninstall\w*|connect\w*|turn\w*|switch\w*|hold\w*|log|logg\w*|sign|pair\w*"
    r"|charge|start\w*|genstart\w*|omstart\w*|trekk\w*|træk\w*|dra|ta|tag|tage|kobl\w*|kopl\w*|koppl\w*|forbind\w*"
    r"|tilslut\w*|sett|sæt|sätt|bytt\w*|byt|byte|skift\w*|udskift\w*|oppdater\w*|opdater\w*|opdatér\w*"
    r"|uppdater\w*|oppgrader\w*|uppgrader\w*|tilbakestil\w*|nullstil\w*|nulstil\w*|återställ\w*"
    r"|nollställ\w*|slett\w*|radera\w*|fjern\w*|tøm\w*|töm\w*|ryd\w*|rens\w*|installer\w*|installera"
    r"|avinstaller\w*|geninstaller\w*|ominstaller\w*|par|para|pare|skru\w*|slå|stäng\w*|sluk\w*|hald|håll"
    r"|lad|ladda|oplad|glem|glöm|forget|power-cycle|sætte|sette|sätta|sætter|satt|sat|satte|koble|kople"
    r"|koppla|put|plugge|plugga|spør|spørre|spurt|spurgt|spørg|spørge|ask|asked|fråga|frågat|frågade"
    r"|snakk\w*|talk|talked|pratat|prata)$",
    _I,
)
_NEGATED = re.compile(
    r"\b(?:not|never|don'?t|do not|doesn'?t|didn'?t|haven'?t|hasn'?t|ikke|ikkje|inte|ej|aldri|aldrig|unngå"
    r"|avoid|undgå|undvik)\b(?:\s+\S+){0,3}\s*$",
    _I,
)

_NEGATION_IN = re.compile(r"\b(?:not|ikke|ikkje|inte|ej)\b", _I)

_CANON: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), c)
    for p, c in (
        (r"^(?:rout|rut)er", "router"),
        (r"^(?:fiber|fibre)", "fiber"),
        (
            r"^(?:hodetelefon|hovudtelefon|høretelefon|hörlur|headphone|headset|øretelefon|earbud|earphone)",
            "headph",
        ),
        (r"^(?:pc|computer|datamaskin|dator|laptop|bærbar|macbook)", "pc"),
        (r"^(?:mobil|telefon|phone|smartphone|iphone)", "phone"),
        (r"^(?:fjernkontroll|fjärrkontroll|fjernbetjening|remote)", "remote"),
        (r"(?:kabel|kabl|cable|ledning|sladd)", "cable"),
        (r"^(?:fastvar|firmware|programvar|software|mjukvar)", "firmware"),
        (r"^(?:passord|lösenord|adgangskode|password|kodeord)", "password"),
        (r"^batter", "battery"),
        (r"^(?:lader|laddare|oplader|charger)", "charger"),
        (r"^(?:spam|søppel|skräp|junk)", "spam"),
        (r"^app(?:en|i|s|ar|ane|arna|lication|likasjon|likation)?$", "app"),
        (r"^(?:tv|fjernsyn|television)", "tv"),
        (r"^(?:nabo|grann|neighbo)", "neighbour"),
    )
)
_OBJECT_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W\d_]+|\d+")


def _canon(word: str) -> str:
    for rx, canon in _CANON:
        if rx.search(word):
            return canon
    return word


def action_objects(text: str) -> frozenset[str]:
    """What an action is done to: content words of a text, stemmed loosely and with device synonyms merged."""
    out: set[str] = set()
    for m in _OBJECT_TOKEN.finditer(text.lower().replace("’", "'")):
        word = m.group(0)
        if word.isdigit() or len(word) < 2 or word in words("step_stopwords"):
            continue
        if _TRY_VERB.match(word) or _CHECK_VERB.match(word) or _ACTION_VERB.match(word):
            continue
        if any(rx.fullmatch(word) for _, rx in _ACTION_FAMILIES):
            continue  # "fabrikktilbakestilling", "omstart": the action itself, not what it is done to
        out.add(_canon(word))
    return frozenset(out)


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) < 4:
        return False
    if long_.startswith(short) or long_.endswith(short):
        return True  # "ruteren" ~ "ruter", "nettverkskabel" ~ "kabel"
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 5


def objects_overlap(a: frozenset[str], b: frozenset[str]) -> int:
    """How many words of ``a`` have a loosely equal word in ``b``."""
    return sum(1 for x in a if any(_same_word(x, y) for y in b))


def action_families(text: str) -> tuple[str, ...]:
    """The troubleshooting actions a text names (not negated: "ikke trekk ut strømmen" names none)."""
    norm = _normalise(text)
    found: list[str] = []
    for name, rx in _ACTION_FAMILIES:
        for m in rx.finditer(norm):
            if not _NEGATED.search(norm[: m.start()]) and not _NEGATION_IN.search(m.group(0)):
                found.append(name)
                break
    return tuple(found)


def family_spans(text: str) -> list[tuple[int, int, str]]:
    """Where each action family is named in ``text`` (offsets into the text, lower-cased matching)."""
    return list(_family_spans(text))


@lru_cache(maxsize=8192)  # the history's sentences are read again on every request about the customer
def _family_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    low = text.lower()
    spans = [(m.start(), m.end(), name) for name, rx in _ACTION_FAMILIES for m in rx.finditer(low)]
    return tuple(sorted(spans))


def verb_class(word: str) -> str | None:
    """The generic kind of a verb of proposals and reports: "try", "check", or None."""
    if _TRY_VERB.match(word):
        return "try"
    if _CHECK_VERB.match(word):
        return "check"
    return None


def is_action_verb(word: str) -> bool:
    """A verb an action proposal can open with ("Restart ...", "Prøv ...", "Kolla ...")."""
    return bool(_TRY_VERB.match(word) or _CHECK_VERB.match(word) or _ACTION_VERB.match(word))


# --- qualifiers: asking for a different value than the known one -----------------------------------------

_NEW_Q = re.compile(r"^(?:new|ny|nye|nytt|nya|nyt|updated|oppdaterte|uppdaterade|opdaterede)$")
_OTHER_Q = re.compile(
    r"^(?:other|another|different|alternative|second|additional|extra|ekstra|annen|anna|anna|annet|andre"
    r"|annan|annat|andra|anden|andet|alternativ\w*|ytterligere|ytterlegare|ytterligare|yderligere|separate"
    r"|separat\w*|else|backup|reserve)$"
)
_ALSO_Q = re.compile(r"^(?:too|also|well|også|òg|óg|också|även|likeså|ligeså|dessutom|desuden|i tillegg)$")
_PREPOSITIONS = frozenset(
    "for för på til till of on from fra frå från med with af about om to i in ved vid hos".split()
)
_Q_WORD = re.compile(r"[\wæøåäöé'-]+")


def _cue_spans(text: str, cues: tuple[Cue, ...]) -> list[tuple[str, int, int]]:
    """Like :func:`_match`, but the span of each cue hit: (cue slot, start, end) in ``text``."""
    out: list[tuple[str, int, int]] = []
    for cue in cues:
        hits = [m for m in cue.pattern.finditer(text) if m.end() > m.start()]
        for m in reversed(hits):
            out.append((cue.slot, m.start(), m.end()))
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return out


def _related(cue_slot: str, slot: str) -> bool:
    return cue_slot == slot or family(cue_slot) == family(slot) or slot.startswith(cue_slot + "_")


def other_in_clause(text: str) -> bool:
    """Whether the first clause of an ask is about another one of something ("Kender du nummerpladen på den
    anden bil, eller ...", "the plate of the other car"): for a workspace field, whose ask words are no cue
    of :func:`qualifier`, the ask wants another value than the customer's own."""
    first = re.split(r"[,;?!.]|\s(?:eller|or|elle|alternativt)\s", _normalise(text), maxsplit=1)[0]
    return any(_OTHER_Q.match(w) for w in _Q_WORD.findall(first))


def qualifier(text: str, slot: str, language: str | None = None) -> str | None:
    """Whether an ask wants a *different* value for ``slot`` than one already given.

    ``"other"`` for "en annen e-post", "the other order", "ordernumret för satelliten också"; ``"new"`` for
    "den nye adressen din", "your new address" (a new value may still have been given, as the new one);
    None when the ask wants the value itself.
    """
    norm = _normalise(text)
    spans = _cue_spans(norm, _cues(language)) or _cue_spans(norm, _cues(None))
    result: str | None = None
    for cue_slot, start, end in spans:
        if not _related(cue_slot, slot):
            continue
        before = _Q_WORD.findall(norm[:start])[-2:]
        after_text = re.split(r"[,;?!.]|\s(?:eller|or|og|and|och)\s", norm[end:], maxsplit=1)[0]
        after = _Q_WORD.findall(after_text)
        if any(_OTHER_Q.match(w) for w in before) or any(_OTHER_Q.match(w) for w in after[:6]):
            return "other"
        if after and _ALSO_Q.match(after[-1]) and any(w in _PREPOSITIONS for w in after[:-1]):
            return "other"  # "ordernumret för satelliten också"
        if any(_NEW_Q.match(w) for w in before):
            result = "new"
    return result
