"""Holding every micro-credential of a stack earns the stack's own credential, exactly once."""

from functools import partial

import pytest
from django.test import TestCase

from cairn.catalog.models import MicroCredential
from cairn.core.demo_earning import decide_next_submission, fill_portfolio
from cairn.core.models import AuditEvent
from cairn.credentials.models import Award, Credential
from cairn.credentials.services import award_revoke, stack_awards_grant
from cairn.credentials.tests.conftest import at_once
from cairn.credentials.verification import verify_credential
from cairn.earning import services as earning
from cairn.review import services as review

STACK = ["pa-design", "rubric-design", "pa-validation"]  # the mini catalog's "basic-pa" stack


def earn_slug(educator, assessor, slug: str) -> Award:
    pursuit = earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug=slug))
    fill_portfolio(pursuit, educator, "Students explained their reasoning to each other.")
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    # The decision's after-commit work (issuing, then any stack) runs as it would in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        decide_next_submission(assessor, earned=True)
    return Award.objects.get(pursuit=pursuit)


@pytest.fixture
def qualified(assessor, district_a, mini_catalog):
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    return assessor


def test_earning_the_last_micro_credential_of_a_stack_issues_a_signed_stack_credential(educator, qualified):
    components = [earn_slug(educator, qualified, slug) for slug in STACK[:2]]
    assert not Award.objects.filter(stack__isnull=False).exists()  # two of three: no stack yet

    components.append(earn_slug(educator, qualified, STACK[2]))
    stack_award = Award.objects.get(educator=educator, stack__slug="basic-pa")
    assert set(stack_award.components.all()) == set(components)
    document = Credential.objects.get(award=stack_award).document
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Basic Performance Assessment"
    assert achievement["achievementType"] == "Certificate"
    assert achievement["id"].endswith("/catalog/stacks/basic-pa/")
    # The stack names exactly the achievements of its component credentials.
    component_ids = {c.credential.document["credentialSubject"]["achievement"]["id"] for c in components}
    assert {r["id"] for r in achievement["related"]} == component_ids
    assert "creditsEarned" not in document["credentialSubject"]  # hours are counted once, on the components
    verdict = verify_credential(document)
    assert verdict.ok, verdict.as_dict()
    assert AuditEvent.objects.filter(action="award_create", subject_id=str(stack_award.pk)).count() == 1


def test_granting_again_makes_no_second_stack_award(educator, qualified):
    last = [earn_slug(educator, qualified, slug) for slug in STACK][-1]
    assert stack_awards_grant(award_id=last.pk) == []
    assert Award.objects.filter(stack__isnull=False).count() == 1
    assert Credential.objects.filter(award__stack__isnull=False).count() == 1


def test_revoking_a_component_revokes_the_stack_and_verifiers_see_both(educator, qualified, coordinator_a):
    components = [earn_slug(educator, qualified, slug) for slug in STACK]
    stack_award = Award.objects.get(stack__isnull=False)
    award_revoke(actor=coordinator_a, award=components[1], reason="Plagiarised rubric.")

    stack_award.refresh_from_db()
    assert stack_award.revoked_at is not None
    assert "Rubric Design" in stack_award.revocation_reason and "Plagiarised rubric." in stack_award.revocation_reason
    verdict = verify_credential(stack_award.credential.document)
    status = next(c for c in verdict.checks if c.name == "status")
    assert not verdict.ok and status.message.startswith("Revoked")
    assert verify_credential(components[0].credential.document).ok  # the others stand


def test_a_stack_is_not_granted_again_while_a_component_stays_revoked(educator, qualified, coordinator_a):
    components = [earn_slug(educator, qualified, slug) for slug in STACK]
    award_revoke(actor=coordinator_a, award=components[0], reason="Wrong person.")
    assert stack_awards_grant(award_id=components[2].pk) == []
    assert [a.revoked_at is not None for a in Award.objects.filter(stack__isnull=False)] == [True]


def test_the_wallet_and_credential_page_show_the_stack_with_its_components(client, educator, qualified):
    for slug in STACK:
        earn_slug(educator, qualified, slug)
    stack_award = Award.objects.get(stack__isnull=False)
    client.force_login(educator)
    wallet = client.get("/credentials/").content.decode()
    assert "Basic Performance Assessment" in wallet and "Stack ·" in wallet
    page = client.get(f"/credentials/{stack_award.credential.public_id}/").content.decode()
    assert "✓ Verified" in page and "Rubric Design" in page
    assert client.get("/catalog/stacks/basic-pa/image").status_code == 200
    certificate = client.get(f"/credentials/{stack_award.credential.public_id}/certificate/").content.decode()
    assert "has earned the stack" in certificate


def test_a_public_stack_credential_has_open_badges_2_documents(client, educator, qualified):
    for slug in STACK:
        earn_slug(educator, qualified, slug)
    credential = Award.objects.get(stack__isnull=False).credential
    client.force_login(educator)
    client.post(f"/credentials/{credential.public_id}/share/", {"public": "1"})
    client.logout()
    assertion = client.get(f"/ob2/assertions/{credential.public_id}").json()
    assert assertion["badge"].endswith("/ob2/stacks/basic-pa")
    badge = client.get("/ob2/stacks/basic-pa").json()
    assert badge["name"] == "Basic Performance Assessment" and badge["type"] == "BadgeClass"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_granting_at_once_make_one_stack_award(educator, assessor, district_a, mini_catalog, settings):
    # No background work: the two threads below are the only ones granting.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    components = [earn_slug(educator, assessor, slug) for slug in STACK]
    granted = at_once(*[partial(stack_awards_grant, award_id=c.pk) for c in components[1:]])
    assert sorted(len(g) for g in granted) == [0, 1]
    assert Award.objects.filter(stack__isnull=False).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_components_revoked_at_once_revoke_the_stack_once(
    educator, assessor, coordinator_a, district_a, mini_catalog
):
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    components = [earn_slug(educator, assessor, slug) for slug in STACK]
    at_once(
        *[partial(award_revoke, actor=coordinator_a, award=c, reason="Both found at once.") for c in components[:2]]
    )
    stack_award = Award.objects.get(stack__isnull=False)
    assert stack_award.revoked_at is not None
    assert AuditEvent.objects.filter(action="award_revoke", subject_id=str(stack_award.pk)).count() == 1


def test_stack_and_status_list_credentials_canonicalise_alike_with_pruned_and_whole_contexts(educator, qualified):
    from cairn.credentials.openbadges.jsonld import canonicalize, offline_loader
    from cairn.credentials.tests.test_dataintegrity import whole_contexts_loader

    components = [earn_slug(educator, qualified, slug) for slug in STACK]
    stack = Award.objects.get(stack__isnull=False).credential
    status_list = components[0].credential.status.status_list.document
    for document in (components[0].credential.document, stack.document, status_list):
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        assert canonicalize(unsecured, offline_loader()) == canonicalize(unsecured, whole_contexts_loader())
