"""The one retry/backoff policy of every request postaudit repeats.

Page fetches (`Fetcher.fetch_page`), link checks and the sitemap batch retry the same
answers the same way:

- retryable are a 429 or 503 status, and a connection error or timeout without any
  answer (`is_retryable`);
- the wait before attempt N+1 is the `Retry-After` of a 429/503 (seconds or an HTTP
  date) when it has one, else `backoff` doubling with each attempt (`backoff_delay`),
  never longer than `cap` seconds (`retry_delay`);
- a 429/503 that announced its Retry-After pauses its whole host (`pauses_host`).

Pure functions, no I/O: they read the status, headers and error kind of an answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Final, Protocol

#: Statuses worth another attempt: a rate limit or a restart is not a broken page.
RETRY_STATUSES: Final = frozenset({429, 503})
#: Error kinds (`FetchErrorKind` values) worth another attempt when nothing answered.
RETRY_ERRORS: Final = frozenset({"connect", "timeout"})


class _ErrorKind(Protocol):
    @property
    def kind(self) -> str: ...


class Answer(Protocol):
    """What the policy reads of a fetch result (a `RawPage`)."""

    @property
    def status(self) -> int | None: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def error(self) -> _ErrorKind | None: ...


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def is_retryable(raw: Answer) -> bool:
    """A 429/503, or a connection error or timeout that got no answer at all."""
    return raw.status in RETRY_STATUSES or (
        raw.error is not None and raw.status is None and str(raw.error.kind) in RETRY_ERRORS
    )


def backoff_delay(attempt: int, *, backoff: float, cap: float) -> float:
    """The wait after attempt `attempt` (1-based) without Retry-After: `backoff`
    doubling each time, never more than `cap`."""
    delay: float = backoff * 2.0 ** (attempt - 1)
    return min(delay, cap)


def retry_delay(raw: Answer, attempt: int, *, backoff: float, cap: float) -> float | None:
    """Seconds to wait before trying again after attempt `attempt` (1-based), or None
    when the answer is final: 429/503 (Retry-After honoured, capped) and connection
    errors and timeouts."""
    if not is_retryable(raw):
        return None
    announced = retry_after(raw.headers) if raw.status in RETRY_STATUSES else None
    if announced is not None:
        return min(announced, cap)
    return backoff_delay(attempt, backoff=backoff, cap=cap)


def pauses_host(raw: Answer) -> bool:
    """A 429/503 with a Retry-After: the whole host waits, not just this request."""
    return raw.status in RETRY_STATUSES and "retry-after" in raw.headers
