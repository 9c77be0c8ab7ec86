"""Prompt files load from the package, carry versions, and refuse missing or unknown variables."""

from __future__ import annotations

import pytest

from prompts import PromptError, PromptTemplate, list_prompts, load_prompt, parse_prompt

SHIPPED = ("answer_system", "draft_stream_user", "draft_system", "draft_user")


def test_shipped_prompts_are_listed() -> None:
    assert set(SHIPPED) <= set(list_prompts())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_prompt_loads_with_name_version_and_variables(name: str) -> None:
    prompt = load_prompt(name)
    assert isinstance(prompt, PromptTemplate)
    assert prompt.name == name
    assert prompt.version.startswith(name.replace("_", "-") + "@")
    assert prompt.variables, "every shipped prompt takes at least one variable"
    rendered = prompt.render(**{v: f"<{v}-value>" for v in prompt.variables})
    for variable in prompt.variables:
        assert f"<{variable}-value>" in rendered
    assert "$" not in rendered  # every placeholder was filled


def test_versions_are_unique() -> None:
    versions = [load_prompt(n).version for n in SHIPPED]
    assert len(set(versions)) == len(versions)


def test_render_with_a_missing_variable_names_it() -> None:
    prompt = load_prompt("draft_system")
    with pytest.raises(PromptError, match="missing channel"):
        prompt.render(language_name="Swedish (svenska)")


def test_render_with_an_unknown_variable_names_it() -> None:
    prompt = load_prompt("draft_system")
    with pytest.raises(PromptError, match="unknown tone"):
        prompt.render(language_name="English", channel="email", tone="formal")


@pytest.mark.parametrize("value", [None, ["a"], True, {"k": "v"}])
def test_render_refuses_values_that_are_not_text_or_numbers(value: object) -> None:
    prompt = load_prompt("draft_stream_user")
    with pytest.raises(PromptError, match="must be str"):
        prompt.render(context=value)  # type: ignore[arg-type]


def test_numbers_render() -> None:
    text = load_prompt("draft_user").render(context="ctx", max_suggestions=2)
    assert "between 1 and 2" in text


def test_unknown_prompt_lists_the_available_ones() -> None:
    with pytest.raises(PromptError, match="draft_system"):
        load_prompt("no_such_prompt")


@pytest.mark.parametrize("name", ["../settings", "Draft_System", "draft-system", ""])
def test_prompt_names_cannot_escape_the_package(name: str) -> None:
    with pytest.raises(PromptError, match="invalid prompt name"):
        load_prompt(name)


def test_the_drafting_rules_reach_the_rendered_prompt() -> None:
    text = load_prompt("draft_system").render(
        language_name="Norwegian Nynorsk (norsk nynorsk, not bokmål)", channel="facebook"
    )
    assert "Norwegian Nynorsk (norsk nynorsk, not bokmål)" in text
    assert "facebook channel" in text


GOOD = """---
name: sample
version: sample@3
variables: [who, count]
---
Hello $who, you have ${count} items costing $$5.
"""


def test_parse_prompt_accepts_braces_and_literal_dollars() -> None:
    prompt = parse_prompt(GOOD)
    assert (prompt.name, prompt.version, prompt.variables) == ("sample", "sample@3", ("who", "count"))
    assert prompt.render(who="Kari", count=2) == "Hello Kari, you have 2 items costing $5.\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello $who\n", "missing YAML front matter"),
        ("---\nname: x\nvariables: []\n---\nHi\n", "'version'"),
        ("---\nname: x\nversion: x@1\nvariables: who\n---\nHi $who\n", "'variables' must be a list"),
        ("---\nname: x\nversion: x@1\nvariables: [who]\n---\nHi $who and $whom\n", "used but not declared"),
        ("---\nname: x\nversion: x@1\nvariables: [who, unused]\n---\nHi $who\n", "declared but not used"),
        ("---\nname: x\nversion: x@1\nvariables: []\n---\nCosts $5\n", "invalid placeholder"),
        ("---\nname: x\nversion: x@1\nvariables: [a, a]\n---\n$a\n", "twice"),
        ("---\n: [\n---\nHi\n", "invalid YAML"),
    ],
)
def test_parse_prompt_rejects_broken_files(text: str, message: str) -> None:
    with pytest.raises(PromptError, match=message):
        parse_prompt(text, source="broken.md")


def test_parse_prompt_checks_the_file_name() -> None:
    with pytest.raises(PromptError, match="file is named 'other'"):
        parse_prompt(GOOD, expected_name="other")
