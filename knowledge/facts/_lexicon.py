"""Small word lists for nb, nn, sv, da and en: numbers, months, weekdays, relative days and more.

Only data lives here; the extractors build their patterns from it. Words shared by several languages
("to", "tre", "fredag") appear once per language on purpose: each list stands alone.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("nb", "nn", "sv", "da", "en")

# Number words live in the per-language lexicons (knowledge/lexicons/<lang>/numbers.txt).

MONTHS: dict[str, int] = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    # Norwegian (both forms) and Danish
    "januar": 1, "februar": 2, "mars": 3, "marts": 3, "mai": 5, "maj": 5, "juni": 6, "juli": 7,
    "oktober": 10, "desember": 12,
    # Swedish
    "januari": 1, "februari": 2, "augusti": 8,
    # abbreviations (only after a day number or with a dot)
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12,
}  # fmt: skip
MONTH_FULL: frozenset[str] = frozenset(
    w for w in MONTHS if len(w) > 4 or w in {"mars", "mai", "maj", "may", "juni", "juli", "june", "july"}
)

WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lørdag": 5, "søndag": 6,
    "måndag": 0, "tysdag": 1, "laurdag": 5, "sundag": 6,
    "tisdag": 1, "lördag": 5, "söndag": 6,
}  # fmt: skip
WEEKDAY_EN: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Relative days -> a canonical English phrase (the normalized value).
RELATIVE_DAYS: dict[str, str] = {
    "today": "today", "later today": "today", "tonight": "today", "this evening": "today",
    "tomorrow": "tomorrow", "yesterday": "yesterday", "day after tomorrow": "day after tomorrow",
    "the day after tomorrow": "day after tomorrow", "day before yesterday": "day before yesterday",
    "i dag": "today", "idag": "today", "i kveld": "today", "i kväll": "today", "i aften": "today",
    "i morgen": "tomorrow", "imorgen": "tomorrow", "i morgon": "tomorrow", "imorgon": "tomorrow",
    "i går": "yesterday", "igår": "yesterday", "i gaar": "yesterday", "igaar": "yesterday",
    "i overmorgen": "day after tomorrow", "i overmorgon": "day after tomorrow",
    "i övermorgon": "day after tomorrow", "i forgårs": "day before yesterday",
    "i förrgår": "day before yesterday", "i fjor": "last year",
}  # fmt: skip

# Modifiers around a weekday -> "this", "next", "last" (None: just "on").
WEEKDAY_BEFORE: dict[str, str | None] = {
    "this": "this", "next": "next", "last": "last", "on": None, "this coming": "next", "coming": "next",
    "på": None, "denne": "this", "kommende": "next", "neste": "next", "nestkommende": "next",
    "førstkommende": "next", "sist": "last", "forrige": "last", "førre": "last", "på førre": "last",
    "nästa": "next", "kommande": "next", "förra": "last", "i förra": "last", "næste": "next",
    "nu på": "this", "nå på": "this", "no på": "this", "på neste": "next",
}  # fmt: skip
WEEKDAY_AFTER: dict[str, str] = {
    "this week": "this", "next week": "next", "last week": "last",
    "denne uka": "this", "denne uken": "this", "neste uke": "next", "i neste uke": "next",
    "denne veka": "this", "neste veke": "next", "i neste veke": "next",
    "denna vecka": "this", "nästa vecka": "next", "i nästa vecka": "next",
    "i denne uge": "this", "næste uge": "next", "i næste uge": "next",
}  # fmt: skip
# "i fredags" (sv, nb, da): last Friday.
WEEKDAY_PAST_SUFFIX = "s"

# Words after which a capitalised name is a place. "i" is Scandinavian only (see _entities).
PLACE_PREPOSITIONS: tuple[str, ...] = (
    "in", "at", "from", "to", "near", "around", "into", "towards", "toward", "via", "out of", "leaving",
    "departing", "visiting", "visit", "heading to", "based in", "located in", "living in", "live in",
    "på", "fra", "frå", "från", "fran", "til", "till", "ved", "vid", "nær", "nära", "nærheten av",
    "rundt", "runt", "omkring", "utenfor", "utanfor", "utanför", "udenfor", "mot", "mod", "mellom",
)  # fmt: skip

# Capitalised words that are never a place, a person or a venue on their own.
NOT_NAMES: frozenset[str] = frozenset(
    {
        "i", "a", "an", "the", "for", "and", "or", "but", "if", "so", "not", "of",
        "this", "that", "these", "those", "it", "my", "your", "our", "their", "his",
        "her", "we", "you", "he", "she", "they", "me", "us", "ok", "okay", "yes", "no", "hi", "hello", "hey",
        "thanks", "thank", "please", "sorry", "sure", "great", "good", "fine", "what", "when", "where",
        "which", "who", "how", "why", "there", "here", "can", "could", "would", "will", "shall", "should",
        "is", "are", "am", "be", "do", "does", "did", "have", "has", "had", "any", "some", "all", "one",
        "mom", "mum", "dad", "mother", "father", "mamma", "pappa", "mor", "far", "mormor", "farfar",
        "min", "mitt", "mine", "mi", "mit", "din", "ditt", "dine", "vår", "vårt", "våre", "hans", "hennes",
        "jeg", "eg", "jag", "du", "dere", "de", "vi", "han", "hun", "ho", "hon", "den", "det", "dette",
        "hei", "hej", "hallo", "takk", "tack", "tak", "ja", "nei", "nej", "og", "och", "eller", "men", "kan",
        "email", "e-mail", "e-post", "epost", "sms", "chat", "phone", "telefon", "internet", "internett",
        "christmas", "easter", "jul", "påske", "påsk", "midsommar", "sankthans", "covid", "covid-19",
        "customer", "service", "support", "kundeservice", "kundservice", "kundeservicen", "kundtjänst",
        "usd", "eur", "nok", "sek", "dkk", "gbp", "kr", "pm", "ps", "mvh", "hilsen", "ca",
        "morning", "afternoon", "evening", "night", "noon", "midnight", "week", "month", "year", "time",
        "today", "tomorrow", "yesterday", "tonight", "now", "then", "later", "soon", "asap",
    }
)  # fmt: skip

# Words that make a capitalised name a venue (hotel, restaurant, stadium ...), and hotel brands.
VENUE_WORDS: frozenset[str] = frozenset(
    {
        "hotel", "hotell", "hotellet", "inn", "resort", "motel", "hostel", "lodge", "suites", "spa",
        "apartments", "condos", "restaurant", "restaurang", "restauranten", "restaurangen", "café", "cafe",
        "kafé", "kafe", "bistro", "brasserie", "bar", "pub", "grill", "kitchen", "cuisine", "sushi",
        "pizzeria", "steakhouse", "diner", "tavern", "kro", "kroen", "stadium", "stadion", "arena",
        "theatre", "theater", "teater", "teatret", "teatern", "hall", "hallen", "konserthus",
        "concert", "museum", "museet", "gallery", "galleri", "cinema", "kino", "bio", "club", "klubb",
        "center", "centre", "senter", "senteret", "centrum", "storsenter", "mall", "airport", "lufthavn",
        "flyplass", "flygplats", "lounge", "brewery", "bryggeri", "bakery", "bakeri", "clinic", "klinikk",
        "klinik", "station", "stasjon", "terminal", "marina", "camping", "gård", "gard", "gaard",
    }
)  # fmt: skip
HOTEL_BRANDS: frozenset[str] = frozenset(
    {
        "marriott", "hilton", "hyatt", "radisson", "scandic", "thon", "clarion", "sheraton", "westin",
        "ibis", "aloft", "novotel", "comfort", "quality", "best western", "holiday inn", "first hotel",
        "strawberry", "elite", "comwell", "zleep", "cabinn", "moxy", "kempton", "four seasons", "ritz",
        "courtyard", "hampton", "doubletree", "crowne plaza", "intercontinental", "mercure", "sofitel",
    }
)  # fmt: skip

# Well-known product brands and series (a model number after them need not mix letters and digits).
PRODUCT_BRANDS: frozenset[str] = frozenset(
    {
        "apple", "iphone", "ipad", "imac", "macbook", "airpods", "watch", "samsung", "galaxy", "pixel",
        "sony", "playstation", "xbox", "nintendo", "switch", "huawei", "xiaomi", "oneplus", "nokia",
        "motorola", "lenovo", "thinkpad", "dell", "xps", "hp", "asus", "acer", "microsoft", "surface",
        "windows", "lg", "philips", "bose", "jbl", "sonos", "garmin", "fitbit", "gopro", "canon", "nikon",
        "fujifilm", "dyson", "bosch", "siemens", "electrolux", "miele", "whirlpool", "ikea", "netgear",
        "tp-link", "zyxel", "ubiquiti", "kindle", "echo", "tesla", "volvo", "polestar", "kia",
        "hyundai", "toyota", "bmw", "audi", "volkswagen", "vw", "ford", "nissan", "peugeot", "skoda",
        "doro", "google", "amazon", "roborock", "ecovacs", "roomba", "nespresso", "delonghi", "kitchenaid",
        "logitech", "razer", "corsair", "steelseries", "oculus", "quest", "chromecast", "firestick",
        "ps", "mac", "model", "modell", "router", "ruter", "ruteren", "routern", "mobil", "telefon",
    }
)  # fmt: skip
# Capitalised words before a number that are not products ("Room 12", "Gate 4", "Flight SK123").
NOT_PRODUCT_HEADS: frozenset[str] = frozenset(
    {
        "room", "rom", "rum", "gate", "terminal", "flight", "fly", "flyg", "flyget", "bus", "buss", "train",
        "tog", "tåg", "platform", "spor", "plattform", "perrong", "seat", "sete", "plass", "plats", "row",
        "rad", "rekke", "table", "bord", "apartment", "leilighet", "lgh", "lejlighed", "floor", "etasje",
        "våning", "sal", "level", "nivå", "page", "side", "sida", "step", "steg", "trinn", "chapter",
        "order", "ordre", "bestilling", "beställning", "case", "sak", "ärende", "ticket", "billett",
        "invoice", "faktura", "ref", "referanse", "referens", "reference", "nr", "no", "number", "nummer",
        "kl", "klokka", "klokken", "klockan", "version", "versjon", "v", "week", "uke", "veke", "vecka",
        "uge", "route", "rute", "linje", "line", "covid", "top", "topp", "hotel", "hotell", "section",
        "form", "title", "part", "article", "artikel", "artikkel", "paragraf", "paragraph", "schedule",
        "tier", "phase", "fase", "grade", "class", "klasse", "klass", "figure", "figur", "tabell",
        "appendix", "vedlegg", "bilag", "bilaga", "kapittel", "kapitel", "avsnitt", "punkt",
        "regulation", "regulations", "law", "act", "rule", "rules", "code", "lov", "lag", "forskrift",
        "state", "county", "district", "exit", "lane", "zone", "sone", "region", "ward", "unit", "suite",
    }
)  # fmt: skip

# Nordic cities, so that "i bergen" or "till göteborg" (written in lower case) is still a place.
NORDIC_CITIES: frozenset[str] = frozenset(
    {
        "oslo", "bergen", "trondheim", "stavanger", "drammen", "fredrikstad", "kristiansand", "sandnes",
        "tromsø", "sarpsborg", "skien", "ålesund", "sandefjord", "haugesund", "tønsberg", "porsgrunn",
        "bodø", "arendal", "hamar", "larvik", "halden", "lillehammer", "molde", "harstad", "gjøvik",
        "kongsberg", "alta", "narvik", "florø", "førde", "voss", "lillestrøm", "asker", "bærum",
        "stockholm", "göteborg", "gothenburg", "malmö", "uppsala", "västerås", "örebro", "linköping",
        "helsingborg", "jönköping", "norrköping", "lund", "umeå", "gävle", "borås", "södertälje",
        "eskilstuna", "halmstad", "växjö", "karlstad", "sundsvall", "luleå", "kiruna", "visby", "kalmar",
        "københavn", "copenhagen", "aarhus", "århus", "odense", "aalborg", "ålborg", "esbjerg", "randers",
        "kolding", "horsens", "vejle", "roskilde", "herning", "helsingør", "silkeborg", "næstved",
        "fredericia", "viborg", "køge", "holstebro", "svendborg", "frederiksberg", "gentofte",
        "helsinki", "helsingfors", "reykjavik", "reykjavík", "london", "paris", "berlin",
    }
)  # fmt: skip

# --- commerce: payment methods, carriers, legal forms -----------------------------------------------------

# Payment services and card schemes: a payment method wherever they are named (folded name -> canonical).
PAYMENT_BRANDS: dict[str, str] = {
    "vipps": "Vipps", "vipps mobilepay": "Vipps MobilePay", "mobilepay": "MobilePay",
    "mobile pay": "MobilePay", "swish": "Swish", "klarna": "Klarna", "paypal": "PayPal",
    "apple pay": "Apple Pay", "google pay": "Google Pay", "mastercard": "Mastercard",
    "master card": "Mastercard", "american express": "American Express", "amex": "American Express",
    "dankort": "Dankort", "visa/dankort": "Dankort", "trustly": "Trustly", "walley": "Walley",
    "qliro": "Qliro", "avarda": "Avarda", "resurs bank": "Resurs Bank", "svea": "Svea", "payex": "PayEx",
    "viabill": "ViaBill", "anyday": "Anyday", "afterpay": "Afterpay", "riverty": "Riverty",
}  # fmt: skip
# Generic payment methods: a payment method only where a payment is spoken of ("betalte med kort").
PAYMENT_GENERIC: dict[str, str] = {
    "kort": "card", "kortet": "card", "bankkort": "card", "bankkortet": "card", "kredittkort": "card",
    "kredittkortet": "card", "kreditkort": "card", "kreditkortet": "card", "debetkort": "card",
    "debitkort": "card", "betalkort": "card", "betalkortet": "card", "betalingskort": "card",
    "betalingskortet": "card", "visakort": "card", "visakortet": "card", "card": "card",
    "credit card": "card", "debit card": "card", "bank card": "card", "visa": "Visa",
    "faktura": "invoice", "fakturaen": "invoice", "fakturan": "invoice", "invoice": "invoice",
    "delbetaling": "part payment", "delbetalning": "part payment", "avbetaling": "part payment",
    "avbetalning": "part payment", "afbetaling": "part payment", "part payment": "part payment",
    "instalments": "part payment", "installments": "part payment", "bankoverføring": "bank transfer",
    "banköverföring": "bank transfer", "bankoverførsel": "bank transfer", "bank transfer": "bank transfer",
    "kontant": "cash", "kontanter": "cash",
    "cash": "cash", "gavekort": "gift card", "gavekortet": "gift card", "presentkort": "gift card",
    "presentkortet": "gift card", "gift card": "gift card",
}  # fmt: skip
# Credit services whose invoice or part payment is a method of its own ("Klarna faktura").
PAYMENT_CREDIT_PLANS: dict[str, str] = {
    "faktura": "invoice", "fakturaen": "invoice", "fakturan": "invoice", "invoice": "invoice",
    "delbetaling": "part payment", "delbetalning": "part payment", "afbetaling": "part payment",
    "avbetaling": "part payment", "konto": "account", "pay later": "invoice", "pay in 30 days": "invoice",
    "part payment": "part payment", "slice it": "part payment",
}  # fmt: skip

CARRIERS: frozenset[str] = frozenset(
    {
        "bring", "posten", "postnord", "dhl", "gls", "ups", "fedex", "tnt", "budbee", "helthjem",
        "instabox", "dao", "schenker", "db schenker", "airmee", "porterbuddy", "early bird", "best transport",
        "postnl", "dpd", "hermes", "evri", "royal mail", "usps",
    }
)  # fmt: skip

# Legal forms that end a company name ("Fjordbyte AS", "Kjær Design ApS"), matched case-sensitively.
LEGAL_SUFFIXES: tuple[str, ...] = (
    "AS", "ASA", "AB", "ApS", "A/S", "I/S", "K/S", "P/S", "IVS", "Oy", "Oyj", "Oy Ab", "GmbH", "AG",
    "Ltd", "Ltd.", "Limited", "LLC", "Inc", "Inc.", "Corp", "Corp.", "plc", "PLC", "BV", "B.V.", "NV",
    "N.V.", "SpA", "HB", "KB", "ANS", "ENK", "NUF", "SA", "SAS", "S.A.",
)  # fmt: skip

# --- products ---------------------------------------------------------------------------------------------

# Words after which a capitalised name and a number or acronym is a product ("en Vista 55", "mine Aura ANC").
PRODUCT_DETERMINERS: frozenset[str] = frozenset(
    {
        "a", "an", "the", "this", "that", "my", "our", "your", "his", "her", "their", "new", "old", "same",
        "en", "ein", "ei", "et", "eit", "ett", "den", "det", "denne", "dette", "denna", "detta", "min", "mi",
        "mitt", "mine", "mit", "din", "di", "ditt", "dine", "dit", "dina", "mina", "vår", "vårt", "våre",
        "vores", "hans", "hennes", "hendes", "hennar", "ny", "nye", "nytt", "nya", "nyt", "gamle", "gamla",
        "samme", "samma", "sama", "of", "av", "af", "two", "to", "två", "tre", "three", "both", "begge",
        "båda", "bægge",
    }
)  # fmt: skip
PRODUCT_VERBS: frozenset[str] = frozenset(
    {
        "bought", "ordered", "purchased", "returned", "received", "got", "have", "has", "own", "use",
        "kjøpte", "kjøpt", "bestilte", "bestilt", "tinga", "tingte", "kjøpe", "bestille", "returnerte",
        "returnert", "fikk", "fekk", "har", "eier", "eig", "bruker", "brukar", "köpte", "köpt", "beställde",
        "beställt", "returnerade", "returnerat", "fick", "äger", "använder", "købte", "købt", "returnerede",
        "returneret", "fik", "ejer", "bruger", "købe", "köpa", "buy", "order",
    }
)  # fmt: skip
# Nouns after a model that make it a product ("Aura ANC headphones", "AX3000 router").
PRODUCT_NOUNS: frozenset[str] = frozenset(
    {
        "tv", "tv-en", "tv:n", "tv'en", "tv'n", "television", "router", "ruter", "ruteren", "routeren",
        "routern", "headphones", "earbuds", "headset", "hodetelefoner", "hodetelefonene", "hovudtelefonar",
        "hovudtelefonane", "hörlurar", "hörlurarna", "høretelefoner", "høretelefonerne", "phone",
        "telefon", "telefonen", "mobil", "mobilen", "laptop", "pc", "pc-en", "speaker", "høyttaler",
        "høgtalar", "högtalare", "højttaler", "satellite", "satellitt", "satellit", "satelliten",
        "satellitten", "mesh", "modem", "charger", "lader", "laddare", "oplader", "remote", "fjernkontroll",
        "fjärrkontroll", "fjernbetjening", "watch", "klokke", "klocka", "ur", "tablet", "nettbrett",
        "surfplatta", "monitor", "skjerm", "skärm", "skærm", "camera", "kamera", "console", "konsoll",
    }
)  # fmt: skip
# Acronyms that are no model ("Nordlys AS", "Send SMS", "California DMV").
NOT_MODEL_ACRONYMS: frozenset[str] = frozenset(
    {
        "AS", "ASA", "AB", "APS", "OY", "AG", "LTD", "LLC", "INC", "PLC", "BV", "NV", "HB", "KB", "ANS",
        "DMV", "IRS", "SSA", "USA", "UK", "EU", "EØS", "EEA", "NAV", "CSN", "SMS", "MMS", "PC", "TV", "USB",
        "DNS", "GPS", "PIN", "PDF", "URL", "ID", "OK", "NOK", "SEK", "DKK", "EUR", "USD", "GBP", "CEO",
        "FAQ", "QR", "CPR", "CVR", "MVA", "VAT", "DHL", "GLS", "UPS", "ATM", "API", "APP", "IT", "HR",
        "CV", "PS", "AM", "PM", "NB", "OBS", "SAS", "NSB", "SJ", "DSB", "NRK", "SVT", "DR", "BBC", "CNN",
        "NHS", "HMRC", "DVLA", "SSN", "EIN", "VIN", "ASAP", "FYI", "TLF", "MVH", "RMA", "SAK", "SAG",
        "NO", "SE", "DK", "FI", "GB", "US", "WIFI", "LED", "HDMI", "RAM", "SSD", "SIM", "IMEI", "VS", "VS.",
    }
)  # fmt: skip
# Capitalised words that start a sentence before a number and are no brand ("Under 18 år", "Etter 14 dager").
NOT_BRANDS: frozenset[str] = frozenset(
    {
        "under", "over", "etter", "efter", "innen", "innan", "inom", "inden", "within", "after", "before",
        "since", "siden", "sedan", "før", "före", "per", "pr", "ca", "cirka", "about", "approx", "totalt",
        "total", "kun", "bare", "berre", "endast", "bara", "only", "just", "nesten", "nästan", "næsten",
        "almost", "minst", "mer", "mere", "mindre", "more", "less", "opp", "up", "upp", "ned", "down", "med",
        "with", "uten", "utan", "uden", "without", "hele", "heile", "alle", "several", "flere", "fleire",
        "fler", "om", "hvis", "dersom", "når", "då", "da", "så", "also", "også", "og", "or", "eller",
        "nå", "no", "nu", "ikke", "ikkje", "inte", "not", "never", "aldri", "aldrig", "ring", "call",
        "dag", "day", "days", "uke", "veke", "vecka", "uge", "week", "år", "year", "years", "måned",
        "månad", "month", "time", "timer", "timmar", "hours", "minutes", "minutter", "top", "topp",
        "section", "form", "title", "part", "article", "artikel", "artikkel", "paragraf", "paragraph",
        "box", "schedule", "tier", "phase", "fase", "grade", "class", "klasse", "klass", "type", "typ",
        "figure", "figur", "table", "tabell", "appendix", "vedlegg", "bilag", "bilaga", "kapittel", "kapitel",
        "chapter", "avsnitt", "punkt", "point", "del", "lane", "exit", "runde", "round", "group", "gruppe",
        "grupp", "team", "lag", "pakke", "pakka", "paket", "kolli", "retur", "return", "returen", "kasse",
        "kassa", "window", "vindu", "door", "dør", "port", "postboks", "pobox", "tlf", "telefon",
        "mobil", "nummer", "number", "tel", "fax", "kode", "code", "kod", "pin", "covid", "vol", "volume",
        "nivå", "level", "trinn", "steg", "step", "sak", "sag", "case", "ärende", "ordre", "order", "faktura",
        "invoice", "kunde", "customer", "kund", "medlem", "member", "postnummer", "postnr", "zip", "vers",
        "version", "versjon", "kl", "klokka", "klokken", "klockan", "hus", "house", "bygg",
        "building", "blokk", "block", "oppgang", "etg", "etasje", "plan", "mars", "april", "august",
    }
)  # fmt: skip

# --- what was tried ---------------------------------------------------------------------------------------

# Irregular past forms of acting verbs (take, put, pull, ask, do, hold, use ...), in the five languages.
PAST_IRREGULAR: frozenset[str] = frozenset(
    {
        # en
        "took", "taken", "put", "ran", "held", "set", "gave", "given", "brought", "done", "spoke", "spoken",
        "pulled", "pushed", "pressed", "unplugged", "read", "sent", "tried", "frozen", "kept", "shut",
        "hung", "left on", "stuck", "fed", "swept", "bled",
        # nb / da
        "tatt", "tok", "gjort", "gjorde", "satt", "satte", "sat", "dratt", "dro", "trukket", "trakk", "lagt",
        "lagde", "sendt", "sendte", "spurt", "spurte", "spurgt", "spurgte", "holdt", "brukt", "brukte",
        "brugt", "brugte", "skrudd", "skrudde", "slått", "slo", "kjørt", "kjørte", "kørt", "kørte", "fulgt",
        "fulgte", "latt", "lot", "ladet", "lod", "taget", "tog", "trak", "bytt", "gått", "gikk", "gået",
        "gik", "prøvd", "prøvde", "lest", "læst",
        # nn
        "teke", "teki", "drege", "dregi", "drog", "trekt", "spurde", "halde",
        "heldt", "køyrt", "køyrde", "sett", "sette", "prøvt", "gjekk",
        # sv
        "tagit", "dragit", "lade", "hållit", "höll", "använt", "använde",
        "kört", "körde", "följt", "följde", "gick", "låtit", "lät", "tryckt", "tryckte", "bytte", "läst",
        "läste", "skickat", "frågat", "frågade", "stängt", "stängde",
    }
)  # fmt: skip
# Past forms that say what happened or was bought, not what was tried to fix it.
NOT_TRIED_VERBS: frozenset[str] = frozenset(
    {
        # en
        "ordered", "bought", "purchased", "received", "got", "gotten", "paid", "moved", "wrote", "written",
        "was", "were", "been", "had", "said", "told", "thought", "wanted", "needed", "noticed", "saw",
        "seen", "heard", "waited", "lived", "lost", "forgot", "forgotten", "registered", "booked",
        "reserved", "delivered", "arrived", "came", "happened", "found", "loved", "liked", "hoped",
        "expected", "planned", "decided", "realised", "realized", "understood", "meant", "felt", "started",
        "stopped", "seemed", "need", "used to", "wondered", "dropped", "broke", "broken", "cancelled",
        "canceled", "subscribed", "signed", "created", "did", "stayed", "visited", "traveled", "travelled",
        "enjoyed", "worked", "watched", "played", "listened", "attended", "joined", "married", "landed",
        "applied", "filed", "submitted", "requested", "missed", "owned", "rented", "leased", "appreciated",
        "experienced", "suffered", "shopped", "eaten", "ate", "slept",
        # nb / nn / da
        "bestilte", "bestilt", "kjøpte", "kjøpt", "købte", "købt", "tinga", "tingte", "fikk", "fekk", "fik",
        "fått", "fået", "betalte", "betalt", "betalede", "flyttet", "flytta", "flyttede", "skrev", "skreiv",
        "skrevet", "skrive", "var", "vært", "vore", "været", "hadde", "havde", "hatt", "haft", "sa", "sagt",
        "sagde", "tenkte", "tænkte", "ville", "skulle", "måtte", "kunne", "trengte", "trong", "så", "såg",
        "sett", "set", "hørte", "høyrde", "ventet", "venta", "ventede", "bodde", "budde", "boede", "mistet",
        "mista", "mistede", "glemte", "glemt", "gløymde", "gløymt", "registrerte", "registrert",
        "registrerede", "registreret", "mottok", "mottatt", "motteke", "modtog", "modtaget", "lurte",
        "lurt", "undret", "undrede", "likte", "håpet", "håpa", "ønsket", "ønska", "ønskede", "trodde",
        "hørde", "hörde", "mente", "meinte", "menade", "følte", "kände", "gledet", "gleda", "valgte", "valde",
        "valgt", "svarte", "svara", "svarade", "svarede", "akkurat", "kjente", "kjende",
        "troede", "merket", "merka", "mærkede", "oppdaget", "oppdaga", "opdagede", "opdaget", "opplevde",
        "oplevede", "skjedde", "skjedd", "skete", "sket", "kom", "kommet", "kome", "gikk", "gjekk", "gik",
        "gått", "gået", "reiste", "rejste", "booket", "booka", "bookede", "vet", "veit", "ved", "lyst",
        "litt", "lite", "lidt", "rett", "ret", "fast", "mest", "slett", "helt", "godt", "nytt", "nyt",
        "startet", "starta", "startede", "sluttet", "slutta", "stoppet", "stoppa", "avbestilte",
        "avbestilt", "afbestilte", "annullerte", "annullerede", "forventet", "forventa",
        "tenkt", "tænkt", "planlagt", "bestemte", "bestemt", "besluttet", "oppretta", "opprettet",
        "oprettede", "oprettet", "send", "skjønte",
        "forstod", "forsto", "kjøpe", "heter", "hette", "hedder", "heiter", "tapte", "tapt",
        # sv
        "beställde", "beställt", "köpte", "köpt", "fick", "betalade", "betalat", "flyttade", "flyttat",
        "skrivit", "varit", "hade", "sade", "tänkte", "behövde", "väntade", "väntat", "tappade", "tappat",
        "glömde", "glömt", "registrerade", "registrerat", "mottog", "mottagit", "undrade", "märkte",
        "upptäckte", "hände", "kommit", "gick", "bokade", "bokat", "hoppades", "önskade", "startade",
        "slutade", "avbeställde", "avbeställt", "öppnade", "skickade", "skickat", "ska",
        "skall", "kunde", "måste", "förstod",
    }
)  # fmt: skip

COLORS: dict[str, str] = {
    "svart": "black", "svarte": "black", "sort": "black", "sorte": "black", "black": "black",
    "hvit": "white", "hvitt": "white", "hvite": "white", "kvit": "white", "kvitt": "white", "vit": "white",
    "vitt": "white", "vita": "white", "hvid": "white", "hvidt": "white", "hvide": "white",
    "white": "white", "grå": "grey", "grått": "grey", "gråa": "grey", "grey": "grey", "gray": "grey",
    "sølv": "silver", "silver": "silver", "blå": "blue", "blått": "blue", "blue": "blue", "rød": "red",
    "rødt": "red", "raud": "red", "raudt": "red", "röd": "red", "rött": "red", "red": "red",
    "grønn": "green", "grønt": "green", "grøn": "green", "grön": "green", "grönt": "green",
    "green": "green", "gul": "yellow", "gult": "yellow", "yellow": "yellow", "rosa": "pink",
    "lyserød": "pink", "pink": "pink", "lilla": "purple", "lila": "purple", "purple": "purple",
    "oransje": "orange", "orange": "orange", "brun": "brown", "brunt": "brown", "brown": "brown",
    "beige": "beige", "gull": "gold", "guld": "gold", "gold": "gold", "marineblå": "navy", "navy": "navy",
    "turkis": "turquoise", "turkos": "turquoise", "turquoise": "turquoise",
}  # fmt: skip
