"""``accord trace-leak`` and ``accord leak``: fingerprinted copies of a draft, and tracing.

Inputs:

- a draft file, JSON ``{"draft_id": ..., "points": [{"id": ..., "text": ...}],
  "recipients": [...]}`` (what the mediation service exports);
- a key file: the room secret, either hex text (at least 32 hex digits) or raw bytes (at
  least 16); ``accord leak keygen`` writes a fresh one.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from accord.cli.common import console, emit_json, err_console, guarded
from accord.leaks import Draft, LeakError, TraceResult, analyse, render, trace
from accord.leaks.codes import format_p
from accord.leaks.draft import MIN_KEY_BYTES, check_recipients
from accord.model.errors import FileFormatError

#: Largest input file read, in bytes (a draft or a leaked text is a few kilobytes).
MAX_BYTES = 8 * 1024 * 1024

leak = typer.Typer(help="Per-recipient fingerprinted copies of a draft, and leak tracing.",
                   no_args_is_help=True)

DraftOpt = Annotated[str, typer.Option(
    "--draft", "-d", help="Draft JSON: {draft_id, points: [{id, text}], recipients: [...]}.")]
KeyOpt = Annotated[str, typer.Option(
    "--key-file", "-k", help="Room secret: hex text (>= 32 hex digits) or raw bytes (>= 16).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]


def register(app: typer.Typer) -> None:
    """Add ``accord trace-leak`` and ``accord leak`` to ``app``."""
    app.command("trace-leak")(trace_leak)
    app.add_typer(leak, name="leak")


# --- input ----------------------------------------------------------------------------


def read_bytes(path: str) -> bytes:
    """A file's bytes (``-`` for stdin), with file errors as :class:`FileFormatError`."""
    if path == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1)[:MAX_BYTES]
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise FileFormatError(path, f"file is larger than {MAX_BYTES} bytes")
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise FileFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise FileFormatError(path, "is a directory, not a file") from None
    except OSError as err:
        raise FileFormatError(path, f"cannot read the file ({err.strerror or err})") from None


def read_text(path: str) -> str:
    """A UTF-8 text file (``-`` for stdin); a leading byte-order mark is dropped."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FileFormatError(path, f"not UTF-8 text ({err.reason} at byte {err.start})"
                              ) from None


def load_draft(path: str) -> Draft:
    """The draft JSON file."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise FileFormatError(path, f"JSON syntax error: {err.msg}", line=err.lineno) from None
    try:
        return Draft.from_dict(data)
    except LeakError as err:
        raise FileFormatError(path, str(err)) from None


def load_key(path: str) -> bytes:
    """The room secret: hex text if the file is hex, else its raw bytes."""
    raw = read_bytes(path)
    stripped = raw.strip()
    try:
        text = stripped.decode("ascii")
        if len(text) >= 2 * MIN_KEY_BYTES and len(text) % 2 == 0:
            return bytes.fromhex(text)
    except (UnicodeDecodeError, ValueError):
        pass
    if len(raw) < MIN_KEY_BYTES:
        raise FileFormatError(path, f"a key needs at least {MIN_KEY_BYTES} bytes "
                                    f"({2 * MIN_KEY_BYTES} hex digits)")
    return raw


def pick_recipients(draft: Draft, option: str | None) -> list[str]:
    """``--recipients a,b,c`` if given, else the draft file's list."""
    if option is not None:
        people = [r.strip() for r in option.split(",") if r.strip()]
    else:
        people = list(draft.recipients)
    if not people:
        raise LeakError("no recipients: pass --recipients a,b,c or list them in the draft file")
    return list(check_recipients(people))


# --- commands ---------------------------------------------------------------------------


@guarded
def trace_leak(
    file: Annotated[str, typer.Argument(help="The leaked text (plain text, UTF-8; - for stdin).")],
    draft: DraftOpt,
    key_file: KeyOpt,
    recipients: Annotated[str | None, typer.Option(
        "--recipients", "-r", help="Comma-separated recipient ids (default: the draft's).")]
    = None,
    alpha: Annotated[float, typer.Option(
        help="Family-wise bound on naming an innocent recipient.")] = 1e-6,
    top: Annotated[int, typer.Option(help="Rows in the table.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Name the recipient(s) whose copy a leaked text came from, with a confidence."""
    leaked = read_text(file)
    d = load_draft(draft)
    key = load_key(key_file)
    people = pick_recipients(d, recipients)
    if not 0 < alpha < 1:
        raise LeakError("--alpha must be between 0 and 1")
    result = trace(leaked, key, d.draft_id, people, d, alpha=alpha)
    if as_json:
        emit_json(result.to_dict())
        return
    _print_trace(result, max(1, top))


def _print_trace(result: TraceResult, top: int) -> None:
    table = Table("recipient", "agree / bits", "invisible", "wording", "p (chance)", "named",
                  title="Leak trace (p: chance an unrelated copy agrees this well)")
    for s in result.scores[:top]:
        table.add_row(s.recipient, f"{s.agree}/{s.bits}",
                      f"{s.zero_width_agree}/{s.zero_width_bits}",
                      f"{s.linguistic_agree}/{s.linguistic_bits}", format_p(s.log10_p),
                      f"yes ({s.test}, confidence {_fmt_conf(s.adjusted_p)})" if s.named
                      else "")
    console.print(table)
    console.print(f"evidence: {result.frames} invisible frames ({result.zero_width_bits} bits), "
                  f"{result.linguistic_bits} of {result.sites_in_draft} wording sites; "
                  f"points seen: {', '.join(result.points_seen) or 'none'}",
                  highlight=False)
    colour = "green" if result.verdict != "no_match" else "yellow"
    console.print(f"[{colour}]{result.message}[/{colour}]", highlight=False)


def _fmt_conf(adjusted_p: float) -> str:
    if adjusted_p <= 0 or adjusted_p < 1e-12:
        return "> 1 - 1e-12"
    return f"1 - {adjusted_p:.1e}"


@leak.command("trace")
@guarded
def trace_alias(
    file: Annotated[str, typer.Argument(help="The leaked text (plain text, UTF-8; - for stdin).")],
    draft: DraftOpt,
    key_file: KeyOpt,
    recipients: Annotated[str | None, typer.Option(
        "--recipients", "-r", help="Comma-separated recipient ids (default: the draft's).")]
    = None,
    as_json: JsonOpt = False,
) -> None:
    """Same as ``accord trace-leak``."""
    trace_leak(file, draft, key_file, recipients, 1e-6, 10, as_json)


@leak.command("render")
@guarded
def render_cmd(
    draft: DraftOpt,
    key_file: KeyOpt,
    recipient: Annotated[str, typer.Option("--recipient", "-r", help="Who the copy is for.")],
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write here, not stdout.")]
    = None,
    zero_width: Annotated[bool, typer.Option(
        "--zero-width/--no-zero-width", help="Embed the invisible frames.")] = True,
) -> None:
    """Print a recipient's fingerprinted copy of the draft (plain text, UTF-8)."""
    d = load_draft(draft)
    key = load_key(key_file)
    if d.recipients and recipient not in d.recipients:
        err_console.print(f"note: {recipient!r} is not among the draft's recipients")
    text = render(d, key, d.draft_id, recipient, zero_width=zero_width)
    if out is None:
        sys.stdout.write(text + "\n")
        return
    try:
        Path(out).write_text(text + "\n", encoding="utf-8")
    except OSError as err:
        raise FileFormatError(out, f"cannot write the file ({err.strerror or err})") from None
    err_console.print(f"wrote {out}")


@leak.command("capacity")
@guarded
def capacity_cmd(draft: DraftOpt, as_json: JsonOpt = False) -> None:
    """How many fingerprint bits each point of a draft carries, and where."""
    d = load_draft(draft)
    rows = analyse(d).capacity()
    if as_json:
        emit_json({"draft_id": d.draft_id, "points": rows,
                   "linguistic_bits": sum(r["linguistic_bits"] for r in rows),
                   "zero_width_bits": sum(r["zero_width_bits"] for r in rows)})
        return
    table = Table("point", "wording bits", "invisible frames", "invisible bits", "sites",
                  title=f"Fingerprint capacity of {d.draft_id}")
    for r in rows:
        table.add_row(r["point"], str(r["linguistic_bits"]), str(r["frames"]),
                      str(r["zero_width_bits"]), ", ".join(r["sites"]))
    table.add_row("[bold]total[/bold]", str(sum(r["linguistic_bits"] for r in rows)), "",
                  str(sum(r["zero_width_bits"] for r in rows)), "")
    console.print(table)


@leak.command("keygen")
@guarded
def keygen_cmd(
    path: Annotated[str, typer.Argument(help="Where to write the new key (hex).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]
    = False,
) -> None:
    """Write a fresh 256-bit room secret as hex, readable only by you."""
    target = Path(path)
    if target.exists() and not force:
        raise LeakError(f"{path} exists; pass --force to overwrite it")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    except OSError as err:
        raise FileFormatError(path, f"cannot write the file ({err.strerror or err})") from None
    err_console.print(f"wrote a new key to {path}")
