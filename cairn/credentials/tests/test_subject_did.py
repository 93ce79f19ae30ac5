"""A holder who registers a DID gets credentials that name it as their subject."""

import pytest

from cairn.accounts.services import user_did_set
from cairn.core.errors import DomainError
from cairn.credentials.services import award_issue_credential
from cairn.credentials.tests.test_issuing import earn
from cairn.credentials.verification import verify_credential

DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def test_a_registered_did_becomes_the_credential_subject_id(client, educator, assessor, district_a, mini_catalog):
    client.force_login(educator)
    response = client.post("/credentials/did/", {"did": DID}, follow=True)
    assert "Credentials you earn from now on name this DID" in response.content.decode()
    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    subject = credential.document["credentialSubject"]
    assert subject["id"] == DID and subject["identifier"][0]["identityType"] == "emailAddress"
    assert verify_credential(credential.document).ok


def test_without_a_did_the_subject_is_the_hashed_email_only(educator, assessor, district_a, mini_catalog):
    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    assert "id" not in credential.document["credentialSubject"]


@pytest.mark.parametrize("bad", ["z6Mkha", "did:key:", "did:web:example.org/", "did:Web:x y", "did:" + "a" * 600])
def test_something_that_is_not_a_did_is_refused_and_nothing_changes(educator, bad):
    user_did_set(user=educator, did=DID)
    with pytest.raises(DomainError, match="not a DID"):
        user_did_set(user=educator, did=bad)
    educator.refresh_from_db()
    assert educator.did == DID
