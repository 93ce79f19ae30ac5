from urllib.parse import urlsplit

import pytest

from cairn.core.errors import DomainError
from cairn.core.models import AuditEvent
from cairn.credentials.models import StatusAllocation
from cairn.credentials.openbadges.statuslist import MIN_LENGTH, encode, is_set
from cairn.credentials.services import award_issue_credential, award_revoke
from cairn.credentials.tests.test_issuing import earn
from cairn.credentials.verification import verify_credential


def test_the_bitstring_sets_exactly_the_revoked_positions():
    encoded = encode({0, 7, 8, MIN_LENGTH - 1})
    assert [is_set(encoded, i) for i in (0, 1, 7, 8, 9, MIN_LENGTH - 1)] == [True, False, True, True, False, True]


def test_a_credential_gets_a_random_position_in_its_issuers_status_list(educator, assessor, district_a, mini_catalog):
    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    allocation = StatusAllocation.objects.get(credential=credential)
    entry = credential.document["credentialStatus"]
    assert entry["statusListIndex"] == str(allocation.index)
    assert entry["statusListCredential"].endswith("/issuers/district-a/status/1")


def test_revoking_flips_the_bit_and_the_verifier_says_revoked_with_the_date(
    client, coordinator_a, educator, assessor, district_a, mini_catalog
):
    award = earn(educator, assessor, district_a)
    credential = award_issue_credential(award_id=award.pk)
    assert {c.name: c.ok for c in verify_credential(credential.document).checks}["status"] is True
    award_revoke(actor=coordinator_a, award=award, reason="Plagiarised evidence.")
    status = {c.name: c for c in verify_credential(credential.document).checks}["status"]
    assert not status.ok and status.message.startswith("Revoked on ")
    event = AuditEvent.objects.get(action="award_revoke")
    assert (event.actor, event.details) == (coordinator_a, {"reason": "Plagiarised evidence."})
    served = client.get(urlsplit(credential.document["credentialStatus"]["statusListCredential"]).path)
    index = int(credential.document["credentialStatus"]["statusListIndex"])
    assert is_set(served.json()["credentialSubject"]["encodedList"], index)
    assert verify_credential(served.json()).checks[1].ok  # the list itself is signed


def test_an_award_is_revoked_once_and_only_with_a_reason(educator, assessor, district_a, mini_catalog):
    award = earn(educator, assessor, district_a)
    with pytest.raises(DomainError, match="reason"):
        award_revoke(actor=None, award=award, reason="  ")
    award_revoke(actor=None, award=award, reason="Mistake.")
    with pytest.raises(DomainError, match="already revoked"):
        award_revoke(actor=None, award=award, reason="Again.")


def test_an_issuer_author_revokes_through_the_page_and_the_educator_sees_why(
    client, author_a, educator, assessor, district_a, mini_catalog
):
    award = earn(educator, assessor, district_a)
    award_issue_credential(award_id=award.pk)
    client.force_login(author_a)
    assert "educator@a.test" in client.get("/credentials/issued/").content.decode()
    empty = client.post(f"/credentials/issued/{award.pk}/revoke/", {"reason": ""}, follow=True)
    assert "Give the reason for revoking" in empty.content.decode()
    client.post(f"/credentials/issued/{award.pk}/revoke/", {"reason": "Evidence was copied."})
    award.refresh_from_db()
    assert award.revoked_at is not None
    client.force_login(educator)
    assert "Evidence was copied." in client.get("/credentials/").content.decode()


def test_an_author_of_another_issuer_or_an_outsider_cannot_revoke(
    client, author_b, outsider, educator, assessor, district_a, mini_catalog
):
    award = earn(educator, assessor, district_a)
    for person in (author_b, outsider):
        client.force_login(person)
        assert client.post(f"/credentials/issued/{award.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert client.get("/credentials/issued/").status_code == 404
    award.refresh_from_db()
    assert award.revoked_at is None


def test_export_writes_credentials_did_documents_and_status_lists(
    tmp_path, educator, assessor, district_a, mini_catalog
):
    import io
    import json

    from django.core.management import call_command

    from cairn.credentials.keys import instance_did

    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    call_command("credential_export", "--out", str(tmp_path), stdout=io.StringIO())
    assert json.loads((tmp_path / f"{credential.public_id}.json").read_text()) == credential.document
    assert json.loads((tmp_path / "did" / "district-a.json").read_text())["id"].endswith(":issuers:district-a")
    assert (tmp_path / "status" / "district-a-1.json").exists()
    assert json.loads((tmp_path / "did" / "instance.json").read_text())["id"] == instance_did()


def test_a_credential_is_private_until_its_holder_shares_it(
    client, educator, assessor, outsider, district_a, mini_catalog
):
    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    page = f"/credentials/{credential.public_id}/"
    assert client.get(page).status_code == 404
    assert client.get(f"/verify/?credential={credential.public_id}").content.decode().count("not public") == 1
    client.force_login(outsider)
    assert client.post(f"/credentials/{credential.public_id}/share/", {"public": "1"}).status_code == 404
    client.force_login(educator)
    assert "Only you can see this page" in client.get(page).content.decode()
    client.post(f"/credentials/{credential.public_id}/share/", {"public": "1"})
    client.logout()
    body = client.get(page).content.decode()
    assert "✓ Verified" in body and "Performance Assessment Design" in body
    assert client.get(f"/credentials/{credential.public_id}.json").json() == credential.document
    assert "This credential is valid" in client.get(f"/verify/?credential={credential.public_id}").content.decode()


def test_the_holder_gets_share_tools_and_a_printable_certificate(client, educator, assessor, district_a, mini_catalog):
    from cairn.credentials.services import credential_share

    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    credential_share(educator=educator, credential=credential, public=True)
    client.force_login(educator)
    body = client.get(f"/credentials/{credential.public_id}/").content.decode()
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in body
    assert "Copy link" in body and "Email signature (HTML)" in body
    certificate = client.get(f"/credentials/{credential.public_id}/certificate/").content.decode()
    assert "has earned the micro-credential" in certificate and "Performance Assessment Design" in certificate


def test_issuing_never_touches_the_network(educator, assessor, district_a, mini_catalog, no_network):
    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    assert verify_credential(credential.document).ok


def test_open_badges_2_hosted_documents_for_a_public_credential(client, educator, assessor, district_a, mini_catalog):
    from cairn.credentials.openbadges.compose import hash_identity
    from cairn.credentials.services import credential_share

    award = earn(educator, assessor, district_a)
    credential = award_issue_credential(award_id=award.pk)
    url = f"/ob2/assertions/{credential.public_id}"
    assert client.get(url).status_code == 404  # private
    credential_share(educator=educator, credential=credential, public=True)
    assertion = client.get(url).json()
    assert assertion["type"] == "Assertion" and assertion["verification"] == {"type": "hosted"}
    assert assertion["recipient"]["identity"] == hash_identity("educator@a.test", assertion["recipient"]["salt"])
    badge = client.get(urlsplit(assertion["badge"]).path).json()
    assert badge["type"] == "BadgeClass" and badge["name"] == "Performance Assessment Design"
    issuer = client.get(urlsplit(badge["issuer"]).path).json()
    assert issuer["type"] == "Issuer" and issuer["name"] == "District A"
    award_revoke(actor=None, award=award, reason="Withdrawn by the issuer.")
    gone = client.get(url)
    assert gone.status_code == 410 and gone.json()["revoked"] is True


def test_the_baked_badge_png_carries_the_assertion_url(client, educator, assessor, district_a, mini_catalog):
    from cairn.credentials.openbadges.baking import baked_url

    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    client.force_login(educator)
    response = client.get(f"/credentials/{credential.public_id}/badge.png")
    assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG")
    assert baked_url(response.content).endswith(f"/ob2/assertions/{credential.public_id}")
    client.logout()
    assert client.get(f"/credentials/{credential.public_id}/badge.png").status_code == 404  # private


def test_a_status_list_verified_once_is_not_trusted_once_changed(educator, assessor, district_a, mini_catalog):
    """The verifier remembers status lists it has checked; a list altered afterwards (its
    revoked bits cleared, without its issuer's signature) is checked afresh and refused."""
    from cairn.credentials.openbadges.statuslist import encode

    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    url = credential.document["credentialStatus"]["statusListCredential"]
    listed = StatusAllocation.objects.get(credential=credential).status_list.document
    assert verify_credential(credential.document, overrides={url: listed}).ok
    altered = {**listed, "credentialSubject": {**listed["credentialSubject"], "encodedList": encode({1, 2, 3})}}
    status = {c.name: c for c in verify_credential(credential.document, overrides={url: altered}).checks}["status"]
    assert not status.ok and "signature is not valid" in status.message
