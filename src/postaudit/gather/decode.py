"""Response bodies, bytes to text (pure, no I/O): content codings, charsets, sniffing.

`Inflater` undoes a Content-Encoding stack (gzip, deflate, br, zstd) in bounded steps, so
the fetcher's size cap stops a decompression bomb; `decodable_codings` is what the
client may offer. `decode_html` turns the body into text the way browsers do: BOM, then
the HTTP charset, then a `<meta>` declaration, then utf-8 if it decodes, else
windows-1252. `binary_body` and `sniff_not_html` tell a body that is certainly not HTML
(a PDF, an image, binary data) from its first KB; `media_type` and `wide_charset` read
the Content-Type header.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator
from typing import Any, Final

# --------------------------------------------------------------------------- charsets

HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
_META_SCAN_BYTES: Final = 4096
SNIFF_BYTES: Final = 1024

#: Labels browsers decode differently from their literal meaning (WHATWG Encoding).
_WHATWG_ALIASES: Final = {
    "ascii": "windows-1252",
    "latin-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "iso8859-9": "windows-1254",
    "iso8859-11": "windows-874",
    "tis-620": "windows-874",
    "gb2312": "gbk",
    "euc_kr": "cp949",
    "x-user-defined": "windows-1252",
}

_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before utf-16-le: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


#: Python codecs that are not web encodings (or are not text encodings at all).
_NOT_WEB_CODECS: Final = frozenset(
    {"utf-7", "idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"}
)


def _canonical_encoding(label: str | None) -> str | None:
    """A usable, browser-compatible encoding name for a declared label, or None."""
    if not label:
        return None
    label = label.strip().strip("\"'").strip().lower()
    if label == "x-user-defined":
        return "windows-1252"
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError, TypeError):
        return None
    name = info.name
    if name.replace("_", "-") in _NOT_WEB_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    if name in _WHATWG_ALIASES:
        return _WHATWG_ALIASES[name]
    if name.startswith("cp125"):
        return "windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "iso-" + name[3:]
    return name


def _decode(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding, errors="replace")
    except Exception:  # an exotic codec misbehaving: fall through to the next step
        return None


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def wide_charset(content_type: str | None) -> bool:
    """Does the HTTP charset say UTF-16/UTF-32 (text full of NUL bytes)?"""
    encoding = _canonical_encoding(_charset_param(content_type)) or ""
    return encoding.startswith(("utf-16", "utf-32"))


def media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    return media or None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str, str]:
    """Decode an HTML body as a browser would; return (text, encoding, source).

    Order: byte-order mark ("bom"), the charset of `content_type` ("http"), a `<meta>`
    charset in the first 4 KB ("meta"), then detection: utf-8 if the bytes decode
    strictly, else windows-1252 ("detected"). latin-1/iso-8859-1/ascii mean
    windows-1252, as in browsers. Unknown names fall through. Never raises.
    """
    for bom, bom_encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_encoding, errors="replace"), bom_encoding, "bom"

    http_encoding = _canonical_encoding(_charset_param(content_type))
    if http_encoding is not None:
        text = _decode(body, http_encoding)
        if text is not None:
            return text, http_encoding, "http"

    from bs4.dammit import EncodingDetector  # deferred: bs4 is costly to import

    declared = EncodingDetector.find_declared_encoding(
        body[:_META_SCAN_BYTES], is_html=True, search_entire_document=True
    )
    meta_encoding = _canonical_encoding(declared)
    if meta_encoding is not None:
        if meta_encoding.startswith(("utf-16", "utf-32")):
            meta_encoding = "utf-8"  # a meta readable as ASCII cannot be utf-16 (WHATWG)
        text = _decode(body, meta_encoding)
        if text is not None:
            return text, meta_encoding, "meta"

    try:
        return body.decode("utf-8"), "utf-8", "detected"
    except UnicodeDecodeError:
        return body.decode("windows-1252", errors="replace"), "windows-1252", "detected"


# --------------------------------------------------------------------------- sniffing

#: File signatures of bodies that are certainly not HTML (WHATWG MIME Sniffing).
_SIGNATURES: Final = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b\x08", "gzip data"),
    (b"\x7fELF", "an executable"),
)
#: WHATWG's "binary data bytes": control bytes that never appear in text.
_BINARY_BYTES: Final = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
#: Share of binary data bytes in the first KB above which an HTML-typed body is binary:
#: random bytes have about 10%; a page with a few stray NUL bytes is still a page.
_BINARY_SHARE: Final = 0.05


def binary_body(head: bytes) -> str | None:
    """What a body declared as HTML really is when it is binary ("a PNG image",
    "binary data"), from its first KB; None when it may be text. Bodies in UTF-16 or
    UTF-32 (BOM) are text."""
    head = head[:SNIFF_BYTES]
    if head.startswith(tuple(bom for bom, _ in _BOMS)):
        return None
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    if head and len(head.translate(None, delete=_TEXT_BYTES)) > _BINARY_SHARE * len(head):
        return "binary data"
    return None


_TEXT_BYTES: Final = bytes(b for b in range(256) if b not in _BINARY_BYTES)


def sniff_not_html(head: bytes) -> str | None:
    """Why a body without content type is not HTML, or None if it may be."""
    if head.lstrip().startswith(b"%PDF"):
        return "no content type and the body is a PDF"
    if b"\x00" in head[:SNIFF_BYTES]:
        return "no content type and the body is binary"
    return None


# --------------------------------------------------------------------------- content coding

#: Most bytes one inflate step may produce: what a gzip bomb can cost beyond the cap.
INFLATE_STEP: Final = 64 * 1024


def _brotli_decompressor() -> Any:
    """A brotli decompressor that can cap its output per call (brotli 1.2+), or None."""
    try:
        import brotli
    except ImportError:
        return None
    stage = brotli.Decompressor()
    try:
        stage.process(b"", output_buffer_limit=INFLATE_STEP)
    except TypeError:  # brotli < 1.2: no output limit, so no bounded decoding
        return None
    return stage


def _zstd_decompressor() -> Any:
    try:
        import zstandard
    except ImportError:
        return None
    return zstandard.ZstdDecompressor().decompressobj()


def decodable_codings() -> tuple[str, ...]:
    """The content codings `Inflater` undoes in bounded steps here: gzip and deflate
    always, br with brotli 1.2+ installed, zstd with zstandard installed. This is the
    Accept-Encoding the client offers (httpx would offer br and zstd whenever the
    packages are importable, whatever postaudit decodes)."""
    codings = ["gzip", "deflate"]
    if _brotli_decompressor() is not None:
        codings.append("br")
    if _zstd_decompressor() is not None:
        codings.append("zstd")
    return tuple(codings)


#: Input bytes given to the zstd decoder per call. zstandard's decompressobj has no
#: output limit, and a zstd block of 4 bytes can stand for 128 KB, so 64 input bytes
#: produce at most about 2 MB.
_ZSTD_SLICE: Final = 64


class Inflater:
    """Undo a response's Content-Encoding (gzip, x-gzip, deflate, br, zstd, in any
    stack) in bounded steps: each `feed`/`finish` yields pieces of at most
    `INFLATE_STEP` bytes (zstd: of at most about 2 MB), so the caller's size cap stops
    a decompression bomb (even a gzip of a gzip) after at most the cap plus one step per
    stage. httpx's own decoders inflate a whole network chunk at once (a 64 KB chunk of
    zeros is 64 MB), which is why the body is read raw. br and zstd need their packages
    (see `decodable_codings`); codings that cannot be undone are passed through, as
    httpx does. Raises `DecodeError`.
    """

    def __init__(self, codings: list[str]) -> None:
        self._stages: list[tuple[str, Any]] = []
        for coding in reversed(codings):  # the last coding applied is undone first
            name = coding.strip().lower()
            stage: Any = None
            if name in ("gzip", "x-gzip"):
                stage = zlib.decompressobj(16 + zlib.MAX_WBITS)
            elif name == "deflate":
                stage = zlib.decompressobj()
            elif name == "br":
                stage = _brotli_decompressor()
            elif name == "zstd":
                stage = _zstd_decompressor()
            if stage is not None:
                self._stages.append((name, stage))
        self._started = [False] * len(self._stages)

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from self._run(0, data)
        except DecodeError:
            raise
        except Exception as exc:  # zlib.error, brotli.error, zstandard.ZstdError
            raise DecodeError(str(exc) or type(exc).__name__) from None

    def finish(self) -> Iterator[bytes]:
        try:
            for i in range(len(self._stages)):
                yield from self._drain(i)
        except DecodeError:
            raise
        except Exception as exc:
            raise DecodeError(str(exc) or type(exc).__name__) from None

    def _drain(self, i: int) -> Iterator[bytes]:
        """Output still held by stage `i` once its input has ended."""
        name, stage = self._stages[i]
        if name == "br":
            if self._started[i] and not stage.is_finished():
                raise DecodeError("brotli stream is truncated")
            return
        if name == "zstd":
            if self._started[i] and not stage.eof:
                raise DecodeError("zstd stream is truncated")
            return
        while True:
            out = stage.decompress(b"", INFLATE_STEP)
            if not out:
                break
            yield from self._run(i + 1, out)
        rest = stage.flush()
        if rest:
            yield from self._run(i + 1, rest)

    def _run(self, i: int, data: bytes) -> Iterator[bytes]:
        if i == len(self._stages):
            if data:
                yield data
            return
        name, stage = self._stages[i]
        if not self._started[i] and data:
            self._started[i] = True
            if name == "deflate" and not _zlib_header(data):
                # "deflate" is often raw DEFLATE without the zlib wrapper (as in httpx)
                stage = zlib.decompressobj(-zlib.MAX_WBITS)
                self._stages[i] = (name, stage)
        if name == "br":
            yield from self._run_brotli(i, stage, data)
            return
        if name == "zstd":
            for start in range(0, len(data), _ZSTD_SLICE):
                if stage.eof:
                    break
                out = stage.decompress(data[start : start + _ZSTD_SLICE])
                if out:
                    yield from self._run(i + 1, out)
            return
        pending = data
        while pending and not stage.eof:
            out = stage.decompress(pending, INFLATE_STEP)
            pending = stage.unconsumed_tail
            if out:
                yield from self._run(i + 1, out)
            while len(out) == INFLATE_STEP and not pending and not stage.eof:
                out = stage.decompress(b"", INFLATE_STEP)  # output held back by the step
                if out:
                    yield from self._run(i + 1, out)

    def _run_brotli(self, i: int, stage: Any, data: bytes) -> Iterator[bytes]:
        # brotli keeps the input it has not decoded yet: empty calls go on decoding it,
        # at most INFLATE_STEP bytes each, until it has nothing more to give
        # (the limit is where brotli stops growing its buffer, so a call may return up
        # to about 1.5 steps: cut into steps like the other codings)
        out = stage.process(data, output_buffer_limit=INFLATE_STEP)
        while out:
            for start in range(0, len(out), INFLATE_STEP):
                yield from self._run(i + 1, out[start : start + INFLATE_STEP])
            if stage.is_finished():
                return
            out = stage.process(b"", output_buffer_limit=INFLATE_STEP)


class DecodeError(Exception):
    """A body that does not decode as its Content-Encoding says."""


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
