"""eddsa-rdfc-2022 proofs: 1EdTech's signed test vector, our own round trip, tampering, and
the guarantee that nothing is fetched from the network."""

import copy
import json
import os
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cairn.credentials.openbadges import jsonld
from cairn.credentials.openbadges.dataintegrity import multikey_from_public_key, sign, verify
from cairn.credentials.openbadges.jsonld import JsonLdRefused, bundled_contexts, canonicalize, offline_loader

INTEROP = Path(__file__).resolve().parents[3].parent / "shared" / "interop" / "1edtech-test-vector"


def _interop() -> tuple[dict, dict]:
    if not INTEROP.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the interop data is missing at {INTEROP}")
        pytest.skip(f"the 1EdTech test vector is not beside this checkout ({INTEROP})")
    vector = json.loads((INTEROP / "signed.json").read_text())
    controller = json.loads((INTEROP / "docs" / "example.edu" / "issuers" / "565049").read_text())
    return vector, controller


def resolver_for(*controllers: dict):
    """A test-only override map: controller documents by id, never the network."""
    by_id = {c["id"]: c for c in controllers}

    def resolve(method_id: str) -> tuple[dict, dict]:
        controller = by_id.get(method_id.split("#")[0])
        if controller is None:
            raise LookupError("unknown controller")
        for method in controller.get("verificationMethod", []):
            if method["id"] == method_id:
                return method, controller
        raise LookupError("no such key in the controller document")

    return resolve


def test_the_bundled_contexts_match_their_recorded_hashes():
    contexts = bundled_contexts()
    assert "https://www.w3.org/ns/credentials/v2" in contexts
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in contexts


def test_1edtechs_signed_test_vector_verifies_offline(no_network):
    vector, controller = _interop()
    check = verify(vector, resolve=resolver_for(controller), loader=offline_loader())
    assert check.ok, check.reason


def test_every_one_character_change_to_the_test_vector_fails():
    vector, controller = _interop()
    text = json.dumps(vector, ensure_ascii=False)
    resolve, loader = resolver_for(controller), offline_loader()
    accepted, checked = [], 0
    for i, char in enumerate(text):
        replacement = "b" if char != "b" else "c"
        try:
            tampered = json.loads(text[:i] + replacement + text[i + 1 :])
        except json.JSONDecodeError:
            continue  # not a credential any more
        if not isinstance(tampered, dict):
            continue
        checked += 1
        if verify(tampered, resolve=resolve, loader=loader).ok:
            accepted.append((i, char))
    assert checked > 600  # most positions still parse as JSON and reach the verifier
    assert accepted == []


@pytest.fixture
def issuer_key():
    key = Ed25519PrivateKey.generate()
    multikey = multikey_from_public_key(key.public_key())
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:web:cairn.test:issuers:state",
        "verificationMethod": [
            {
                "id": f"did:web:cairn.test:issuers:state#{multikey}",
                "type": "Multikey",
                "controller": "did:web:cairn.test:issuers:state",
                "publicKeyMultibase": multikey,
            }
        ],
        "assertionMethod": [f"did:web:cairn.test:issuers:state#{multikey}"],
    }
    return key, controller


CREDENTIAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "https://cairn.test/credentials/1",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:cairn.test:issuers:state", "type": ["Profile"], "name": "State DOE"},
    "validFrom": "2026-11-22T00:00:00Z",
    "name": "Performance Assessment Design",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://cairn.test/catalog/mc/pa-design/v1",
            "type": ["Achievement"],
            "name": "Performance Assessment Design",
            "description": "Designs a performance assessment.",
            "criteria": {"narrative": "Submit the task and a reflection."},
        },
        "result": [{"type": ["Result"], "resultDescription": "urn:uuid:1", "achievedLevel": "urn:uuid:2"}],
    },
}


def signed(key, controller) -> dict:
    return sign(
        copy.deepcopy(CREDENTIAL),
        private_key=key,
        verification_method=controller["assertionMethod"][0],
        created="2026-11-22T00:00:00Z",
        loader=offline_loader(),
    )


def test_a_credential_cairn_signs_verifies(issuer_key, no_network):
    key, controller = issuer_key
    check = verify(signed(key, controller), resolve=resolver_for(controller), loader=offline_loader())
    assert check.ok, check.reason


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["issuer"].update(name="Other DOE"),
        lambda c: c["credentialSubject"]["achievement"].update(name="Something else"),
        lambda c: c["credentialSubject"]["result"][0].update(achievedLevel="urn:uuid:3"),
        lambda c: c.update(validFrom="2026-11-21T00:00:00Z"),
        lambda c: c["proof"].update(created="2026-11-23T00:00:00Z"),
        lambda c: c["proof"].update(proofValue=c["proof"]["proofValue"][:-2] + "zz"),
        lambda c: c.update(extra="not in any context"),
    ],
    ids=["issuer", "achievement", "result", "dates", "proof-created", "proof-value", "undefined-term"],
)
def test_changing_any_part_of_a_signed_credential_breaks_it(issuer_key, tamper):
    key, controller = issuer_key
    credential = signed(key, controller)
    tamper(credential)
    assert not verify(credential, resolve=resolver_for(controller), loader=offline_loader()).ok


def test_a_key_that_is_not_the_issuers_is_refused(issuer_key):
    key, controller = issuer_key
    credential = signed(key, controller)
    credential["issuer"]["id"] = "did:web:cairn.test:issuers:other"
    check = verify(credential, resolve=resolver_for(controller), loader=offline_loader())
    assert not check.ok and "issuer" in check.reason


def test_a_document_with_an_unknown_context_is_refused_not_fetched(no_network):
    document = {**CREDENTIAL, "@context": [*CREDENTIAL["@context"], "https://example.org/other-context.json"]}
    with pytest.raises(JsonLdRefused, match=re.escape("unknown context https://example.org/other-context.json")):
        canonicalize(document, offline_loader())


def _with_context(c, node, context):
    node["@context"] = context
    node["smuggled"] = "not signed"


@pytest.mark.parametrize(
    "smuggle",
    [
        lambda c: c.update({"@context": [*c["@context"], {"@vocab": None}], "smuggled": "x"}),
        lambda c: c.update({"@context": [*c["@context"], {"smuggled": None}], "smuggled": "x"}),
        lambda c: c.update({"@context": [*c["@context"], {"smuggled": {"@id": None}}], "smuggled": "x"}),
        lambda c: _with_context(c, c["issuer"], [None, *CREDENTIAL["@context"]]),
        lambda c: _with_context(c, c["credentialSubject"]["achievement"], CREDENTIAL["@context"]),
        lambda c: c.update({"@context": [*c["@context"], {"@base": None}]}),
        lambda c: c["credentialSubject"].update({"@foo": "x"}),
    ],
    ids=["vocab-null", "term-null", "term-id-null", "context-reset", "context-again", "base-null", "unknown-keyword"],
)
def test_data_that_the_signed_rdf_would_not_show_is_refused(issuer_key, smuggle):
    """Safe mode: each of these adds JSON that canonicalisation would silently leave out, so
    it could ride along on a valid signature; Cairn refuses the document instead."""
    key, controller = issuer_key
    credential = signed(key, controller)
    smuggle(credential)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    with pytest.raises(JsonLdRefused):
        canonicalize(unsigned, offline_loader())
    assert not verify(credential, resolve=resolver_for(controller), loader=offline_loader()).ok


def whole_contexts_loader() -> dict:
    """Copies of the bundled contexts: canonicalisation then uses them whole, not pruned."""
    return {url: copy.deepcopy(context) for url, context in bundled_contexts().items()}


def test_pruned_contexts_give_the_same_canonical_form_as_whole_ones(issuer_key):
    key, controller = issuer_key
    vector, _ = _interop()
    for document in (signed(key, controller), vector):
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        assert canonicalize(unsecured, offline_loader()) == canonicalize(unsecured, whole_contexts_loader())
        pruned = jsonld._prepared_json(unsecured, offline_loader())
        assert len(pruned) < len(jsonld._prepared_json(unsecured, whole_contexts_loader())) / 2
