""" "Already tried" by meaning: a step a draft proposes is the same action as a step the customer reported.

No catalogue of steps. A reported step ("Jeg har skrudd av strømmen i sikringsskapet", "I took the filter out
and rinsed it") and a proposal ("Prøv å slå av strømmen på sikringen", "Have you tried rinsing the filter?",
"Ta ut vasstanken og skyl han") are both read as *actions*: a verb, its particle and what it is done to.

* **Clauses.** A text is cut into clauses at commas and at "og / and / och / samt / then"; each clause's
  lead is dropped (a subject and "har / have", adverbs such as "allerede", and for a proposal the
  politeness and "try" frame: "Could you try", "Har du prøvd å", "Prova att", "gjerne"). The first word
  left is the verb; a particle after it ("av", "ut", "off", "ur") is kept by its language-neutral value
  (lexicon ``particles``).
* **Same verb.** By stem in any of the five languages (``evidence.same_verb``: "tørket" ~ "tørke",
  "skylt" ~ "skyl"), or, when a ``similar`` function is given (the local embedder's
  cosine of the two verb phrases), at least :data:`VERB_SIMILARITY` ("skrudd av" ~ "slå av",
  "tagit ur" ~ "ta ur"). Two particle verbs with different particles are never the same ("slå av" is not
  "slå på").
* **Same thing.** The two actions share an object word (stems and compounds, loosely: "sikringen" ~
  "sikringsskapet"); a clause that names its object by a pronoun ("skyl han") takes the objects of its
  whole text.
* **A repeat.** At least half of the proposal's actions, and at least one, are actions reported as taken.

Only steps the conversation reports as *taken* are compared (the "tried" facts of the text layer and the
steps :func:`~assistant.guards.repeat_ask.evidence.tried_steps` found): a question, a negation or a wish is
never a step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.guards.repeat_ask.evidence import same_verb
from assistant.guards.repeat_ask.slots import action_objects, objects_overlap
from knowledge.embedders import Embedder
from knowledge.facts._lexicon import NOT_TRIED_VERBS
from knowledge.text.lexicons import LANGUAGES, entries, words

__all__ = [
    "VERB_SIMILARITY",
    "Action",
    "Similarity",
    "actions",
    "embedder_similarity",
    "repeats_by_meaning",
    "same_action",
]

Similarity = Callable[[str, str], float]
"""The cosine similarity of two short texts (the local embedder's), or any function like it."""

VERB_SIMILARITY = 0.9  # two verb phrases at least this similar are one verb ("skrudd av" ~ "slå av")

_I = re.IGNORECASE
_CLAUSE = re.compile(
    r"\s*[,;:–—()]\s*|\s+(?:og|and|och|samt|then|plus|og så|and then|og deretter|och sedan|og derefter|"
    r"og etterpå|og bagefter)\s+",
    _I,
)
_TRY = r"prøv\w*|prov\w*|pröva\w*|testa\w*|forsøk\w*|forsøg\w*|försök\w*|freist\w*|try|tried|trying"
# A reported step may come in a "tried to" frame too ("Har prøvd å bruke dem", "I tried to reset it").
_SUBJECT_LEAD = re.compile(
    r"^\W*(?:(?:(?-i:I)|i|jeg|eg|jag|vi|we|me|they|de|dei|han|hun|ho|hon|he|she)(?:\s+|(?=['’])))?"
    r"(?:(?:['’]ve|['’]d|have|has|had|har|hadde|hade|havde|hev)\s+)?"
    r"(?:(?:already|allerede|alt|allereie|redan|også|òg|också|also)\s+)?"
    rf"(?:(?:{_TRY})\s+(?:å|att|at|to)\s+)?",
    _I,
)
_TRY_WORD = re.compile(_TRY, _I)
# Verbs of using a thing (and a reported "tried <thing>", read as one): any two are the same action.
_USE = re.compile(r"use|using|used|uses|bruk\w*|nytt\w*|använd\w*|brug\w*|anvend\w*", _I)
# "Make sure to", "sørg for å", "se till att", "husk å": a frame around the step proposed.
_MAKE_SURE = (
    r"make\s+sure\s+(?:to|you)|remember\s+to|sørg\w*\s+for\s+(?:å|at)|syt\s+for\s+å|se\s+till\s+att"
    r"|husk\s+(?:å|at)|hugs\s+å|kom\s+ihåg\s+att|sørg\s+for"
)
_POLITE = (
    r"please|kindly|just|then|now|first|also|gjerne|gärna|gerne|bare|berre|bara|blot|så|først|först|fyrst|"
    r"også|òg|också|og|and|och|deretter|derefter|sedan|etterpå|bagefter|du|you|ni|dere|dykk|could|can|would|"
    r"will|kan|kunne|kunde|vil|ville|skulle|should|may|might|må|bør|burde|have|has|har|hev|maybe|perhaps|"
    r"kanskje|kanske|måske|evt|eventuelt|eventuellt|"
    # "Har du fått teke bilete?", "Have you managed to reset it?": a step asked about as done
    r"fått|fåt|fået|hunnet|nået(?:\s+at)?(?:\s+få)?|nåede|rukket|rokke|rokket|hunnit|hann|managed\s+to|got\s+to|been\s+able\s+to"
    r"|klart\s+(?:å|att|at)|fått\s+til\s+å"
)
_PROPOSAL_LEAD = re.compile(
    rf"^\W*(?:(?:{_POLITE})\s+|(?:{_MAKE_SURE})\s+|(?:{_TRY})\s+(?:(?:å|att|at|to|og)\s+)|(?:try|tried|trying)\s+)*",
    _I,
)
_ADVERBS = frozenset(
    "already also even just again allerede alt allereie redan også òg också nettopp nettop precis both "
    "begge båda then so da då så faktisk actually first først först fyrst".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_PRONOUN_OBJECT = re.compile(r"\s+(?:\S+\s+)?(?:it|them|den|det|dem|dei|dom|han|ho|hon|henne|honom)\b", _I)
_NEGATION = re.compile(r"\b(?:not|never|no|ikke|ikkje|inte|ej|aldri|aldrig|n't)\b", _I)


@dataclass(frozen=True)
class Action:
    """One action of a step: its verb, the neutral value of its particle ("off"), what it is done to."""

    verb: str
    particle: str
    objects: frozenset[str]
    text: str

    @property
    def phrase(self) -> str:
        """The verb with its particle as written ("slå av"), for the embedder."""
        return self.text


def _particles() -> dict[str, str]:
    return {w: v for lang in LANGUAGES for w, v in entries(lang, "particles")}


def _not_a_verb(word: str) -> bool:
    low = word.lower()
    return (
        len(low) < 2
        or low in words("function_words")
        or low in words("step_stopwords")
        or low in NOT_TRIED_VERBS
        or low.endswith(("n't", "n’t"))
        or _NEGATION.fullmatch(low) is not None
    )


def actions(text: str, *, proposal: bool) -> list[Action]:
    """The actions of a reported step (``proposal`` False) or of a proposal, clause by clause.

    Args:
        text: one step as reported, or one sentence of a draft.
        proposal: True for a draft's sentence (its "try" and politeness frame is dropped).

    Returns:
        One action per clause that starts with a verb; a clause with only a pronoun for its object takes
        the objects of the whole text.
    """
    return list(_actions(text, proposal))


@lru_cache(maxsize=8192)
def _actions(text: str, proposal: bool) -> tuple[Action, ...]:
    """:func:`actions`, kept per text: a reported step is compared with every proposal of every request
    about its customer, and its actions do not change (a pure function of the text and the lexicons)."""
    particles = _particles()
    out: list[Action] = []
    lead = _PROPOSAL_LEAD if proposal else _SUBJECT_LEAD
    clauses = _CLAUSE.split(text)
    heads = {m.group(0).lower() for c in clauses if (m := _WORD.search(c[lead.match(c).end() :]))}  # type: ignore[union-attr]
    whole = frozenset(o for o in action_objects(text) if not any(same_verb(o, h) for h in heads))
    for clause in clauses:
        clause = clause.strip()
        if not clause or "?" in clause and not proposal:
            continue
        rest = clause[lead.match(clause).end() :]  # type: ignore[union-attr]
        found = [m for m in _WORD.finditer(rest)]
        while found and found[0].group(0).lower() in _ADVERBS:
            found.pop(0)
        tried_thing = bool(found) and not proposal and _TRY_WORD.fullmatch(found[0].group(0)) is not None
        if not found or (_not_a_verb(found[0].group(0)) and not tried_thing):
            continue
        if _NEGATION.search(clause[: len(clause) - len(rest)] + rest[: found[0].start()]):
            continue  # "har ikke skyllet filteret"
        verb = found[0].group(0).lower()
        if tried_thing:
            verb = "use"  # "tried the spare card": used it
        particle = ""
        phrase_end = found[0].end()
        if len(found) > 1 and found[1].group(0).lower() in particles:
            particle = particles[found[1].group(0).lower()]
            phrase_end = found[1].end()
        objects = frozenset(o for o in action_objects(rest[found[0].end() :]) if not same_verb(o, verb))
        after = rest[phrase_end:].split()
        if not proposal and after and after[0].lower().strip(".,") in _OBJECT_PRONOUNS:
            objects |= {_ANY_OBJECT}  # "spærret det i appen": "det" is the thing named before
        if not objects:
            objects = frozenset(o for o in whole if not same_verb(o, verb))
        elif out and _PRONOUN_OBJECT.match(rest, phrase_end):
            objects |= out[-1].objects  # "took the filter out and rinsed it under the tap": the filter
        out.append(Action(verb, particle, objects, rest[found[0].start() : phrase_end].lower()))
    return tuple(out)


# A reported step whose object is a pronoun ("har spærret det") is about whatever was named before it: any
# object of a proposal with the same verb is that thing.
_ANY_OBJECT = "*"
_OBJECT_PRONOUNS = frozenset("det den dem dei de it them this that dette detta".split())


def same_action(proposed: Action, reported: Action, similar: Similarity | None = None) -> bool:
    """Whether a proposed action is an action reported as taken (same verb, same thing; rules above)."""
    if proposed.particle and reported.particle and proposed.particle != reported.particle:
        return False
    if proposed.objects and _ANY_OBJECT in reported.objects and same_verb(proposed.verb, reported.verb):
        return True
    if not proposed.objects or objects_overlap(proposed.objects, reported.objects) < 1:
        return False
    if same_verb(proposed.verb, reported.verb):
        return True
    if _USE.fullmatch(proposed.verb) and _USE.fullmatch(reported.verb):
        return True  # "have you tried using the spare card?" after "tried the spare card"
    return similar is not None and similar(proposed.phrase, reported.phrase) >= VERB_SIMILARITY


def repeats_by_meaning(
    proposal: str,
    reported: Sequence[tuple[str, int]],
    similar: Similarity | None = None,
) -> tuple[str, int] | None:
    """The reported step a proposal repeats, or None.

    Args:
        proposal: one sentence of a draft that proposes a step (a "try", a question, an imperative).
        reported: steps reported as taken, each with the index of the turn it came from (-1: a known fact).
        similar: the cosine similarity of two short texts (the local embedder); None compares by stems only.

    Returns:
        The newest reported step (text and turn index) of which at least half the proposal's actions, and at
        least one, are actions; None when it repeats none.
    """
    wanted = actions(proposal, proposal=True)
    if not wanted:
        return None
    for text, index in reversed(reported):
        done = actions(text, proposal=False)
        hits = sum(1 for p in wanted if any(same_action(p, r, similar) for r in done))
        if hits and 2 * hits >= len(wanted):
            return text, index
    return None


def embedder_similarity(embedder: Embedder) -> Similarity:
    """The cosine similarity of two short texts by ``embedder``'s query vectors (each text embedded once).

    Args:
        embedder: the workspace's embedder (the local multilingual model by default).

    Returns:
        A function of two texts that returns their cosine similarity (0 for an empty vector).
    """

    @lru_cache(maxsize=256)
    def vector(text: str) -> np.ndarray:
        v = np.asarray(embedder.embed_query(text), dtype=np.float32)
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def similar(a: str, b: str) -> float:
        return float(vector(a) @ vector(b))

    return similar
