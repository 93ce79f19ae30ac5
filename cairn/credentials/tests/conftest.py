import socket
from collections.abc import Callable
from typing import Any

import pytest

from cairn.review.tests.test_concurrency import run_together


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: issuing and verifying are offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls as concurrent workers would (review's ``run_together``) and return their
    results in order. A call that raises fails the test: a worker that fails would be retried,
    which exactly-once work must never need."""
    results = run_together(list(calls))
    assert not any(isinstance(r, BaseException) for r in results), results
    return results
