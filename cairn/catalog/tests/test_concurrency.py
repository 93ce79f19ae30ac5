"""Row locking under real concurrency: PostgreSQL only (SQLite serialises writers anyway)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from cairn.catalog import services
from cairn.catalog.models import MicroCredential, MicroCredentialVersion, VersionStatus
from cairn.core.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(n: int, work: Callable[[], Any]) -> list[Any]:
    """Start ``n`` threads on a barrier so they hit the database at the same moment."""
    barrier = threading.Barrier(n)
    results: list[Any] = []

    def target() -> None:
        from django.db import connections

        barrier.wait()
        try:
            results.append(work())
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_the_suite_really_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_eight_authors_opening_a_draft_at_once_share_one_draft(mini_catalog):
    mc = MicroCredential.objects.get(slug="pa-design")
    results = run_together(8, lambda: services.version_draft_open(actor=None, micro_credential=mc).pk)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert mc.versions.filter(status=VersionStatus.DRAFT).count() == 1


def test_publishing_the_same_draft_twice_at_once_publishes_it_once(mini_catalog):
    mc = MicroCredential.objects.get(slug="pa-design")
    draft = services.version_draft_open(actor=None, micro_credential=mc)
    results = run_together(4, lambda: services.version_publish(actor=None, version=draft))
    published = [r for r in results if isinstance(r, MicroCredentialVersion)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(published) == 1 and len(refused) == 3, results
    assert mc.versions.filter(status=VersionStatus.PUBLISHED).count() == 1
    assert mc.versions.filter(status=VersionStatus.SUPERSEDED).count() == 1
