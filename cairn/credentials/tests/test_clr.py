"""An educator's CLR 2.0 transcript: every current credential, bundled and signed by the Cairn
instance, verifiable offline as a whole and credential by credential."""

import copy
import json
from datetime import UTC, datetime

import pytest

from cairn.core.errors import DomainError
from cairn.core.models import AuditEvent
from cairn.credentials.clr import clr_issue
from cairn.credentials.keys import instance_did, instance_signing_key, local_controller
from cairn.credentials.models import Award, IssuerKey
from cairn.credentials.openbadges.clr import CLR_CONTEXT, TranscriptData, compose_clr_credential
from cairn.credentials.openbadges.compose import CompositionError, IssuerProfile, SubjectData, hash_identity
from cairn.credentials.openbadges.jsonld import bundled_contexts, canonicalize, offline_loader
from cairn.credentials.services import award_issue_credential, award_revoke
from cairn.credentials.tests.conftest import at_once
from cairn.credentials.tests.test_issuing import earn
from cairn.credentials.tests.test_stacks import earn_slug
from cairn.credentials.verification import verify_credential
from cairn.review import services as review


@pytest.fixture
def two_awards(educator, assessor, district_a, mini_catalog) -> list[Award]:
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    return [earn_slug(educator, assessor, slug) for slug in ("pa-design", "rubric-design")]


def checks(verdict) -> dict:
    return {c.name: c for c in verdict.checks}


def test_the_transcript_bundles_every_current_credential_and_verifies_offline(educator, two_awards, no_network):
    clr = clr_issue(educator=educator)
    assert clr["@context"][:3] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"] and clr["id"].startswith("urn:uuid:")
    assert clr["issuer"]["id"] == instance_did()
    assert clr["proof"]["verificationMethod"].startswith(instance_did() + "#")
    subject = clr["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert subject["verifiableCredential"] == [a.credential.document for a in two_awards]
    assert {a["name"] for a in subject["achievement"]} == {
        "Performance Assessment Design",
        "Competency-based Rubric Design",
    }
    identity = subject["identifier"][0]
    assert identity["identityHash"] == hash_identity("educator@a.test", identity["salt"])
    assert "educator@a.test" not in str(clr)

    verdict = verify_credential(clr)
    assert verdict.ok, verdict.as_dict()
    assert [c.name for c in verdict.checks] == ["schema", "proof", "dates", "credentials"]
    assert checks(verdict)["credentials"].message == "All 2 credentials in the transcript verify."
    event = AuditEvent.objects.get(action="clr_issue")
    assert event.actor == educator and event.details["clr"] == clr["id"]


def test_a_stack_award_is_bundled_with_its_micro_credentials(educator, two_awards, assessor):
    stack_component = earn_slug(educator, assessor, "pa-validation")  # completes the mini catalog's stack
    stack = Award.objects.get(educator=educator, stack__isnull=False)
    clr = clr_issue(educator=educator)
    bundled = clr["credentialSubject"]["verifiableCredential"]
    assert stack_component.credential.document in bundled and stack.credential.document in bundled
    assert len(bundled) == 4
    assert verify_credential(clr).ok


def test_changing_one_character_of_the_transcript_breaks_its_proof(educator, two_awards):
    clr = clr_issue(educator=educator)
    tampered = copy.deepcopy(clr)
    tampered["name"] = tampered["name"][:-1] + ("X" if tampered["name"][-1] != "X" else "Y")
    verdict = verify_credential(tampered)
    assert not verdict.ok
    assert not checks(verdict)["proof"].ok and checks(verdict)["credentials"].ok


def test_changing_one_character_of_a_bundled_credential_fails_both_proofs(educator, two_awards):
    clr = clr_issue(educator=educator)
    tampered = copy.deepcopy(clr)
    achievement = tampered["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["achievement"]
    achievement["name"] = achievement["name"].replace("Rubric", "Rubrik")
    verdict = verify_credential(tampered)
    assert not checks(verdict)["proof"].ok  # the transcript's proof covers what it bundles
    bundled = checks(verdict)["credentials"]
    assert not bundled.ok
    assert bundled.message.startswith("1 of 2 credentials verify. Not verified: “Competency-based Rubric Design”")
    assert "the signature does not match the credential" in bundled.message


def test_a_revoked_award_is_left_out_and_an_old_transcript_reports_it(educator, two_awards, coordinator_a):
    before = clr_issue(educator=educator)
    award_revoke(actor=coordinator_a, award=two_awards[0], reason="Evidence was not the educator's own.")
    after = clr_issue(educator=educator)
    assert after["credentialSubject"]["verifiableCredential"] == [two_awards[1].credential.document]
    assert verify_credential(after).ok
    # A transcript downloaded before the revocation still has a valid proof, but says which
    # credential inside it no longer stands.
    verdict = verify_credential(before)
    assert checks(verdict)["proof"].ok and not verdict.ok
    message = checks(verdict)["credentials"].message
    assert message.startswith("1 of 2 credentials verify. Not verified: “Performance Assessment Design”")
    assert "status: Revoked on" in message


def test_an_educator_with_no_current_credential_gets_a_clear_error(educator, db):
    with pytest.raises(DomainError, match="no current credential yet"):
        clr_issue(educator=educator)
    assert not AuditEvent.objects.filter(action="clr_issue").exists()


def test_the_instance_did_document_lists_the_instance_key(client, educator, two_awards, settings):
    clr = clr_issue(educator=educator)
    key = IssuerKey.objects.get(issuer__isnull=True)
    assert instance_signing_key() == key  # one instance key, reused
    document = client.get("/.well-known/did.json").json()
    method_id = f"{instance_did()}#{key.public_key_multibase}"
    assert clr["proof"]["verificationMethod"] == method_id
    assert document["verificationMethod"] == [
        {
            "id": method_id,
            "type": "Multikey",
            "controller": instance_did(),
            "publicKeyMultibase": key.public_key_multibase,
        }
    ]
    assert document["assertionMethod"] == [method_id]
    assert document["service"][0]["type"] == "LinkedDomains"
    assert document == local_controller(instance_did())


def test_instance_keys_are_not_an_issuers_keys(district_a, educator, two_awards):
    from cairn.credentials.keys import did_document

    clr_issue(educator=educator)
    instance_key = IssuerKey.objects.get(issuer__isnull=True)
    issuer_keys = {m["publicKeyMultibase"] for m in did_document(district_a)["verificationMethod"]}
    assert instance_key.public_key_multibase not in issuer_keys


def test_a_transcript_needs_a_signed_open_badges_credential():
    transcript = TranscriptData(
        id="urn:uuid:00000000-0000-4000-8000-000000000000",
        name="Transcript",
        issuer=IssuerProfile(id="did:web:cairn.test", name="Cairn"),
        valid_from=datetime(2026, 12, 1, tzinfo=UTC),
        subject=SubjectData(identifier_hash=hash_identity("a@b.test", "salt"), salt="salt"),
        credentials=[],
    )
    with pytest.raises(CompositionError, match=r"\[1\.\.\*\]"):
        compose_clr_credential(transcript)
    unsigned = {"type": ["VerifiableCredential", "OpenBadgeCredential"]}
    with pytest.raises(CompositionError, match="not signed"):
        compose_clr_credential(
            TranscriptData(**{**transcript.__dict__, "credentials": [unsigned]})  # type: ignore[arg-type]
        )


def test_the_bundled_clr_context_defines_the_clr_subjects_identifier():
    # The unversioned CLR context lacks ``identifier`` in ClrSubject; in safe mode a transcript
    # with an identifier would then be refused rather than signed without it.
    scoped = bundled_contexts()[CLR_CONTEXT]["@context"]["ClrSubject"]["@context"]
    assert scoped["identifier"]["@id"] == "https://purl.imsglobal.org/spec/vc/clr/vocab.html#identifier-1"
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", CLR_CONTEXT],
        "type": ["VerifiableCredential", "ClrCredential"],
        "credentialSubject": {
            "type": "ClrSubject",
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "0" * 64,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "salt",
                }
            ],
        },
    }
    document["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
    nquads = canonicalize(document, offline_loader())
    assert "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#identifier-1>" in nquads
    assert "sha256$" + "0" * 64 in nquads


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_transcripts_at_once_make_one_instance_key():
    results = [key.pk for key in at_once(instance_signing_key, instance_signing_key)]
    assert len(results) == 2 and results[0] == results[1]
    assert IssuerKey.objects.filter(issuer__isnull=True).count() == 1


def test_the_holder_downloads_a_transcript_from_the_wallet(
    client, educator, assessor, outsider, district_a, mini_catalog
):
    award_issue_credential(award_id=earn(educator, assessor, district_a).pk)
    client.force_login(educator)
    assert "Download my transcript (CLR 2.0)" in client.get("/credentials/").content.decode()
    response = client.post("/credentials/transcript/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert verify_credential(document).ok
    client.force_login(outsider)
    response = client.post("/credentials/transcript/", follow=True)
    assert "no current credential yet" in response.content.decode()
