"""Shared CLI plumbing: settings, the runtime, consoles, progress bars, error handling and common options.

This module is imported by ``svar --help``, so it imports only ``typer`` and the standard library at the top;
rich, pydantic, the settings and the stores are imported inside the functions that use them.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.orm import Session, sessionmaker

    from assistant.runtime import Runtime
    from assistant.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

#: Exit status of `svar ingest history` when valid events were imported but some lines were rejected.
EXIT_PARTIAL = 3

WorkspaceOpt = Annotated[
    str | None,
    typer.Option(
        "--workspace",
        "-w",
        metavar="NAME",
        help="Workspace to act on (default: 'default', or $SVAR_WORKSPACE).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def show_help(ctx: typer.Context, _param: Any, value: bool) -> None:
    """Callback of a group's own ``--help`` flag."""
    if value and not ctx.resilient_parsing:
        typer.echo(ctx.get_help())
        raise typer.Exit()


#: A group's ``--help``, declared as a plain flag. Typer's built-in help option on a group is coerced through
#: pydantic on every call (its value is None when absent), which costs most of a second of start-up.
HelpOpt = Annotated[
    bool,
    typer.Option(
        "--help",
        "-h",
        is_eager=True,
        callback=show_help,
        expose_value=False,
        help="Show this message and exit.",
    ),
]


def group(help: str) -> typer.Typer:
    """A command group that shows its help (exit 0) when called without a subcommand."""
    app = typer.Typer(help=help, rich_markup_mode=None, pretty_exceptions_enable=False, add_help_option=False)

    @app.callback(invoke_without_command=True)
    def _help(ctx: typer.Context, _show_help: HelpOpt = False) -> None:
        if ctx.invoked_subcommand is None:
            typer.echo(ctx.get_help())
            raise typer.Exit()

    return app


@functools.cache
def out() -> Console:
    """The console for results (stdout)."""
    from rich.console import Console

    return Console()


@functools.cache
def err() -> Console:
    """The console for progress, warnings and errors (stderr)."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True)


def esc(value: object) -> str:
    """``value`` as text that rich prints literally (``[/]`` in data must not be read as markup)."""
    from rich.markup import escape

    return escape(str(value))


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise."""
    err().print(f"[red]error:[/] {message}")
    return typer.Exit(code)


def settings_for(workspace: str | None = None, home: Path | None = None) -> Settings:
    """Settings from the environment with the CLI's overrides; a bad value exits 2."""
    from pydantic import ValidationError

    from assistant.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"invalid setting SVAR_{str(first['loc'][0]).upper()}: {esc(first['msg'])}") from exc
    updates: dict[str, Any] = {}
    if workspace:
        updates["workspace"] = workspace
    if home:
        updates["home"] = home
    return settings.model_copy(update=updates) if updates else settings


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into a one-line message and exit code 2 (bad input) or 1 (backend failure)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from knowledge.errors import BackendError, UserError

        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise fail(esc(exc)) from exc
        except BackendError as exc:
            err().print(f"[red]backend error:[/] {esc(exc)}")
            raise typer.Exit(1) from exc

    return wrapper


@contextmanager
def runtime(settings: Settings) -> Iterator[Runtime]:
    """The stores and the embedder for one command, closed when it ends."""
    from assistant.runtime import build_runtime

    rt = build_runtime(settings)
    try:
        yield rt
    finally:
        rt.close()


def require_workspace(sessions: sessionmaker[Session], workspace: str) -> None:
    """Refuse a reading command on a workspace that does not exist, naming the ones that do.

    Raises:
        InputError: no workspace called ``workspace`` (it is never created by a reading command).
    """
    from knowledge.workspaces import require_workspace as _require

    with sessions() as session:
        _require(session, workspace)


def read_text_arg(value: str | None, file: Path | None, what: str = "message") -> str:
    """The text of a ``MESSAGE`` argument: itself, stdin when it is ``-``, or the file given with ``--file``.

    Raises:
        InputError: both or neither given, an unreadable file, or empty text.
    """
    from knowledge.errors import InputError

    if value is not None and file is not None:
        raise InputError(f"give the {what} as an argument or with --file, not both")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise InputError("no such file", source=str(file)) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read it as UTF-8 text: {exc}", source=str(file)) from exc
    elif value == "-":
        text = sys.stdin.read()
    elif value is not None:
        text = value
    else:
        raise InputError(f"no {what}: pass it as an argument, '-' to read stdin, or --file PATH")
    if not text.strip():
        raise InputError(f"the {what} is empty")
    return text.strip()


def read_yaml_file(path: Path, what: str, expected: str) -> Any:
    """Read a YAML file for an import command (``svar fields import``, ``svar macros import``).

    Every import reads its file here, so a bad one fails the same way before anything is opened or
    written: exit 2 and a message that says what to fix (the file is missing or a folder, not UTF-8, not
    YAML (with the line and column), or empty).

    Args:
        path: the file the user named.
        what: what the file holds, for the messages ("fields", "macros").
        expected: what the file should contain, shown when it is empty ("a 'fields:' list (docs/fields.md)").

    Returns:
        The parsed document, for the command's own validation.

    Raises:
        InputError: the file cannot be read as YAML, or holds nothing.
    """
    import yaml

    from knowledge.errors import InputError

    source = str(path)
    if path.is_dir():
        raise InputError(f"is a folder; pass the {what} YAML file", source=source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"file not found; pass the path of the {what} YAML file", source=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8", source=source) from None
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror or exc}", source=source) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"not valid YAML{where}: {problem}; fix the syntax there", source=source) from None
    if data is None:
        raise InputError(f"the file is empty; it should hold {expected}", source=source)
    return data


class RichProgress:
    """A rich progress bar per phase (on stderr, so --json output stays clean).

    When stderr is not a terminal (piped, redirected to a log), a live bar would leave a blank line per
    phase; each phase then prints one plain line when it starts ("Embedding chunks: 0/223 …") and one when
    it ends ("Embedding chunks: 223/223 in 4.1 s") instead.
    """

    def __init__(self, *, live: bool | None = None) -> None:
        self._live = sys.stderr.isatty() if live is None else live
        self._progress: Any = None
        self._task: Any = None
        self._plain: list[Any] | None = None  # [description, done, total, started] without a live bar

    def start(self, description: str, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.finish()
        if total <= 0:
            return
        if not self._live:
            self._plain = [description, 0, total, time.monotonic()]
            err().print(f"{esc(description)}: 0/{total} …")  # a log shows what a long phase is doing
            return
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err(),
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(description, total=total)

    def advance(self, n: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)
        elif self._plain is not None:
            self._plain[1] += n

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        if self._plain is not None:
            description, done, total, started = self._plain
            self._plain = None
            err().print(f"{esc(description)}: {done}/{total} in {time.monotonic() - started:.1f} s")
