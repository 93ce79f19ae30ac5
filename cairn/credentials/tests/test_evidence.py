"""Evidence appears in a credential only where its holder chose to show it."""

import pytest
from django.test import TestCase

from cairn.catalog.models import MicroCredential
from cairn.core.errors import DomainError
from cairn.core.models import AuditEvent
from cairn.credentials.models import Award
from cairn.credentials.verification import verify_credential
from cairn.earning import services as earning
from cairn.review import services as review
from cairn.review.tests.test_flow import fill, score


@pytest.fixture
def pursuit(educator, assessor, district_a, mini_catalog):
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    pursuit = earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug="pa-design"))
    fill(pursuit, educator, reflection="My students *argued* about the rubric, and it got better.")
    return pursuit


def award_it(pursuit, educator, assessor) -> Award:
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    claimed = review.review_claim(assessor=assessor)
    score(assessor, claimed, {"alignment": 1, "insight": 2}, feedback="")
    with TestCase.captureOnCommitCallbacks(execute=True):
        review.review_finalize(assessor=assessor, review=claimed, confirmed_decision="earned")
    return Award.objects.get(pursuit=pursuit)


def requirement(pursuit, key):
    return pursuit.version.requirements.get(key=key)


def test_a_credential_lists_only_the_evidence_its_holder_chose_to_show(client, educator, assessor, outsider, pursuit):
    earning.portfolio_entry_share(
        educator=educator, pursuit=pursuit, requirement=requirement(pursuit, "reflection"), in_credential=True
    )
    assert AuditEvent.objects.filter(action="portfolio_entry_share", new_state="in_credential").count() == 1
    credential = award_it(pursuit, educator, assessor).credential
    evidence = credential.document["evidence"]
    assert len(evidence) == 1
    assert evidence[0]["name"] == "Reflection" and "*argued*" in evidence[0]["narrative"]
    assert evidence[0]["id"].endswith(f"/credentials/{credential.public_id}/evidence/reflection/")
    assert verify_credential(credential.document).ok

    page = f"/credentials/{credential.public_id}/evidence/reflection/"
    client.force_login(outsider)
    assert client.get(page).status_code == 404  # private credential: private evidence
    client.force_login(educator)
    client.post(f"/credentials/{credential.public_id}/share/", {"public": "1"})
    client.logout()
    body = client.get(page).content.decode()
    assert "<em>argued</em>" in body
    # The evidence the holder kept private has no page, even on a public credential.
    assert client.get(f"/credentials/{credential.public_id}/evidence/task/").status_code == 404


def test_shared_files_download_from_a_public_credential(client, educator, assessor, pursuit):
    earning.portfolio_entry_share(
        educator=educator, pursuit=pursuit, requirement=requirement(pursuit, "task"), in_credential=True
    )
    credential = award_it(pursuit, educator, assessor).credential
    assert credential.document["evidence"][0]["description"] == "1 file"
    client.force_login(educator)
    client.post(f"/credentials/{credential.public_id}/share/", {"public": "1"})
    client.logout()
    artifact = pursuit.artifacts.get()
    response = client.get(f"/credentials/{credential.public_id}/evidence/task/files/{artifact.pk}")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/credentials/{credential.public_id}/evidence/task/files/{artifact.pk + 999}").status_code == 404


def test_without_a_choice_a_credential_has_no_evidence(educator, assessor, pursuit):
    credential = award_it(pursuit, educator, assessor).credential
    assert "evidence" not in credential.document


def test_the_choice_closes_once_the_credential_is_signed(educator, assessor, pursuit):
    award_it(pursuit, educator, assessor)
    with pytest.raises(DomainError, match="can no longer change"):
        earning.portfolio_entry_share(
            educator=educator, pursuit=pursuit, requirement=requirement(pursuit, "task"), in_credential=True
        )


def test_the_pursuit_page_offers_the_choice_and_only_to_the_educator(client, educator, outsider, pursuit):
    url = f"/earning/pursuits/{pursuit.pk}/entries/{requirement(pursuit, 'task').pk}/share/"
    client.force_login(outsider)
    assert client.post(url, {"in_credential": "1"}).status_code == 404
    client.force_login(educator)
    assert "Show this evidence in my credential" in client.get(f"/earning/pursuits/{pursuit.pk}/").content.decode()
    response = client.post(url, {"in_credential": "1"}, follow=True)
    assert "will be shown in your credential" in response.content.decode()
    assert pursuit.entries.get(requirement__key="task").in_credential
