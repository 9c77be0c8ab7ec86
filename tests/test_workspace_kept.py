"""The service keeps a workspace's configuration and its documents' sections while the workspace's version
stays the same, and reads them again when its knowledge or configuration changes (in any process): counted
in reads, never timed."""

from __future__ import annotations

from pathlib import Path

import pytest

import assistant.service as service
from assistant.runtime import Runtime
from assistant.service import build_assistant
from knowledge.fields import parse_fields
from knowledge.locale import set_workspace_locale
from knowledge.workspace_fields import import_fields
from knowledge.workspace_macros import import_macros
from knowledge.workspaces import get_workspace
from tests.conftest import write

RETUR = (
    "---\ntitle: Retur\n---\n\n# Retur\n\nAngreretten er 30 dager.\n\n"
    "## Refusjon\n\nPengene kommer innen 14 dager.\n"
)


def test_configuration_and_sections_are_read_once_per_workspace_version(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = tmp_path / "kb"
    write(kb / "retur.md", RETUR)
    rt.indexer.ingest(kb, "default")
    configs: list[str] = []
    sections: list[str] = []
    real_fields, real_sections = service.workspace_fields, service.document_sections
    monkeypatch.setattr(service, "workspace_fields", lambda s, w: configs.append(w) or real_fields(s, w))
    monkeypatch.setattr(
        service, "document_sections", lambda s, w, d: sections.append(d) or real_sections(s, w, d)
    )
    assistant = build_assistant(rt)

    def ask() -> None:
        result = assistant.suggest(workspace="default", message="Hvor lang er angreretten?", channel="chat")
        assert result.passages and result.passages[0].doc_id == "retur"

    ask()
    ask()
    ask()
    assert configs == ["default"]  # three requests, one reading of the configuration
    assert len(sections) <= 1  # the document's sections, read at most once

    def change(what: str) -> None:
        with rt.sessions.begin() as session:
            if what == "fields":
                import_fields(session, "default", parse_fields({"fields": [{"name": "membership_level"}]}))
            elif what == "macros":
                import_macros(session, "default", {"nb": {"greeting": "Hei {name}!"}})
            elif what == "same macros":
                import_macros(session, "default", {"nb": {"greeting": "Hei {name}!"}})
            else:
                ws = get_workspace(session, "default")
                assert ws is not None
                set_workspace_locale(session, ws.id, language="sv")

    change("fields")
    ask()
    assert configs == ["default"] * 2
    assert assistant._workspace("default").config.fields.get("membership_level") is not None
    change("macros")
    ask()
    assert configs == ["default"] * 3
    change("same macros")  # nothing changed: nothing read again
    ask()
    assert configs == ["default"] * 3
    change("language")
    assert assistant._workspace("default").config.language == "sv"
    assert configs == ["default"] * 4
    before = len(sections)
    write(kb / "retur.md", RETUR.replace("30 dager", "60 dager"))
    rt.indexer.ingest(kb, "default")  # the knowledge changed: its sections are read again
    ask()
    assert configs == ["default"] * 5
    assert len(sections) <= before + 1
    assert "60 dager" in " ".join(
        s.text
        for s in assistant._document_sections(
            rt.sessions, "default", "retur", assistant._workspace("default")
        )
    )
