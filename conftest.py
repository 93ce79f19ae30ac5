"""Shared fixtures: the fixed cast of users that permission tests use, and a small catalog.

Cast: an educator, a coach and an assessor (district A), coordinators of district A and B,
issuer authors of issuer A and issuer B, and an outsider with no role anywhere."""

import os
from pathlib import Path
from typing import Any

import pytest

from cairn.accounts.models import Organization, OrganizationKind, Role, User
from cairn.accounts.services import membership_grant, organization_upsert, user_create

PASSWORD = "correct-horse-battery-staple"
MINI_CATALOG = Path(__file__).parent / "cairn" / "catalog" / "tests" / "data" / "mini_catalog.json"


def pytest_configure(config: pytest.Config) -> None:
    # On CI the PostgreSQL run must really be on PostgreSQL: fail loudly instead of falling back.
    if os.environ.get("CI") == "true" and os.environ.get("CAIRN_EXPECT_POSTGRES") == "1":
        assert os.environ.get("DATABASE_URL", "").startswith("postgres"), "DATABASE_URL must point at PostgreSQL"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests are deselected (not skipped) on SQLite; CI runs them in its PostgreSQL pass."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    keep = [item for item in items if item.get_closest_marker("postgres") is None]
    deselected = [item for item in items if item.get_closest_marker("postgres") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> None:
    """Uploads go to a temporary folder; background tasks run at once when enqueued."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def state(db: None) -> Organization:
    return organization_upsert(slug="state", name="State DOE", kind=OrganizationKind.STATE_AGENCY, is_issuer=True)[0]


@pytest.fixture
def district_a(state: Organization) -> Organization:
    return organization_upsert(
        slug="district-a", name="District A", kind=OrganizationKind.DISTRICT, parent=state, is_issuer=True
    )[0]


@pytest.fixture
def district_b(state: Organization) -> Organization:
    return organization_upsert(
        slug="district-b", name="District B", kind=OrganizationKind.DISTRICT, parent=state, is_issuer=True
    )[0]


@pytest.fixture
def school_a(district_a: Organization) -> Organization:
    return organization_upsert(slug="school-a", name="School A", kind=OrganizationKind.SCHOOL, parent=district_a)[0]


def _person(email: str, org: Organization | None = None, role: str | None = None) -> User:
    user = user_create(email=email, password=PASSWORD, full_name=email.split("@")[0].title(), verified=True)
    if org is not None and role is not None:
        membership_grant(actor=None, organization=org, user=user, role=role)
    return user


@pytest.fixture
def educator(school_a: Organization) -> User:
    return _person("educator@a.test", school_a, Role.EDUCATOR)


@pytest.fixture
def coach(school_a: Organization) -> User:
    return _person("coach@a.test", school_a, Role.COACH)


@pytest.fixture
def assessor(district_a: Organization) -> User:
    return _person("assessor@a.test", district_a, Role.ASSESSOR)


@pytest.fixture
def coordinator_a(district_a: Organization) -> User:
    return _person("coordinator@a.test", district_a, Role.DISTRICT_COORDINATOR)


@pytest.fixture
def coordinator_b(district_b: Organization) -> User:
    return _person("coordinator@b.test", district_b, Role.DISTRICT_COORDINATOR)


@pytest.fixture
def author_a(district_a: Organization) -> User:
    return _person("author@a.test", district_a, Role.ISSUER_AUTHOR)


@pytest.fixture
def author_b(district_b: Organization) -> User:
    return _person("author@b.test", district_b, Role.ISSUER_AUTHOR)


@pytest.fixture
def outsider(db: None) -> User:
    return _person("outsider@elsewhere.test")


@pytest.fixture
def mini_catalog(db: None) -> None:
    """A small catalog (two issuers, a framework, four MCs, a stack, a pathway) imported once."""
    from cairn.catalog.interchange import import_catalog, load_file

    import_catalog(load_file(MINI_CATALOG))
