"""Fixtures of the hostile-input suite: two fault servers on 127.0.0.1, addressed as
`127.0.0.1` and as `localhost` (two hosts for the client). Both stop at teardown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hostile.faultserver import FaultServer, serve


@pytest.fixture
def fault() -> Iterator[FaultServer]:
    """The fault server, addressed as 127.0.0.1."""
    yield from serve()


@pytest.fixture
def other() -> Iterator[FaultServer]:
    """A second fault server addressed as `localhost`: another host for the client."""
    yield from serve(host_name="localhost")
