import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: issuing and verifying are offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, all released together (each with its own database
    connection), as concurrent workers would; return their results in order. A call that
    raises fails the test: a worker that fails would be retried, which must not be needed."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [], errors
    return results
