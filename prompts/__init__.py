"""Prompt templates kept as files, and the small loader that reads them.

Each prompt is a Markdown file in this package (``prompts/<name>.md``) with YAML front matter::

    ---
    name: draft_system
    version: draft-system@1
    variables: [language_name, channel]
    ---
    You write replies in $language_name for the $channel channel ...

The body is a :class:`string.Template`: ``$var`` or ``${var}`` inserts a variable and ``$$`` is a literal
dollar sign. The variables used in the body must be exactly the ones declared in the front matter (checked
when the file is loaded), and :meth:`PromptTemplate.render` refuses a missing or an unknown variable, so a
prompt and the code that fills it cannot drift apart silently. The ``version`` is what logs and eval reports
record; bump it whenever the text changes.

Files are read with :mod:`importlib.resources`, so this works from a source checkout and from an installed
wheel alike. Nothing is read at import time.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["PromptError", "PromptTemplate", "list_prompts", "load_prompt"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)

#: Value types a variable may take; anything else (None, lists, objects) is refused rather than rendered
#: as its ``repr`` into a prompt.
RenderValue = str | int | float


class PromptError(ValueError):
    """A prompt file that cannot be used, or a render call with missing or unknown variables."""


@dataclass(frozen=True)
class PromptTemplate:
    """A loaded prompt: its name, version, declared variables and template body."""

    name: str
    version: str
    variables: tuple[str, ...]
    body: str

    def render(self, **values: RenderValue) -> str:
        """Fill the template.

        Args:
            **values: one value (str, int or float) for every declared variable, and nothing else.

        Returns:
            The rendered text.

        Raises:
            PromptError: a declared variable is missing, an undeclared one is given, or a value has
                another type.
        """
        missing = [v for v in self.variables if v not in values]
        unknown = sorted(k for k in values if k not in self.variables)
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown {', '.join(unknown)}")
            raise PromptError(
                f"prompt {self.version}: {'; '.join(parts)} (it takes: {', '.join(self.variables) or 'none'})"
            )
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise PromptError(
                    f"prompt {self.version}: variable {key!r} must be str, int or float, "
                    f"not {type(value).__name__}"
                )
        return string.Template(self.body).substitute({k: str(v) for k, v in values.items()})


def list_prompts() -> list[str]:
    """Names of the prompt files shipped in this package, sorted."""
    root = resources.files(__name__)
    return sorted(
        entry.name.removesuffix(".md")
        for entry in root.iterdir()
        if entry.is_file() and entry.name.endswith(".md")
    )


@lru_cache(maxsize=64)
def load_prompt(name: str) -> PromptTemplate:
    """Load and validate the prompt ``prompts/<name>.md``.

    Args:
        name: the file name without ``.md`` (lower case letters, digits and underscores).

    Returns:
        The parsed template; cached per process.

    Raises:
        PromptError: no such prompt, or its front matter or body is invalid.
    """
    if not _NAME.match(name):
        raise PromptError(f"invalid prompt name {name!r}: use lower case letters, digits and underscores")
    resource = resources.files(__name__).joinpath(f"{name}.md")
    if not resource.is_file():
        available = ", ".join(list_prompts()) or "none"
        raise PromptError(f"no prompt named {name!r} (available: {available})")
    return parse_prompt(resource.read_text(encoding="utf-8"), source=f"{name}.md", expected_name=name)


def parse_prompt(text: str, *, source: str = "<string>", expected_name: str | None = None) -> PromptTemplate:
    """Parse a prompt file's text (front matter + body) and check it.

    Args:
        text: the whole file.
        source: where it came from, for error messages.
        expected_name: when given, the front matter's ``name`` must equal it.

    Returns:
        The parsed template.

    Raises:
        PromptError: the front matter is missing or invalid, or the body's placeholders differ from the
            declared variables.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise PromptError(f"{source}: missing YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise PromptError(f"{source}: invalid YAML front matter: {exc}") from exc
    if not isinstance(meta, dict):
        raise PromptError(f"{source}: front matter must be a mapping with name, version and variables")

    name, version, variables = meta.get("name"), meta.get("version"), meta.get("variables", [])
    if not isinstance(name, str) or not _NAME.match(name):
        raise PromptError(f"{source}: 'name' must be a lower-case identifier, got {name!r}")
    if expected_name is not None and name != expected_name:
        raise PromptError(f"{source}: 'name' is {name!r} but the file is named {expected_name!r}")
    if not isinstance(version, str) or "@" not in version:
        raise PromptError(f"{source}: 'version' must look like 'draft-system@1', got {version!r}")
    if not isinstance(variables, list) or not all(
        isinstance(v, str) and _IDENTIFIER.match(v) for v in variables
    ):
        raise PromptError(f"{source}: 'variables' must be a list of identifiers, got {variables!r}")
    if len(set(variables)) != len(variables):
        raise PromptError(f"{source}: 'variables' lists a name twice: {variables!r}")

    body = match.group(2).strip() + "\n"
    template = string.Template(body)
    if not template.is_valid():
        raise PromptError(f"{source}: invalid placeholder in the body (write a literal dollar as $$)")
    used = set(template.get_identifiers())
    undeclared = sorted(used - set(variables))
    unused = sorted(set(variables) - used)
    if undeclared or unused:
        raise PromptError(
            f"{source}: body and front matter disagree: "
            f"used but not declared: {undeclared or 'none'}; declared but not used: {unused or 'none'}"
        )
    return PromptTemplate(name=name, version=version, variables=tuple(variables), body=body)
