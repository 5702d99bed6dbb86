"""Targets -> what to audit: URLs, HTML files, folders of built pages, stdin."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit


class TargetError(ValueError):
    """A target that cannot be audited at all (usage error, exit 2)."""


@dataclass(frozen=True, slots=True)
class Target:
    kind: Literal["url", "file", "stdin"]
    ref: str  # the URL, the file path, or "-"
    root: str | None = None  # files found in a folder argument: that folder (links resolve in it)

    @property
    def display(self) -> str:
        """The page id in reports: the URL, the path as given (posix), or "stdin"."""
        if self.kind == "stdin":
            return "stdin"
        return self.ref

    @property
    def base_url(self) -> str:
        """The URL relative links resolve against."""
        if self.kind == "file":
            return Path(self.ref).resolve().as_uri()
        if self.kind == "stdin":
            return "stdin:"
        return self.ref


def expand(args: Sequence[str]) -> list[Target]:
    """Expand command-line targets. A folder yields every *.html / *.htm below it, sorted."""
    out: list[Target] = []
    seen: set[tuple[str, str]] = set()
    stdin_used = False
    for arg in args:
        if arg == "-":
            if stdin_used:
                raise TargetError("'-' (stdin) can be given only once")
            stdin_used = True
            out.append(Target("stdin", "-"))
            continue
        scheme = urlsplit(arg).scheme.lower()
        if scheme in ("http", "https"):
            if not urlsplit(arg).netloc:
                raise TargetError(f"{arg!r} is not a valid URL (no host)")
            found = [Target("url", arg)]
        elif len(scheme) > 1 and "://" in arg:
            raise TargetError(
                f"{arg!r}: only http and https URLs, files, folders and '-' can be audited"
            )
        else:
            found = _paths(arg)
        for t in found:
            if (t.kind, t.ref) not in seen:
                seen.add((t.kind, t.ref))
                out.append(t)
    if not out:
        raise TargetError("no targets given")
    return out


def _paths(arg: str) -> list[Target]:
    path = Path(arg)
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file()
        )
        if not files:
            raise TargetError(f"folder {arg!r} holds no .html files")
        return [Target("file", _posix(p), _posix(path)) for p in files]
    if path.is_file():
        return [Target("file", _posix(path))]
    if path.exists():
        raise TargetError(f"{arg!r} is not a regular file or folder")
    raise TargetError(f"{arg!r}: no such file, folder or URL")


def _posix(path: Path) -> str:
    text = path.as_posix()
    return text[2:] if text.startswith("./") else text


def read_file(target: Target, max_bytes: int) -> bytes:
    """Read a file target; OSError and oversize are raised for the runner to report."""
    size = os.path.getsize(target.ref)
    if size > max_bytes:
        raise OverflowError(f"file is {size:,} bytes, over the {max_bytes:,} byte limit")
    with open(target.ref, "rb") as fh:
        return fh.read()
