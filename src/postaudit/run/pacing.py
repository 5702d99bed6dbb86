"""Politeness of a batch: a minimum interval between request starts per host
(`--delay`, robots.txt `Crawl-delay`), host-wide pauses after a Retry-After (`Pacer`),
and the run's Fetcher that waits for them before every request (`PacedFetcher`).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from postaudit.gather.fetch import Fetcher, FetchOptions, RawPage


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class Pacer:
    """A minimum interval between request starts per host, and host-wide pauses."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.intervals: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self._paused: dict[str, float] = {}

    def set_interval(self, host: str, seconds: float) -> None:
        self.intervals[host] = max(self.intervals.get(host, 0.0), seconds)

    def interval(self, host: str) -> float:
        return max(self.delay, self.intervals.get(host, 0.0))

    def pause(self, host: str, seconds: float) -> None:
        """No request to `host` starts in the next `seconds` (a Retry-After)."""
        until = asyncio.get_running_loop().time() + seconds
        self._paused[host] = max(self._paused.get(host, 0.0), until)

    async def wait(self, url: str) -> None:
        host = host_of(url)
        interval = self.interval(host)
        paused = self._paused.get(host, 0.0)
        if interval <= 0 and not paused:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, self._next.get(host, 0.0), paused)
        if interval > 0:
            self._next[host] = start + interval
        if start > now:
            await asyncio.sleep(start - now)


class PacedFetcher(Fetcher):
    """The run's Fetcher, waiting for the `Pacer` before every request."""

    def __init__(self, options: FetchOptions, pacer: Pacer) -> None:
        super().__init__(options)
        self.pacer = pacer

    async def fetch_page(self, url: str, **kwargs: Any) -> RawPage:
        await self.pacer.wait(url)
        return await super().fetch_page(url, **kwargs)

    async def request(self, method: str, url: str, **kwargs: Any) -> RawPage:
        await self.pacer.wait(url)
        return await super().request(method, url, **kwargs)
