"""Loaders: a file or folder of knowledge → normalised, cleaned :class:`Document` objects.

Supported: Markdown with YAML front matter (``id``, ``title``, ``language``, ``url``, ``updated_at``),
HTML (visible text and headings; scripts, styles, hidden elements and comments dropped), CSV and JSONL
(``id, title, text`` or ``question, answer``; optional ``language``, ``url``, ``metadata``), and plain
text. A bad line or file is reported as a :class:`Rejection` with file and line; the rest still loads.

Every file is bounded by :class:`~knowledge.limits.Limits` before it is parsed (file, document, line and
CSV cell sizes, JSON/YAML nesting, headings per document), and any failure inside one file or record is
caught and reported there, never raised. Bytes that are not UTF-8 are replaced with U+FFFD: the document
loads with the flag ``invalid_utf8`` and a warning names the file (and line) of the bad bytes; a file
where more than a tenth of the characters would be replaced is not text and is rejected.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
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
from knowledge.limits import Limits, html_depth, too_deep
from knowledge.masking import mask_sensitive

log = logging.getLogger("svar.loaders")

MARKDOWN = {".md", ".markdown"}
HTML = {".html", ".htm"}
TEXT = {".txt"}
CSV = {".csv"}
JSONL = {".jsonl", ".ndjson"}
SUPPORTED = MARKDOWN | HTML | TEXT | CSV | JSONL

_MD_HEADING = re.compile(r"^#{1,6}[ \t]", re.M)
_HTML_OVERHEAD = 5  # an HTML file may be this many times the document limit before its text is extracted
_BAD_UTF8 = "invalid_utf8"
_BINARY_SHARE = 0.1  # more bad bytes than this share of the characters: not a text file at all


class _NotText(Exception):
    """A file that is mostly not UTF-8 (binary, or another encoding throughout)."""


def load_path(
    path: str | Path, *, root: str | Path | None = None, limits: Limits | None = None
) -> LoadResult:
    """Load every supported file under ``path`` (a file or a folder, recursively).

    A file without an explicit id is named by its path relative to ``root`` without the suffix
    (``sub/returns``), so the same file gets the same id however it is reached.

    Args:
        path: a file or folder.
        root: the folder ids are relative to (it must contain ``path``); default: ``path`` itself for a
            folder, its folder for a file.
        limits: size limits (defaults: :class:`Limits`); what is over them is rejected with its place.

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
        base = p.parent
    else:
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
        files = [f for f in files if not any(part.startswith(".") for part in f.relative_to(p).parts)]
        base = p
    id_root = Path(root).resolve() if root is not None else base.resolve()
    limits = limits or Limits()
    result = LoadResult()
    seen: dict[str, str] = {}
    for f in files:
        loaded = _load_file_safely(f, id_root, limits)
        for doc in loaded.documents:
            if doc.id in seen:
                result.rejections.append(
                    Rejection(doc.location, f"duplicate id {doc.id!r} (first seen at {seen[doc.id]})")
                )
                continue
            seen[doc.id] = doc.location
            result.documents.append(doc)
        result.rejections.extend(loaded.rejections)
        result.warnings.extend(loaded.warnings)
    return result


def _load_file_safely(f: Path, root: Path, limits: Limits) -> LoadResult:
    """One file; whatever goes wrong inside it is a rejection of that file, never an exception."""
    try:
        return _load_file(f, root, limits)
    except RecursionError:
        return LoadResult(rejections=[Rejection(str(f), "nested too deeply to parse")])
    except Exception as exc:
        log.exception("could not load %s", f)
        return LoadResult(
            rejections=[Rejection(str(f), f"could not be loaded ({type(exc).__name__}: {exc})")]
        )


def _load_file(f: Path, root: Path, limits: Limits) -> LoadResult:
    suffix = f.suffix.lower()
    single = suffix in MARKDOWN | HTML | TEXT
    cap = limits.file_bytes
    if single:
        cap = min(cap, limits.document_chars * (_HTML_OVERHEAD if suffix in HTML else 4))
    try:
        size = f.stat().st_size
        if size > cap:
            setting = "SVAR_MAX_FILE_BYTES" if cap == limits.file_bytes else "SVAR_MAX_DOCUMENT_CHARS"
            reason = f"file is {size:,} bytes; the limit is {cap:,} (split it, or raise {setting})"
            return LoadResult(rejections=[Rejection(str(f), reason)])
        data = f.read_bytes()
    except OSError as exc:
        return LoadResult(rejections=[Rejection(str(f), f"cannot read: {exc.strerror}")])
    try:
        raw, bad_lines, warning = _decode(data, f, by_line=not single)
    except _NotText as exc:
        return LoadResult(rejections=[Rejection(str(f), str(exc))])
    default_id = _relative_id(f, root)
    flags = [_BAD_UTF8] if warning else []
    if single and suffix in MARKDOWN | TEXT and len(raw) > limits.document_chars:
        return LoadResult(rejections=[_too_long(str(f), len(raw), limits)])
    if suffix in MARKDOWN:
        loaded = _one(_markdown(raw, f, default_id, limits, flags))
    elif suffix in HTML:
        loaded = _one(_html(raw, f, default_id, limits, flags))
    elif suffix in TEXT:
        doc = Document(id=default_id, text=raw, title=f.stem, location=str(f))
        loaded = _one(_finish(doc, flags, limits))
    elif suffix in CSV:
        loaded = _records(_csv_rows(raw, limits), f, limits, bad_lines)
    else:
        loaded = _records(_jsonl_rows(raw, limits), f, limits, bad_lines)
    loaded.warnings.extend(warning)
    return loaded


def _decode(data: bytes, f: Path, *, by_line: bool) -> tuple[str, set[int], list[Rejection]]:
    """UTF-8 text (a BOM dropped); bad bytes become U+FFFD and are reported with their file or lines."""
    try:
        return data.decode("utf-8-sig"), set(), []
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode("utf-8-sig", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    if replaced > _BINARY_SHARE * max(1, len(text)):
        raise _NotText(f"not UTF-8 text ({replaced:,} invalid bytes, the first at byte {first})")
    note = "bytes that are not UTF-8 were replaced with U+FFFD (save the file as UTF-8)"
    if not by_line:
        return text, set(), [Rejection(str(f), f"{note}; the first at byte {first}")]
    bad: set[int] = set()
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            bad.add(number)
    return text, bad, [Rejection(f"{f}:{n}", note) for n in sorted(bad)]


def _too_long(where: str, chars: int, limits: Limits) -> Rejection:
    return Rejection(
        where,
        f"document is {chars:,} characters; the limit is {limits.document_chars:,} "
        "(split it, or raise SVAR_MAX_DOCUMENT_CHARS)",
    )


def _relative_id(f: Path, root: Path) -> str:
    """``f``'s path under ``root`` without its suffix (symlinks resolved if that is what relates them)."""
    for file, base in ((f.absolute(), root.absolute()), (f.resolve(), root.resolve())):
        try:
            return file.relative_to(base).with_suffix("").as_posix()
        except ValueError:
            continue
    return f.stem


def _one(doc: Document | Rejection) -> LoadResult:
    if isinstance(doc, Rejection):
        return LoadResult(rejections=[doc])
    return LoadResult(documents=[doc])


def _markdown(raw: str, f: Path, default_id: str, limits: Limits, flags: list[str]) -> Document | Rejection:
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        deep = too_deep(raw[: end if end > 0 else len(raw)], limits)
        if deep:
            return Rejection(str(f), f"invalid front matter: {deep}")
    try:
        post = frontmatter.loads(raw)
    except (yaml.YAMLError, ValueError) as exc:
        return Rejection(str(f), f"invalid front matter: {exc}")
    except RecursionError:
        return Rejection(str(f), "invalid front matter: nested too deeply to parse")
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
    return _finish(doc, flags, limits)


def _html(raw: str, f: Path, default_id: str, limits: Limits, flags: list[str]) -> Document | Rejection:
    if html_depth(raw, stop_at=limits.html_depth + 1) > limits.html_depth:
        return Rejection(str(f), f"HTML elements nested more than {limits.html_depth} levels deep")
    soup = BeautifulSoup(raw, "html.parser")
    flags = list(flags)
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
    return _finish(doc, [*flags, *visible.flags], limits, markup=False)


def _csv_rows(raw: str, limits: Limits) -> list[tuple[int, dict[str, Any] | str]]:
    """The rows of a CSV file, each with its first line; a cell over the limit rejects only its row.

    Python's ``csv`` has one process-wide cell limit: it is set to ours while this file is read.
    """
    previous = csv.field_size_limit(limits.csv_field_chars)
    try:
        return list(_csv_rows_within_limit(raw, limits))
    finally:
        csv.field_size_limit(previous)


def _csv_rows_within_limit(raw: str, limits: Limits) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.DictReader(raw.splitlines())
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        yield 1, f"unreadable CSV header: {exc}"
        return
    if not header:
        yield 1, "empty CSV file (expected a header with id,title,text or question,answer)"
        return
    fields = {h.strip().lower() for h in header if h}
    if not ({"text"} <= fields or {"question", "answer"} <= fields):
        yield 1, f"CSV header must have 'text' or 'question' and 'answer' columns; found {sorted(fields)}"
        return
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field limit" in reason:
                reason = (
                    f"a cell is longer than {limits.csv_field_chars:,} characters "
                    "(split it, or raise SVAR_MAX_CSV_FIELD_CHARS)"
                )
            yield line, f"unreadable CSV row: {reason}"
            continue
        if None in row:
            yield line, "more cells than header columns"
            continue
        yield line, {k.strip().lower(): (v or "") for k, v in row.items() if k}


def _jsonl_rows(raw: str, limits: Limits) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > limits.line_chars:
            yield (
                n,
                (
                    f"line is {len(line):,} characters; the limit is {limits.line_chars:,} "
                    "(SVAR_MAX_LINE_CHARS)"
                ),
            )
            continue
        deep = too_deep(line, limits)
        if deep:
            yield n, f"invalid JSON: {deep}"
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


def _records(
    rows: Iterable[tuple[int, dict[str, Any] | str]], f: Path, limits: Limits, bad_lines: set[int]
) -> LoadResult:
    result = LoadResult()
    for line, row in rows:
        where = f"{f}:{line}"
        if isinstance(row, str):
            result.rejections.append(Rejection(where, row))
            continue
        try:
            doc = _record(row, f, where, limits, [_BAD_UTF8] if line in bad_lines else [])
        except RecursionError:
            doc = Rejection(where, "nested too deeply to parse")
        except Exception as exc:
            log.exception("could not load %s", where)
            doc = Rejection(where, f"could not be loaded ({type(exc).__name__}: {exc})")
        if isinstance(doc, Rejection):
            result.rejections.append(doc)
        else:
            result.documents.append(doc)
    return result


def _record(
    row: dict[str, Any], f: Path, where: str, limits: Limits, flags: list[str]
) -> Document | Rejection:
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
    return _finish(doc, flags, limits)


def _finish(doc: Document, flags: list[str], limits: Limits, *, markup: bool = True) -> Document | Rejection:
    if len(doc.text) > limits.document_chars:
        return _too_long(doc.location, len(doc.text), limits)
    headings = sum(1 for _ in _MD_HEADING.finditer(doc.text))
    if headings > limits.headings:
        return Rejection(
            doc.location,
            f"document has {headings:,} headings; the limit is {limits.headings:,} "
            "(split it, or raise SVAR_MAX_HEADINGS)",
        )
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
