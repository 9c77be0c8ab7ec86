"""Small word lists for nb, nn, sv, da and en: numbers, months, weekdays, relative days and more.

Only data lives here; the extractors build their patterns from it. Words shared by several languages
("to", "tre", "fredag") appear once per language on purpose: each list stands alone.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("nb", "nn", "sv", "da", "en")

# Number words up to twelve. Articles that also mean "one" (en, ett, ei, ein, et) are left out: "en billett"
# is as often "a ticket" as "one ticket", and a wrong count on the card is worse than a missing one.
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2,
    },
    "nb": {
        "null": 0, "én": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7,
        "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
    },
    "nn": {
        "null": 0, "éin": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7,
        "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "ellev": 11, "tolv": 12,
    },
    "sv": {
        "noll": 0, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
        "nio": 9, "tio": 10, "elva": 11, "tolv": 12,
    },
    "da": {
        "nul": 0, "én": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8,
        "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
    },
}  # fmt: skip

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
        "uge", "route", "rute", "linje", "line", "covid", "top", "topp", "hotel", "hotell",
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
