import io

import pytest
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.core.management import call_command

from cairn.credentials.keys import did_document, issuer_did, issuer_signing_key, local_controller, private_key
from cairn.credentials.models import IssuerKey
from cairn.credentials.tests.test_stacks import earn_slug
from cairn.credentials.verification import verify_credential
from cairn.review import services as review


def test_an_issuers_did_uses_the_public_host_with_the_port_encoded(district_a, settings):
    settings.CAIRN_PUBLIC_HOST = "localhost:8000"
    assert issuer_did(district_a) == "did:web:localhost%3A8000:issuers:district-a"


def test_the_first_signature_creates_one_key_and_the_private_half_is_encrypted_at_rest(district_a):
    key = issuer_signing_key(district_a)
    assert issuer_signing_key(district_a) == key
    raw = private_key(key).private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    assert raw not in bytes(key.private_key_encrypted)


def test_a_wrong_key_encryption_key_cannot_decrypt(district_a, settings):
    key = issuer_signing_key(district_a)
    settings.CAIRN_KEY_ENCRYPTION_KEY = "x" * 43 + "="
    with pytest.raises((InvalidToken, ValueError)):
        private_key(key)


def test_rotating_adds_a_key_and_keeps_the_old_one_in_the_did_document(district_a, client):
    old = issuer_signing_key(district_a)
    out = io.StringIO()
    call_command("issuer_rotate_key", "district-a", stdout=out)
    new = issuer_signing_key(district_a)
    assert new != old and IssuerKey.objects.filter(issuer=district_a).count() == 2
    document = client.get("/issuers/district-a/did.json").json()
    assert document == did_document(district_a) == local_controller(issuer_did(district_a))
    keys = {m["publicKeyMultibase"] for m in document["verificationMethod"]}
    assert keys == {old.public_key_multibase, new.public_key_multibase}
    assert len(document["assertionMethod"]) == 2


def test_an_unknown_issuer_has_no_did_document(client, db):
    assert client.get("/issuers/nobody/did.json").status_code == 404


def test_the_instance_did_document_is_served_at_the_well_known_path(client, db, settings):
    settings.CAIRN_PUBLIC_HOST = "localhost:8000"
    document = client.get("/.well-known/did.json").json()
    assert document["id"] == "did:web:localhost%3A8000"
    assert document["service"][0]["serviceEndpoint"] == "http://localhost:8000/"


def test_credentials_signed_before_a_rotation_keep_verifying(educator, assessor, district_a, mini_catalog):
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    before = earn_slug(educator, assessor, "pa-design").credential
    call_command("issuer_rotate_key", "district-a", stdout=io.StringIO())
    after = earn_slug(educator, assessor, "rubric-design").credential
    assert before.document["proof"]["verificationMethod"] != after.document["proof"]["verificationMethod"]
    assert verify_credential(before.document).ok and verify_credential(after.document).ok
