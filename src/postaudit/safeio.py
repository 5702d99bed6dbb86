"""Bounded reads of input files and safe writes of output files.

Inputs (baselines, `merge` inputs, `--resume` files, config files) are read with a
size cap: a regular file over the cap is refused before a byte is read, anything else
(a pipe, a device) is read in chunks and refused as soon as it passes the cap or turns
out to hold NUL bytes (so `--baseline /dev/zero` ends at once). The caps are
`MAX_REPORT_BYTES` and `MAX_CONFIG_BYTES`, overridable with the environment variables
`POSTAUDIT_MAX_REPORT_BYTES` and `POSTAUDIT_MAX_CONFIG_BYTES` (bytes).

Outputs are written to a temporary file beside the target, flushed, fsynced and moved
into place with `os.replace`, so a full disk or a crash mid-write leaves the old file
whole. A target that exists and is not a regular file (`/dev/stdout`, a FIFO) is
written directly; a symlink is followed (its target is replaced, not the link).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

#: Baselines, merge inputs, --resume files: a JSON report takes 18.2 KB a page on the
#: light benchmark blog (5,456,650 bytes for 300 pages) and up to 23 KB on heavier
#: pages, so a 50,000-page site is 0.9-1.15 GB; 2 GiB leaves 1.8x headroom over that
#: (about 93,000 pages at 23 KB).
MAX_REPORT_BYTES = 2 * 2**30
#: Config files (postaudit.toml, pyproject.toml).
MAX_CONFIG_BYTES = 2**20

_CHUNK = 2**20
#: `iter_text_bounded`'s chunks: with 1 MiB chunks, the strings the streamed report
#: reader joins and slices left glibc's heap fragmented (peak RSS 113 MB reading 5,000
#: pages whose Python objects peaked at 8 MB); at 64 KiB it stays at 45 MB.
_STREAM_CHUNK = 2**16


class InputError(ValueError):
    """An input file that cannot be read within its cap (one line, exit code 2)."""


class WriteError(ValueError):
    """An output that cannot be written (one line)."""


def cap_from_env(name: str, default: int, env: Mapping[str, str] | None = None) -> int:
    """`default`, or the positive byte count in the environment variable `name`."""
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise InputError(f"{name}={raw!r}: expected a number of bytes") from None
    if value <= 0:
        raise InputError(f"{name}={raw!r}: expected a positive number of bytes")
    return value


#: kind of input -> (environment variable, default cap)
CAPS = {
    "report": ("POSTAUDIT_MAX_REPORT_BYTES", MAX_REPORT_BYTES),
    "config": ("POSTAUDIT_MAX_CONFIG_BYTES", MAX_CONFIG_BYTES),
}


def describe_bytes(n: int) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def read_bounded(path: str | Path, what: str, kind: str = "report") -> bytes:
    """The bytes of `path`, at most the cap of `kind` ("report" or "config"). Raises
    `InputError` (naming `what`, e.g. "baseline 'b.json'") past the cap or on NUL
    bytes, and lets `OSError` (FileNotFoundError included) through for the caller."""
    name, default = CAPS[kind]
    cap = cap_from_env(name, default)
    too_big = f"{what} is larger than the {describe_bytes(cap)} cap (raise it with {name})"
    with open(path, "rb") as fh:
        info = os.fstat(fh.fileno())
        if _is_regular(info.st_mode) and info.st_size > cap:
            raise InputError(too_big)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = fh.read(min(_CHUNK, cap + 1 - total))
            if not chunk:
                break
            if b"\x00" in chunk:
                raise InputError(f"{what} is not text (it holds NUL bytes)")
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise InputError(too_big)
    return b"".join(chunks)


def iter_text_bounded(path: str | Path, what: str, kind: str = "report") -> Iterator[str]:
    """The text of `path` in chunks (about 64 KiB), with the checks of `read_bounded`:
    `InputError` as soon as the cap is passed or a NUL byte is met; `UnicodeDecodeError`
    and `OSError` pass through. Memory stays at one chunk, whatever the file's size."""
    import codecs

    name, default = CAPS[kind]
    cap = cap_from_env(name, default)
    too_big = f"{what} is larger than the {describe_bytes(cap)} cap (raise it with {name})"
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        info = os.fstat(fh.fileno())
        if _is_regular(info.st_mode) and info.st_size > cap:
            raise InputError(too_big)
        total = 0
        while True:
            chunk = fh.read(min(_STREAM_CHUNK, cap + 1 - total))
            if not chunk:
                break
            if b"\x00" in chunk:
                raise InputError(f"{what} is not text (it holds NUL bytes)")
            total += len(chunk)
            if total > cap:
                raise InputError(too_big)
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)


def read_text_bounded(path: str | Path, what: str, kind: str = "report") -> str:
    """`read_bounded` decoded as UTF-8 (`UnicodeDecodeError` passes through)."""
    return read_bounded(path, what, kind).decode("utf-8")


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


def _file_mode(existing: Path) -> int:
    """The mode the new file gets: the old file's, else what `open()` would give."""
    try:
        return existing.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


class PendingFile:
    """A text stream to a temporary file beside `path` (or to `path` itself when that
    is a device or a FIFO); `commit` flushes, fsyncs and moves it into place,
    `discard` removes it. `OSError` passes through."""

    def __init__(self, path: str | Path) -> None:
        target = Path(path)
        if target.is_symlink():
            target = Path(os.path.realpath(target))
        self.target = target
        self.temporary: str | None = None
        if target.exists() and not target.is_file():  # a device or a FIFO: no rename
            self.stream: TextIO = open(target, "w", encoding="utf-8")  # noqa: SIM115
            return
        folder = target.parent if str(target.parent) else Path(".")
        fd, self.temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        self.stream = os.fdopen(fd, "w", encoding="utf-8")

    def commit(self) -> None:
        if self.stream.closed:
            return
        try:
            self.stream.flush()
            if self.temporary is not None:
                os.fsync(self.stream.fileno())
            self.stream.close()
            if self.temporary is not None:
                os.chmod(self.temporary, _file_mode(self.target))
                os.replace(self.temporary, self.target)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)


@contextlib.contextmanager
def atomic_text(path: str | Path) -> Iterator[TextIO]:
    """An open text stream whose content replaces `path` when the block ends without an
    error (temporary file beside it, fsync, `os.replace`); on an error the temporary
    file is removed and `path` is left as it was. `OSError` passes through."""
    pending = PendingFile(path)
    try:
        yield pending.stream
    except BaseException:
        pending.discard()
        raise
    pending.commit()


def write_text_atomic(path: str | Path, text: str) -> None:
    """`text` as the new content of `path` (see `atomic_text`); `OSError` passes."""
    with atomic_text(path) as fh:
        fh.write(text)


def silence_stdout() -> None:
    """Point stdout (fd 1) at /dev/null after it failed (full, or a closed pipe), so
    that Python's own flush at exit does not fail again with a traceback."""
    import sys

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def write_error(path: str, exc: OSError) -> str:
    """'cannot write PATH: REASON' for an OSError met while writing `path`."""
    return f"cannot write {path}: {exc.strerror or exc}"


__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_REPORT_BYTES",
    "InputError",
    "PendingFile",
    "WriteError",
    "atomic_text",
    "cap_from_env",
    "iter_text_bounded",
    "read_bounded",
    "read_text_bounded",
    "silence_stdout",
    "write_error",
    "write_text_atomic",
]
