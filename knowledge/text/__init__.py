"""The text layer: one way to read customer service text, shared by facts, the drafter and the guards.

* :mod:`~knowledge.text.sentences` — one sentence splitter (abbreviations of the five languages as data).
* :mod:`~knowledge.text.tokens` — words and Snowball stems per language.
* :mod:`~knowledge.text.numbers` — number words of the five languages.
* :mod:`~knowledge.text.values` — typed value spans (dates, times, places, counts, amounts, names, ids).
* :mod:`~knowledge.text.kinds` — the one vocabulary of kinds (fact kinds, their role-qualified kinds and
  the workspace's fields) and which kinds answer a question about which.
* :mod:`~knowledge.text.fieldvalues` — the workspace's own fields read in text.
* :mod:`~knowledge.text.analysis` — :func:`analyse_turns`: a conversation analysed once per request.
* :mod:`~knowledge.text.lexicons` — word lists per language, as files in ``knowledge/lexicons/<lang>/``.
"""

from knowledge.text.analysis import ConversationAnalysis, LocatedFact, TurnLike, analyse_turns
from knowledge.text.kinds import FACT_KINDS, accepts, family
from knowledge.text.numbers import has_number, number_words, parse_number
from knowledge.text.sentences import Span, split_sentences
from knowledge.text.tokens import stems, words
from knowledge.text.values import Value, extract_values

__all__ = [
    "FACT_KINDS",
    "ConversationAnalysis",
    "LocatedFact",
    "Span",
    "TurnLike",
    "Value",
    "accepts",
    "analyse_turns",
    "extract_values",
    "family",
    "has_number",
    "number_words",
    "parse_number",
    "split_sentences",
    "stems",
    "words",
]
