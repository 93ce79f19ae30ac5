"""An earned award becomes a signed credential exactly once, and it verifies."""

import pytest

from cairn.catalog.models import MicroCredential
from cairn.credentials.models import Award, Credential
from cairn.credentials.services import award_issue_credential
from cairn.credentials.tests.conftest import at_once
from cairn.credentials.verification import verify_credential
from cairn.earning import services as earning
from cairn.review import services as review
from cairn.review.tests.test_flow import fill, score


def earn(educator, assessor, district_a, capture=None) -> Award:
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    pursuit = earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug="pa-design"))
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    claimed = review.review_claim(assessor=assessor)
    score(assessor, claimed, {"alignment": 1, "insight": 2}, feedback="")
    if capture is None:
        review.review_finalize(assessor=assessor, review=claimed, confirmed_decision="earned")
    else:
        with capture(execute=True):
            review.review_finalize(assessor=assessor, review=claimed, confirmed_decision="earned")
    return Award.objects.get(pursuit=pursuit)


def test_earning_issues_a_signed_credential_after_commit_that_verifies(
    educator, assessor, district_a, mini_catalog, django_capture_on_commit_callbacks
):
    award = earn(educator, assessor, district_a, django_capture_on_commit_callbacks)
    credential = Credential.objects.get(award=award)
    document = credential.document
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"].endswith(":issuers:district-a")
    assert document["credentialSubject"]["achievement"]["name"] == "Performance Assessment Design"
    assert len(document["credentialSubject"]["result"]) == 2
    assert "educator@a.test" not in str(document)  # the subject is a salted hash
    verdict = verify_credential(document)
    assert verdict.ok, verdict.as_dict()


def test_issuing_again_returns_the_same_credential(educator, assessor, district_a, mini_catalog):
    award = earn(educator, assessor, district_a)
    first = award_issue_credential(award_id=award.pk)
    second = award_issue_credential(award_id=award.pk)
    assert first == second and Credential.objects.count() == 1


def test_only_the_holder_downloads_a_private_credential(client, educator, assessor, outsider, district_a, mini_catalog):
    award = earn(educator, assessor, district_a)
    credential = award_issue_credential(award_id=award.pk)
    url = f"/credentials/{credential.public_id}.json"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(educator)
    response = client.get(url)
    assert response.status_code == 200 and response.json() == credential.document
    assert "Download the signed credential (JSON)" in client.get("/credentials/").content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_at_once_make_one_credential(educator, assessor, district_a, mini_catalog):
    award = earn(educator, assessor, district_a)
    results = [c.pk for c in at_once(*[lambda: award_issue_credential(award_id=award.pk)] * 2)]
    assert len(results) == 2 and len(set(results)) == 1
    assert Credential.objects.filter(award=award).count() == 1


def _one_character_changed(text: str) -> str:
    """The last digit changed (a date stays a valid date), or else the last character."""
    for i in range(len(text) - 1, -1, -1):
        if text[i].isdigit():
            return text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1 :]
    return text[:-1] + ("x" if text[-1] != "x" else "y")


@pytest.mark.parametrize(
    "path",
    [
        ("issuer", "name"),
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialSubject", "achievement", "name"),
        ("credentialSubject", "achievement", "resultDescription", 0, "requiredLevel"),
        ("credentialSubject", "result", 0, "achievedLevel"),
        ("validFrom",),
        ("proof", "created"),
        ("proof", "proofValue"),
    ],
    ids=lambda p: ".".join(map(str, p)),
)
def test_one_character_changed_in_any_part_of_an_issued_credential_fails(
    educator, assessor, district_a, mini_catalog, path
):
    document = award_issue_credential(award_id=earn(educator, assessor, district_a).pk).document
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = _one_character_changed(node[path[-1]])
    verdict = verify_credential(document)
    assert not verdict.ok
    assert not next(c for c in verdict.checks if c.name == "proof").ok
