"""Composing OB 3.0 credentials: a realistic micro-credential award composes, canonicalises in
safe mode, validates against the OB 3.0 JSON Schema once signed, and verifies."""

import copy
import json
import os
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft201909Validator, FormatChecker

from cairn.credentials.openbadges.compose import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    OB_EXTENSIONS_CONTEXT,
    AchievementData,
    AlignmentData,
    CompositionError,
    CriterionData,
    EvidenceData,
    IssuerProfile,
    LevelData,
    StatusEntry,
    SubjectData,
    compose_credential,
    hash_identity,
)
from cairn.credentials.openbadges.dataintegrity import multikey_from_public_key, sign, verify
from cairn.credentials.openbadges.jsonld import JsonLdRefused, canonicalize, offline_loader

SCHEMA_FILE = (
    Path(__file__).resolve().parents[3].parent / "shared" / "interop" / "ob_v3p0_achievementcredential_schema.json"
)
ISSUER_DID = "did:web:cairn.test:issuers:state"
MC = "https://cairn.test/catalog/mc/instructional-leadership/v3"


def _schema() -> dict:
    if not SCHEMA_FILE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the interop data is missing at {SCHEMA_FILE}")
        pytest.skip(f"the OB 3.0 JSON Schema is not beside this checkout ({SCHEMA_FILE})")
    return json.loads(SCHEMA_FILE.read_text())


ISSUER = IssuerProfile(
    id=ISSUER_DID,
    name="State Department of Education",
    url="https://cairn.test/issuers/state",
    email="badges@state.test",
    image_url="https://cairn.test/media/issuers/state.png",
)

# Missouri-style principal micro-credential: four artifacts, two criteria each.
ARTIFACTS = ["narrative", "sample-documents", "written-analysis", "dissemination-plan"]


def _criterion(artifact: str, n: int) -> CriterionData:
    base = f"{MC}/criteria/{artifact}-{n}"
    levels = [
        LevelData(id=f"{base}#level-0", name="Not yet", description="The evidence does not yet show this."),
        LevelData(id=f"{base}#level-1", name="Meets", description="The evidence shows this consistently."),
        LevelData(id=f"{base}#level-2", name="Exceeds", description="The evidence shows this and extends it."),
    ]
    return CriterionData(
        id=base,
        name=f"{artifact.replace('-', ' ').title()}: criterion {n}",
        levels=levels,
        required_level_id=levels[1].id,
    )


CRITERIA = [_criterion(artifact, n) for artifact in ARTIFACTS for n in (1, 2)]

ACHIEVEMENT = AchievementData(
    id=MC,
    name="Instructional Leadership",
    description="The principal leads a school-wide cycle of instructional improvement grounded in evidence.",
    criteria_narrative=(
        "Submit four artifacts:\n\n1. a narrative of the improvement cycle;\n2. sample documents;\n"
        "3. a written analysis of the results;\n4. a reflection and dissemination plan."
    ),
    criteria_url=f"{MC}#criteria",
    image_url="https://cairn.test/media/catalog/images/instructional-leadership.png",
    version="3",
    credits_available=Decimal("15.00"),
    creator=ISSUER,
    alignments=[
        AlignmentData(
            target_url="https://cairn.test/frameworks/mlds/1.A",
            target_name="Vision, mission and goals",
            target_code="1.A",
            target_framework="Missouri Leader Development System",
            target_description="The leader builds a shared vision of learning.",
        ),
        AlignmentData(
            target_url="https://cairn.test/frameworks/learning-forward/data",
            target_name="Data",
            target_code="DATA",
            target_framework="Learning Forward Standards for Professional Learning",
            target_type="ext:CairnFrameworkItem",
        ),
        AlignmentData(
            target_url="https://case.example/uri/0f8e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
            target_name="Instructional leadership",
            target_code="II.B",
            target_framework="State Teaching Standards",
            target_type="CFItem",
        ),
    ],
    result_descriptions=CRITERIA,
)

SUBJECT = SubjectData(
    identifier_hash=hash_identity("Pat.Principal@District-A.test ", "pepper-1234"),
    salt="pepper-1234",
    did=None,
    results=[(c.id, c.levels[1 if i % 3 else 2].id) for i, c in enumerate(CRITERIA)],
    credits_earned=Decimal("15"),
)

EVIDENCE = [
    EvidenceData(
        id="https://cairn.test/portfolio/p/8c1f/narrative",
        name="Narrative of the improvement cycle",
        description="How the leadership team ran one cycle of inquiry.",
        narrative="Shared by the earner.",
    ),
    EvidenceData(id="https://cairn.test/portfolio/p/8c1f/dissemination-plan", name="Dissemination plan"),
]

STATUS = StatusEntry(
    id="https://cairn.test/status/state/1#94567",
    status_list_credential="https://cairn.test/status/state/1",
    status_list_index=94567,
)


def realistic(**changes) -> dict:
    arguments = {
        "credential_id": "https://cairn.test/credentials/5d0b8f0e-7a51-4c1b-9a55-5a3c4b0f7e21",
        "name": "Instructional Leadership",
        "valid_from": datetime(2026, 11, 22, 15, 4, 5, 123456, tzinfo=UTC),
        "issuer": ISSUER,
        "achievement": ACHIEVEMENT,
        "subject": SUBJECT,
        "evidence": EVIDENCE,
        "status": STATUS,
    }
    return compose_credential(**{**arguments, **changes})


@pytest.fixture(scope="module")
def issuer_key():
    key = Ed25519PrivateKey.generate()
    multikey = multikey_from_public_key(key.public_key())
    method_id = f"{ISSUER_DID}#{multikey}"
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER_DID,
        "verificationMethod": [
            {"id": method_id, "type": "Multikey", "controller": ISSUER_DID, "publicKeyMultibase": multikey}
        ],
        "assertionMethod": [method_id],
    }
    return key, controller


def resolver_for(controller: dict):
    def resolve(method_id: str) -> tuple[dict, dict]:
        for method in controller["verificationMethod"]:
            if method["id"] == method_id:
                return method, controller
        raise LookupError("no such key")

    return resolve


def signed(credential: dict, issuer_key) -> dict:
    key, controller = issuer_key
    return sign(
        credential,
        private_key=key,
        verification_method=controller["assertionMethod"][0],
        created="2026-11-22T15:04:06Z",
        loader=offline_loader(),
    )


def test_a_realistic_credential_composes():
    credential = realistic()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        OB_EXTENSIONS_CONTEXT,
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": ISSUER_DID,
        "type": ["Profile"],
        "name": "State Department of Education",
        "url": "https://cairn.test/issuers/state",
        "email": "badges@state.test",
        "image": {"id": "https://cairn.test/media/issuers/state.png", "type": "Image"},
    }
    assert credential["validFrom"] == "2026-11-22T15:04:05Z"
    subject = credential["credentialSubject"]
    assert "id" not in subject
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": hash_identity("pat.principal@district-a.test", "pepper-1234"),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "pepper-1234",
        }
    ]
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["creditsAvailable"] == 15 and isinstance(achievement["creditsAvailable"], int)
    assert achievement["version"] == "3"
    assert achievement["criteria"]["narrative"].startswith("Submit four artifacts")
    assert achievement["creator"]["id"] == ISSUER_DID
    assert [a["targetCode"] for a in achievement["alignment"]] == ["1.A", "DATA", "II.B"]
    assert "targetType" not in achievement["alignment"][0]
    assert achievement["alignment"][2]["targetType"] == "CFItem"
    descriptions = achievement["resultDescription"]
    assert len(descriptions) == 8
    first = descriptions[0]
    assert first["resultType"] == "RubricCriterionLevel"
    assert [level["name"] for level in first["rubricCriterionLevel"]] == ["Not yet", "Meets", "Exceeds"]
    assert first["requiredLevel"] == first["rubricCriterionLevel"][1]["id"]
    assert len(subject["result"]) == 8
    assert subject["result"][0] == {
        "type": ["Result"],
        "resultDescription": first["id"],
        "achievedLevel": first["rubricCriterionLevel"][2]["id"],
    }
    assert subject["creditsEarned"] == 15
    assert [e["type"] for e in credential["evidence"]] == [["Evidence"], ["Evidence"]]
    assert credential["credentialSchema"] == [
        {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    json.dumps(credential)  # plain JSON: no Decimal, datetime or dataclass left inside


def test_the_credential_canonicalizes_in_safe_mode():
    nquads = canonicalize(realistic(), offline_loader())
    assert "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#RubricCriterionLevel>" in nquads
    assert "<https://purl.imsglobal.org/spec/vccs/v1p0/context.json#1EdTechJsonSchemaValidator2019>" in nquads
    assert '"MicroCredential"' in nquads


def test_a_credential_with_a_did_subject_and_fractional_credits_canonicalizes():
    credential = realistic(
        subject=replace(SUBJECT, did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
        achievement=replace(ACHIEVEMENT, credits_available=Decimal("2.5")),
    )
    assert credential["credentialSubject"]["id"].startswith("did:key:")
    assert credential["credentialSubject"]["achievement"]["creditsAvailable"] == 2.5
    canonicalize(credential, offline_loader())


def test_without_the_extensions_context_the_schema_type_is_refused_in_safe_mode():
    credential = realistic()
    credential["@context"] = credential["@context"][:2]
    with pytest.raises(JsonLdRefused, match="1EdTechJsonSchemaValidator2019"):
        canonicalize(credential, offline_loader())


def test_the_signed_credential_validates_against_the_ob_json_schema(issuer_key):
    schema = _schema()
    credential = signed(realistic(), issuer_key)
    # The schema wants proof as an array (a rule the 1EdTech vector does not follow either).
    credential["proof"] = [credential["proof"]]
    validator = Draft201909Validator(schema, format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)]
    assert errors == []
    # FormatChecker only checks date-time when rfc3339-validator is installed; check it here.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", credential["validFrom"])


def test_the_schema_rejects_a_credential_missing_what_ob_requires():
    schema = _schema()
    credential = realistic()
    del credential["credentialSubject"]["achievement"]["criteria"]
    assert list(Draft201909Validator(schema).iter_errors(credential))


def test_the_signed_credential_verifies(issuer_key):
    _, controller = issuer_key
    credential = signed(realistic(), issuer_key)
    check = verify(credential, resolve=resolver_for(controller), loader=offline_loader())
    assert check.ok, check.reason
    as_array = {**credential, "proof": [credential["proof"]]}
    assert verify(as_array, resolve=resolver_for(controller), loader=offline_loader()).ok


def test_the_signed_credential_survives_a_json_round_trip(issuer_key):
    _, controller = issuer_key
    credential = json.loads(json.dumps(signed(realistic(), issuer_key)))
    assert verify(credential, resolve=resolver_for(controller), loader=offline_loader()).ok


def test_changing_an_achieved_level_breaks_the_signature(issuer_key):
    _, controller = issuer_key
    credential = copy.deepcopy(signed(realistic(), issuer_key))
    result = credential["credentialSubject"]["result"][0]
    result["achievedLevel"] = result["achievedLevel"].replace("level-2", "level-1")
    assert not verify(credential, resolve=resolver_for(controller), loader=offline_loader()).ok


def test_evidence_is_absent_when_none_is_given():
    assert "evidence" not in realistic(evidence=[])


def test_credential_status_is_present_when_given():
    assert realistic()["credentialStatus"] == {
        "id": "https://cairn.test/status/state/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://cairn.test/status/state/1",
    }
    assert "credentialStatus" not in realistic(status=None)


def test_a_credential_without_optional_parts_still_canonicalizes():
    minimal = AchievementData(id=MC, name="Minimal", description="A competency.", criteria_narrative="Do it.")
    credential = realistic(
        issuer=IssuerProfile(id=ISSUER_DID, name="State"),
        achievement=minimal,
        subject=SubjectData(identifier_hash=hash_identity("a@example.com", "s"), salt="s"),
        evidence=[],
        status=None,
    )
    assert set(credential["credentialSubject"]) == {"type", "identifier", "achievement"}
    canonicalize(credential, offline_loader())


def test_hash_identity_matches_the_spec_example_and_normalises_the_email():
    # OB 3.0 §B.7 IdentityHash example: "a@example.com" salted with "Kosher".
    expected = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    assert hash_identity("a@example.com", "Kosher") == expected
    assert hash_identity("  A@Example.COM\n", "Kosher") == expected


def test_valid_from_is_written_in_utc_with_a_z():
    eastern = timezone(timedelta(hours=-5))
    credential = realistic(valid_from=datetime(2026, 11, 22, 10, 4, 5, tzinfo=eastern))
    assert credential["validFrom"] == "2026-11-22T15:04:05Z"
    with pytest.raises(CompositionError, match="timezone"):
        realistic(valid_from=datetime(2026, 11, 22, 15, 4, 5))  # naive on purpose


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda: {"subject": replace(SUBJECT, results=[(CRITERIA[0].id, CRITERIA[1].levels[0].id)])}, "not a level"),
        (lambda: {"subject": replace(SUBJECT, results=[(f"{MC}/criteria/other", "urn:x:1")])}, "not a result desc"),
        (lambda: {"subject": replace(SUBJECT, identifier_hash="a@example.com")}, "identifier_hash"),
        (lambda: {"achievement": replace(ACHIEVEMENT, achievement_type="Microcredential")}, "achievementType"),
        (lambda: {"achievement": replace(ACHIEVEMENT, id="catalog/mc/3")}, "absolute IRI"),
        (lambda: {"achievement": replace(ACHIEVEMENT, credits_available=Decimal("-1"))}, "non-negative"),
        (
            lambda: {
                "achievement": replace(ACHIEVEMENT, result_descriptions=[replace(CRITERIA[0], required_level_id="x:y")])
            },
            "required level",
        ),
        (
            lambda: {
                "achievement": replace(ACHIEVEMENT, alignments=[replace(ACHIEVEMENT.alignments[0], target_type="CASE")])
            },
            "targetType",
        ),
        (
            lambda: {
                "achievement": replace(
                    ACHIEVEMENT, result_descriptions=[CRITERIA[0], replace(CRITERIA[1], levels=CRITERIA[0].levels)]
                )
            },
            "unique",
        ),
    ],
    ids=[
        "level-of-other-criterion",
        "unknown-criterion",
        "unhashed",
        "type",
        "relative-id",
        "negative",
        "required",
        "target",
        "shared-level-ids",
    ],
)
def test_inputs_that_cannot_make_a_conforming_credential_are_refused(change, message):
    with pytest.raises(CompositionError, match=message):
        realistic(**change())
