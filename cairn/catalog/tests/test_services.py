from decimal import Decimal

import pytest

from cairn.catalog import services
from cairn.catalog.models import MicroCredential, VersionStatus
from cairn.core.errors import DomainError
from cairn.core.models import AuditEvent

LEVELS = [{"name": "Not yet", "description": ""}, {"name": "Demonstrated", "description": ""}]


def _publishable(author, issuer, slug="new-mc"):
    version = services.micro_credential_create(
        actor=author, issuer=issuer, slug=slug, content={"title": "New", "competency": "Does a thing."}
    )
    requirement = services.requirement_save(
        actor=author, version=version, data={"key": "evidence", "kind": "written", "title": "Evidence"}
    )
    services.criterion_save(
        actor=author,
        requirement=requirement,
        data={"key": "quality", "title": "Quality", "levels": LEVELS, "required_level": 1},
    )
    return version


def test_a_new_micro_credential_starts_as_a_draft_outside_the_catalog(author_a, district_a):
    version = services.micro_credential_create(
        actor=author_a, issuer=district_a, slug="x", content={"title": "X", "competency": "C"}
    )
    assert version.status == VersionStatus.DRAFT
    assert version.micro_credential.current_version is None
    assert AuditEvent.objects.filter(action="micro_credential_create").count() == 1


def test_a_draft_without_requirements_or_criteria_cannot_be_published(author_a, district_a):
    version = services.micro_credential_create(
        actor=author_a, issuer=district_a, slug="x", content={"title": "X", "competency": "C"}
    )
    with pytest.raises(DomainError, match="evidence requirement"):
        services.version_publish(actor=author_a, version=version)
    services.requirement_save(actor=author_a, version=version, data={"key": "e", "kind": "link", "title": "E"})
    with pytest.raises(DomainError, match="rubric criterion"):
        services.version_publish(actor=author_a, version=version)


def test_publishing_makes_the_version_current_and_records_who_did_it(author_a, district_a):
    version = services.version_publish(actor=author_a, version=_publishable(author_a, district_a))
    mc = MicroCredential.objects.get(slug="new-mc")
    assert mc.current_version == version and version.status == VersionStatus.PUBLISHED
    event = AuditEvent.objects.get(action="version_publish")
    assert (event.actor, event.old_state, event.new_state) == (author_a, "draft", "published")


def test_a_published_version_cannot_change_in_place(author_a, district_a):
    version = services.version_publish(actor=author_a, version=_publishable(author_a, district_a))
    with pytest.raises(DomainError, match="Published versions never change"):
        services.version_update(actor=author_a, version=version, content={"title": "Changed"})
    with pytest.raises(DomainError):
        services.requirement_save(actor=author_a, version=version, data={"key": "more", "kind": "link", "title": "M"})
    version.refresh_from_db()
    assert version.title == "New"


def test_editing_a_published_micro_credential_makes_a_new_draft_and_publishing_supersedes_the_old(author_a, district_a):
    v1 = services.version_publish(actor=author_a, version=_publishable(author_a, district_a))
    v2 = services.version_draft_open(actor=author_a, micro_credential=v1.micro_credential)
    assert (v2.number, v2.status) == (2, VersionStatus.DRAFT)
    assert v2.requirements.get().criteria.get().title == "Quality"  # copied, not shared
    services.version_update(actor=author_a, version=v2, content={"title": "New, revised", "pd_hours": Decimal("6")})
    assert services.version_draft_open(actor=author_a, micro_credential=v1.micro_credential) == v2
    services.version_publish(actor=author_a, version=v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v1.title) == (VersionStatus.SUPERSEDED, "New")
    assert v1.requirements.get().criteria.count() == 1
    assert (v2.status, v2.title, v2.pd_hours) == (VersionStatus.PUBLISHED, "New, revised", Decimal("6"))
    assert MicroCredential.objects.get(pk=v1.micro_credential_id).current_version == v2


def test_retiring_removes_it_from_the_catalog_and_keeps_its_versions(author_a, district_a):
    v1 = services.version_publish(actor=author_a, version=_publishable(author_a, district_a))
    services.micro_credential_retire(actor=author_a, micro_credential=v1.micro_credential)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED
    assert MicroCredential.objects.get(pk=v1.micro_credential_id).current_version is None
    with pytest.raises(DomainError):
        services.micro_credential_retire(actor=author_a, micro_credential=v1.micro_credential)


def test_a_criterion_needs_two_levels_and_a_passing_level_above_the_lowest(author_a, district_a):
    version = _publishable(author_a, district_a)
    requirement = version.requirements.get()
    with pytest.raises(DomainError, match="two levels"):
        services.criterion_save(
            actor=author_a, requirement=requirement, data={"key": "a", "title": "A", "levels": LEVELS[:1]}
        )
    with pytest.raises(DomainError, match="passing level"):
        services.criterion_save(
            actor=author_a,
            requirement=requirement,
            data={"key": "a", "title": "A", "levels": LEVELS, "required_level": 0},
        )


def test_duplicate_keys_are_refused_with_the_field_named(author_a, district_a):
    version = _publishable(author_a, district_a)
    with pytest.raises(DomainError) as info:
        services.requirement_save(
            actor=author_a, version=version, data={"key": "evidence", "kind": "link", "title": "B"}
        )
    assert info.value.field == "key"
    with pytest.raises(DomainError) as info:
        services.micro_credential_create(
            actor=author_a, issuer=district_a, slug="new-mc", content={"title": "Y", "competency": "C"}
        )
    assert info.value.field == "slug"


def test_an_n_of_m_pass_rule_cannot_ask_for_more_criteria_than_the_rubric_has(author_a, district_a):
    version = _publishable(author_a, district_a)
    services.version_update(actor=author_a, version=version, content={"pass_rule": "n_of_m", "pass_min_criteria": 2})
    with pytest.raises(DomainError, match="asks for 2 criteria but the rubric has 1"):
        services.version_publish(actor=author_a, version=version)


def test_a_stack_keeps_its_order_and_refuses_duplicates(author_a, district_a, mini_catalog):
    mcs = list(MicroCredential.objects.filter(slug__in=["pa-validation", "pa-design"]).order_by("-slug"))
    stack = services.stack_save(
        actor=author_a,
        issuer=district_a,
        slug="s",
        title="S",
        description="",
        status="published",
        micro_credentials=mcs,
    )
    assert [i.micro_credential.slug for i in stack.items.all()] == ["pa-validation", "pa-design"]
    with pytest.raises(DomainError, match="twice"):
        services.stack_save(
            actor=author_a,
            issuer=district_a,
            slug="s",
            title="S",
            description="",
            status="published",
            micro_credentials=[mcs[0], mcs[0]],
        )


def test_a_stack_key_of_another_issuer_cannot_be_taken_over(author_b, district_b, mini_catalog):
    with pytest.raises(DomainError, match="another issuer"):
        services.stack_save(
            actor=author_b,
            issuer=district_b,
            slug="basic-pa",
            title="Mine now",
            description="",
            status="published",
            micro_credentials=[],
        )


def test_discarding_a_draft_keeps_the_published_version(author_a, district_a):
    v1 = services.version_publish(actor=author_a, version=_publishable(author_a, district_a))
    v2 = services.version_draft_open(actor=author_a, micro_credential=v1.micro_credential)
    services.version_discard(actor=author_a, version=v2)
    mc = MicroCredential.objects.get(slug="new-mc")
    assert list(mc.versions.values_list("number", "status")) == [(1, "published")]
    assert AuditEvent.objects.filter(action="version_discard", old_state="draft").count() == 1


def test_discarding_the_first_draft_removes_the_micro_credential_and_frees_its_key(author_a, district_a):
    services.version_discard(actor=author_a, version=_publishable(author_a, district_a))
    assert not MicroCredential.objects.filter(slug="new-mc").exists()
    _publishable(author_a, district_a)  # the key can be used again


def test_a_published_version_cannot_be_discarded(author_a, district_a):
    v1 = services.version_publish(actor=author_a, version=_publishable(author_a, district_a))
    with pytest.raises(DomainError):
        services.version_discard(actor=author_a, version=v1)
