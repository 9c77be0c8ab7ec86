"""Loaders: a file or folder of knowledge → normalised, cleaned :class:`Document` objects.

Supported: Markdown with YAML front matter (``id``, ``title``, ``language``, ``url``, ``updated_at``),
HTML (visible text and headings; scripts, styles, hidden elements and comments dropped), CSV and JSONL
(``id, title, text`` or ``question, answer``; optional ``language``, ``url``, ``metadata``), and plain
text. A bad line or file is reported as a :class:`Rejection` with file and line; the rest still loads.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from bs4 import BeautifulSoup, Tag

from knowledge.cleaning import clean_text, visible_text
from knowledge.documents import Document, LoadResult, Rejection
from knowledge.errors import InputError
from knowledge.language import detect_language, normalize_language
from knowledge.masking import mask_sensitive

MARKDOWN = {".md", ".markdown"}
HTML = {".html", ".htm"}
TEXT = {".txt"}
CSV = {".csv"}
JSONL = {".jsonl", ".ndjson"}
SUPPORTED = MARKDOWN | HTML | TEXT | CSV | JSONL


def load_path(path: str | Path) -> LoadResult:
    """Load every supported file under ``path`` (a file or a folder, recursively).

    Args:
        path: a file or folder.

    Returns:
        The documents, cleaned and with a language, and the rejections (file[:line] and reason).

    Raises:
        InputError: the path does not exist, or is a file of an unsupported type.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or folder", source=str(path))
    if p.is_file():
        if p.suffix.lower() not in SUPPORTED:
            raise InputError(
                f"unsupported file type {p.suffix!r}; use one of {', '.join(sorted(SUPPORTED))}",
                source=str(path),
            )
        files = [p]
        root = p.parent
    else:
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
        files = [f for f in files if not any(part.startswith(".") for part in f.relative_to(p).parts)]
        root = p
    result = LoadResult()
    seen: dict[str, str] = {}
    for f in files:
        loaded = _load_file(f, root)
        for doc in loaded.documents:
            if doc.id in seen:
                result.rejections.append(
                    Rejection(doc.location, f"duplicate id {doc.id!r} (first seen at {seen[doc.id]})")
                )
                continue
            seen[doc.id] = doc.location
            result.documents.append(doc)
        result.rejections.extend(loaded.rejections)
    return result


def _load_file(f: Path, root: Path) -> LoadResult:
    suffix = f.suffix.lower()
    try:
        raw = f.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        return LoadResult(rejections=[Rejection(str(f), reason)])
    except OSError as exc:
        return LoadResult(rejections=[Rejection(str(f), f"cannot read: {exc.strerror}")])
    default_id = f.relative_to(root).with_suffix("").as_posix()
    if suffix in MARKDOWN:
        return _one(_markdown(raw, f, default_id))
    if suffix in HTML:
        return _one(_html(raw, f, default_id))
    if suffix in TEXT:
        return _one(_finish(Document(id=default_id, text=raw, title=f.stem, location=str(f)), []))
    if suffix in CSV:
        return _records(_csv_rows(raw), f)
    return _records(_jsonl_rows(raw), f)


def _one(doc: Document | Rejection) -> LoadResult:
    if isinstance(doc, Rejection):
        return LoadResult(rejections=[doc])
    return LoadResult(documents=[doc])


def _markdown(raw: str, f: Path, default_id: str) -> Document | Rejection:
    try:
        post = frontmatter.loads(raw)
    except (yaml.YAMLError, ValueError) as exc:
        return Rejection(str(f), f"invalid front matter: {exc}")
    meta = dict(post.metadata)
    body = post.content
    title = str(meta.pop("title", "") or "")
    if not title:
        m = re.search(r"^#\s+(.+)$", body, re.M)
        title = m.group(1).strip() if m else f.stem
    doc = Document(
        id=str(meta.pop("id", default_id)),
        text=body,
        title=title,
        language=normalize_language(_yaml_language(meta.pop("language", None))),
        url=_opt_str(meta.pop("url", None)),
        updated_at=_opt_str(meta.pop("updated_at", None)) or _mtime(f),
        location=str(f),
        metadata={k: v for k, v in meta.items() if isinstance(v, str | int | float | bool)},
    )
    return _finish(doc, [])


def _html(raw: str, f: Path, default_id: str) -> Document | Rejection:
    soup = BeautifulSoup(raw, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if isinstance(title_tag, Tag) else ""
    lang_attr = soup.html.get("lang") if isinstance(soup.html, Tag) else None
    visible = visible_text(raw)
    if not title:
        h1 = soup.find("h1")
        title = h1.get_text(" ", strip=True) if isinstance(h1, Tag) else f.stem
    meta_url = soup.find("link", rel="canonical")
    url = meta_url.get("href") if isinstance(meta_url, Tag) else None
    doc = Document(
        id=default_id,
        text=visible.text,
        title=title,
        language=normalize_language(lang_attr if isinstance(lang_attr, str) else None),
        url=url if isinstance(url, str) else None,
        updated_at=_mtime(f),
        location=str(f),
    )
    return _finish(doc, visible.flags, markup=False)


def _csv_rows(raw: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.DictReader(raw.splitlines())
    if not reader.fieldnames:
        yield 1, "empty CSV file (expected a header with id,title,text or question,answer)"
        return
    fields = {h.strip().lower() for h in reader.fieldnames if h}
    if not ({"text"} <= fields or {"question", "answer"} <= fields):
        yield 1, f"CSV header must have 'text' or 'question' and 'answer' columns; found {sorted(fields)}"
        return
    for row in reader:
        line = reader.line_num
        if None in row:
            yield line, "more cells than header columns"
            continue
        yield line, {k.strip().lower(): (v or "") for k, v in row.items() if k}


def _jsonl_rows(raw: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, f"invalid JSON: {exc.msg} (column {exc.colno})"
            continue
        if not isinstance(obj, dict):
            yield n, "expected a JSON object"
            continue
        yield n, obj


def _records(rows: Iterator[tuple[int, dict[str, Any] | str]], f: Path) -> LoadResult:
    result = LoadResult()
    for line, row in rows:
        where = f"{f}:{line}"
        if isinstance(row, str):
            result.rejections.append(Rejection(where, row))
            continue
        doc = _record(row, f, where)
        if isinstance(doc, Rejection):
            result.rejections.append(doc)
        else:
            result.documents.append(doc)
    return result


def _record(row: dict[str, Any], f: Path, where: str) -> Document | Rejection:
    question = _opt_str(row.get("question"))
    answer = _opt_str(row.get("answer"))
    text = _opt_str(row.get("text"))
    title = _opt_str(row.get("title")) or ""
    if text is None and answer is not None:
        text = answer
        title = title or (question or "")
    if not text or not text.strip():
        return Rejection(where, "missing 'text' (or 'answer')")
    raw_id = row.get("id")
    if raw_id is None or str(raw_id).strip() == "":
        basis = question or title or text
        raw_id = f"{f.stem}:{hashlib.sha1(basis.encode('utf-8')).hexdigest()[:10]}"
    metadata = row.get("metadata") if isinstance(row.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    if question and answer and text == answer:
        metadata = {**metadata, "question": question}
    doc = Document(
        id=str(raw_id),
        text=text,
        title=title,
        language=normalize_language(_opt_str(row.get("language"))),
        url=_opt_str(row.get("url")),
        updated_at=_opt_str(row.get("updated_at")),
        location=where,
        metadata={k: v for k, v in metadata.items() if isinstance(v, str | int | float | bool)},
    )
    return _finish(doc, [])


def _finish(doc: Document, flags: list[str], *, markup: bool = True) -> Document | Rejection:
    cleaned = clean_text(doc.text, markup=markup)
    title = clean_text(doc.title)
    doc.text = mask_sensitive(cleaned.text)  # no card, IBAN or national id is ever embedded
    doc.title = mask_sensitive(title.text)
    doc.flags = sorted(set(flags) | set(cleaned.flags) | set(title.flags))
    if not doc.text:
        return Rejection(doc.location, "no text left after cleaning")
    if not doc.language:
        doc.language = detect_language(f"{doc.title}\n{doc.text[:1500]}", default="en")
    return doc


def _flag(flags: list[str], name: str) -> None:
    if name not in flags:
        flags.append(name)


def _yaml_language(value: object) -> str | None:
    """YAML 1.1 reads ``language: no`` (Norwegian) as ``False``: take it back."""
    if value is False:
        return "no"
    return _opt_str(value)


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _mtime(f: Path) -> str:
    return datetime.fromtimestamp(f.stat().st_mtime, tz=UTC).isoformat(timespec="seconds")
