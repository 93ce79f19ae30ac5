"""Composition of unsigned Open Badges 3.0 credentials.

Pure functions: plain frozen dataclasses in, JSON-ready dicts out; no database, no network,
no clock. The adapter from Django models lives elsewhere and fills the dataclasses below.

References (section numbers as in the OB 3.0 Final Release, Appendix B):
- OB 3.0: 1EdTech Open Badges Specification v3.0, https://www.imsglobal.org/spec/ob/v3p0/
- VC 2.0: W3C Verifiable Credentials Data Model v2.0, https://www.w3.org/TR/vc-data-model-2.0/
- BSL: W3C Bitstring Status List v1.0, https://www.w3.org/TR/vc-bitstring-status-list/

Every term written here is defined by the bundled contexts (credentials v2, OB context-3.0.3,
OB extensions.json), so the result canonicalises in safe mode and can be signed as it is.

Numbers: OB types ``creditsAvailable``/``creditsEarned`` as Float and the context coerces them
to ``xsd:float``. Decimals become JSON numbers: a whole number as an integer (``15``, as a
JavaScript wallet would re-serialise it), any other as the nearest double (``2.5``). Both
canonicalise identically in Cairn and jsonld.js (checked against the Digital Bazaar verifier)."""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines 1EdTechJsonSchemaValidator2019, the credentialSchema type OB 3.0 §B.1.21 requires;
# without it that type is a relative IRI and safe-mode canonicalisation refuses the credential.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXT = (VC_V2_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT)

ACHIEVEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
JSON_SCHEMA_VALIDATOR = "1EdTechJsonSchemaValidator2019"

# OB 3.0 §B.1.28 AchievementType Enumeration (extensible with "ext:" terms).
ACHIEVEMENT_TYPES = frozenset(
    {
        "Achievement",
        "ApprenticeshipCertificate",
        "Assessment",
        "Assignment",
        "AssociateDegree",
        "Award",
        "Badge",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "CommunityService",
        "Competency",
        "Course",
        "CoCurricular",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "Fieldwork",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "LearningProgram",
        "License",
        "Membership",
        "ProfessionalDoctorate",
        "QualityAssuranceCredential",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    }
)
# OB 3.0 §B.1.29 AlignmentTargetType Enumeration (extensible with "ext:" terms).
ALIGNMENT_TARGET_TYPES = frozenset(
    {
        "ceasn:Competency",
        "ceterms:Credential",
        "CFItem",
        "CFRubric",
        "CFRubricCriterion",
        "CFRubricCriterionLevel",
        "CTDL",
    }
)
# The extension pattern the OB 3.0 JSON Schema accepts for the enumerations above.
_EXTENSION_TERM = re.compile(r"ext:[A-Za-z0-9._-]+")
_IDENTITY_HASH = re.compile(r"sha256\$[0-9a-f]{64}")


class CompositionError(ValueError):
    """The inputs cannot make a conforming credential; the message says which input and why."""


@dataclass(frozen=True)
class IssuerProfile:
    """OB 3.0 §B.1.14 Profile of an issuer (or of an achievement's creator)."""

    id: str  # did:web:… of the issuer; must be the controller of the signing key
    name: str
    url: str | None = None
    email: str | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class AlignmentData:
    """OB 3.0 §B.1.5 Alignment: one framework item the achievement is aligned to."""

    target_url: str
    target_name: str
    target_code: str | None = None
    target_framework: str | None = None
    target_description: str | None = None
    # §B.1.29: a term of ALIGNMENT_TARGET_TYPES (e.g. "CFItem" only for a CASE item) or "ext:…";
    # None leaves targetType out ([0..1]).
    target_type: str | None = None


@dataclass(frozen=True)
class LevelData:
    """OB 3.0 §B.1.18 RubricCriterionLevel: one level of a rubric criterion's scale."""

    id: str  # absolute URL/URN, unique within the achievement
    name: str
    description: str | None = None


@dataclass(frozen=True)
class CriterionData:
    """OB 3.0 §B.1.17 ResultDescription of resultType RubricCriterionLevel: one rubric criterion."""

    id: str  # absolute URL/URN, unique within the achievement
    name: str
    levels: Sequence[LevelData]  # lowest first (§B.1.17: "ordered from low to high")
    required_level_id: str | None = None  # the id of one of ``levels``


@dataclass(frozen=True)
class RelatedData:
    """OB 3.0 §B.1.15 Related: another achievement this one is tied to (for a stack, each of
    the micro-credential versions that make it up)."""

    id: str  # the related achievement's id
    version: str | None = None


@dataclass(frozen=True)
class AchievementData:
    """OB 3.0 §B.1.1 Achievement: one version of a micro-credential."""

    id: str  # stable URL of the micro-credential version
    name: str
    description: str  # the competency statement
    criteria_narrative: str  # Markdown, from the evidence requirements
    achievement_type: str = "MicroCredential"  # §B.1.28
    criteria_url: str | None = None
    image_url: str | None = None
    version: str | None = None
    credits_available: Decimal | None = None  # hours; written as a JSON number
    creator: IssuerProfile | None = None
    alignments: Sequence[AlignmentData] = ()
    result_descriptions: Sequence[CriterionData] = ()
    related: Sequence[RelatedData] = ()


@dataclass(frozen=True)
class SubjectData:
    """OB 3.0 §B.1.3 AchievementSubject: the earner, identified by a salted email hash."""

    identifier_hash: str  # "sha256$<64 lowercase hex>", see ``hash_identity``
    salt: str
    did: str | None = None
    results: Sequence[tuple[str, str]] = ()  # (result description id, achieved level id)
    credits_earned: Decimal | None = None


@dataclass(frozen=True)
class EvidenceData:
    """OB 3.0 §B.1.9 Evidence: one item the earner made public."""

    id: str  # URL of the public evidence page
    name: str
    description: str | None = None
    narrative: str | None = None  # Markdown


@dataclass(frozen=True)
class StatusEntry:
    """BSL §2.1 BitstringStatusListEntry (OB 3.0 §B.1.22 CredentialStatus)."""

    id: str  # usually f"{status_list_credential}#{status_list_index}"
    status_list_credential: str
    status_list_index: int
    purpose: str = "revocation"


def hash_identity(email: str, salt: str) -> str:
    """OB 3.0 §B.7 Derived Types, IdentityHash: "sha256$" and the hex SHA-256 of the UTF-8
    identifier with the salt appended. Cairn normalises the email (trimmed, lower case) first,
    so the same address always gives the same hash."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def datetime_z(moment: datetime) -> str:
    """OB 3.0 §B.7 DateTimeZ / VC 2.0 §4.9 (validFrom is an xsd:dateTimeStamp): UTC, whole
    seconds, with a trailing "Z"."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CompositionError("validFrom needs a timezone-aware datetime")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_number(value: Decimal, what: str) -> int | float:
    """A Float property (OB 3.0 §B.8) as a JSON number: an integer when the value is whole."""
    if not value.is_finite() or value < 0:
        raise CompositionError(f"{what} must be a finite, non-negative number, not {value}")
    return int(value) if value == value.to_integral_value() else float(value)


def _iri(value: str, what: str) -> str:
    # Safe-mode canonicalisation refuses relative IRIs; say which input was wrong before it does.
    if ":" not in value or any(c.isspace() for c in value):
        raise CompositionError(f"{what} must be an absolute IRI, not {value!r}")
    return value


def _term(value: str, allowed: frozenset[str], what: str) -> str:
    if value not in allowed and not _EXTENSION_TERM.fullmatch(value):
        raise CompositionError(f"{what} {value!r} is neither a term of the OB 3.0 enumeration nor an 'ext:' term")
    return value


def compose_image(url: str) -> dict[str, Any]:
    """OB 3.0 §B.1.13 Image: ``id`` and ``type`` "Image" (the JSON Schema allows nothing else
    but ``caption``)."""
    return {"id": _iri(url, "image URL"), "type": "Image"}


def compose_profile(profile: IssuerProfile) -> dict[str, Any]:
    """OB 3.0 §B.1.14 Profile."""
    out: dict[str, Any] = {"id": _iri(profile.id, "profile id"), "type": ["Profile"], "name": profile.name}
    if profile.url:
        out["url"] = _iri(profile.url, "profile URL")
    if profile.email:
        out["email"] = profile.email
    if profile.image_url:
        out["image"] = compose_image(profile.image_url)
    return out


def compose_alignment(alignment: AlignmentData) -> dict[str, Any]:
    """OB 3.0 §B.1.5 Alignment (targetName and targetUrl required; targetType per §B.1.29)."""
    out: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": alignment.target_name,
        "targetUrl": _iri(alignment.target_url, "alignment targetUrl"),
    }
    if alignment.target_code:
        out["targetCode"] = alignment.target_code
    if alignment.target_framework:
        out["targetFramework"] = alignment.target_framework
    if alignment.target_description:
        out["targetDescription"] = alignment.target_description
    if alignment.target_type:
        out["targetType"] = _term(alignment.target_type, ALIGNMENT_TARGET_TYPES, "alignment targetType")
    return out


def compose_criteria(achievement: AchievementData) -> dict[str, Any]:
    """OB 3.0 §B.1.6 Criteria: the Markdown narrative of what earning takes (and its page)."""
    out: dict[str, Any] = {}
    if achievement.criteria_url:
        out["id"] = _iri(achievement.criteria_url, "criteria URL")
    out["narrative"] = achievement.criteria_narrative
    return out


def compose_related(related: RelatedData) -> dict[str, Any]:
    """OB 3.0 §B.1.15 Related (id and type required)."""
    out: dict[str, Any] = {"id": _iri(related.id, "related achievement id"), "type": ["Related"]}
    if related.version:
        out["version"] = related.version
    return out


def compose_rubric_criterion_level(level: LevelData) -> dict[str, Any]:
    """OB 3.0 §B.1.18 RubricCriterionLevel."""
    out: dict[str, Any] = {
        "id": _iri(level.id, "rubric level id"),
        "type": ["RubricCriterionLevel"],
        "name": level.name,
    }
    if level.description:
        out["description"] = level.description
    return out


def compose_result_description(criterion: CriterionData) -> dict[str, Any]:
    """OB 3.0 §B.1.17 ResultDescription with resultType "RubricCriterionLevel" (§B.1.31): the
    levels ordered low to high, and requiredLevel the id of one of them."""
    if not criterion.levels:
        raise CompositionError(f"rubric criterion {criterion.id} has no levels")
    level_ids = [level.id for level in criterion.levels]
    out: dict[str, Any] = {
        "id": _iri(criterion.id, "result description id"),
        "type": ["ResultDescription"],
        "name": criterion.name,
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [compose_rubric_criterion_level(level) for level in criterion.levels],
    }
    if criterion.required_level_id is not None:
        if criterion.required_level_id not in level_ids:
            raise CompositionError(f"the required level of {criterion.id} is not one of its levels")
        out["requiredLevel"] = criterion.required_level_id
    return out


def compose_achievement(achievement: AchievementData) -> dict[str, Any]:
    """OB 3.0 §B.1.1 Achievement (id, type, criteria, description and name required)."""
    # Each id names one node in the signed graph: a shared id would merge two criteria or levels.
    ids = [c.id for c in achievement.result_descriptions]
    ids += [level.id for c in achievement.result_descriptions for level in c.levels]
    if len(set(ids)) != len(ids):
        raise CompositionError("result descriptions and rubric levels need ids unique within the achievement")
    out: dict[str, Any] = {
        "id": _iri(achievement.id, "achievement id"),
        "type": ["Achievement"],
        "achievementType": _term(achievement.achievement_type, ACHIEVEMENT_TYPES, "achievementType"),
        "name": achievement.name,
        "description": achievement.description,
        "criteria": compose_criteria(achievement),
    }
    if achievement.image_url:
        out["image"] = compose_image(achievement.image_url)
    if achievement.version:
        out["version"] = achievement.version
    if achievement.credits_available is not None:
        out["creditsAvailable"] = json_number(achievement.credits_available, "creditsAvailable")
    if achievement.creator is not None:
        out["creator"] = compose_profile(achievement.creator)
    if achievement.alignments:
        out["alignment"] = [compose_alignment(a) for a in achievement.alignments]
    if achievement.result_descriptions:
        out["resultDescription"] = [compose_result_description(c) for c in achievement.result_descriptions]
    if achievement.related:
        out["related"] = [compose_related(r) for r in achievement.related]
    return out


def compose_identity_object(subject: SubjectData) -> dict[str, Any]:
    """OB 3.0 §B.1.12 IdentityObject: a hashed, salted email address (§B.7 IdentityHash)."""
    if not _IDENTITY_HASH.fullmatch(subject.identifier_hash):
        raise CompositionError("identifier_hash must be 'sha256$' and 64 lowercase hex digits (see hash_identity)")
    return {
        "type": "IdentityObject",
        "identityHash": subject.identifier_hash,
        "identityType": "emailAddress",
        "hashed": True,
        "salt": subject.salt,
    }


def compose_result(result_description_id: str, achieved_level_id: str, achievement: AchievementData) -> dict[str, Any]:
    """OB 3.0 §B.1.16 Result: the level achieved on one rubric criterion. The result
    description must be in the asserted achievement, and the level one of its levels."""
    criterion = next((c for c in achievement.result_descriptions if c.id == result_description_id), None)
    if criterion is None:
        raise CompositionError(
            f"result for {result_description_id}, which is not a result description of the achievement"
        )
    if achieved_level_id not in {level.id for level in criterion.levels}:
        raise CompositionError(f"achieved level {achieved_level_id} is not a level of {result_description_id}")
    return {"type": ["Result"], "resultDescription": result_description_id, "achievedLevel": achieved_level_id}


def compose_achievement_subject(subject: SubjectData, achievement: AchievementData) -> dict[str, Any]:
    """OB 3.0 §B.1.3 AchievementSubject ("either id or at least one identifier MUST be
    supplied": Cairn always supplies the identifier, and the id when the earner gave a DID)."""
    out: dict[str, Any] = {}
    if subject.did:
        out["id"] = _iri(subject.did, "subject DID")
    out["type"] = ["AchievementSubject"]
    out["identifier"] = [compose_identity_object(subject)]
    out["achievement"] = compose_achievement(achievement)
    if subject.results:
        out["result"] = [compose_result(rd, level, achievement) for rd, level in subject.results]
    if subject.credits_earned is not None:
        out["creditsEarned"] = json_number(subject.credits_earned, "creditsEarned")
    return out


def compose_evidence(evidence: EvidenceData) -> dict[str, Any]:
    """OB 3.0 §B.1.9 Evidence."""
    out: dict[str, Any] = {"id": _iri(evidence.id, "evidence id"), "type": ["Evidence"], "name": evidence.name}
    if evidence.description:
        out["description"] = evidence.description
    if evidence.narrative:
        out["narrative"] = evidence.narrative
    return out


def compose_credential_status(status: StatusEntry) -> dict[str, Any]:
    """OB 3.0 §B.1.22 CredentialStatus as a BSL §2.1 BitstringStatusListEntry (statusListIndex
    is a string of the decimal index; the term is defined by the credentials v2 context)."""
    if status.status_list_index < 0:
        raise CompositionError("statusListIndex must not be negative")
    return {
        "id": _iri(status.id, "credentialStatus id"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": status.purpose,
        "statusListIndex": str(status.status_list_index),
        "statusListCredential": _iri(status.status_list_credential, "statusListCredential"),
    }


def compose_credential_schema() -> list[dict[str, Any]]:
    """OB 3.0 §B.1.21 CredentialSchema: one instance names 1EdTech's AchievementCredential
    JSON Schema with type 1EdTechJsonSchemaValidator2019."""
    return [{"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": JSON_SCHEMA_VALIDATOR}]


def compose_credential(
    *,
    credential_id: str,
    name: str,
    valid_from: datetime,
    issuer: IssuerProfile,
    achievement: AchievementData,
    subject: SubjectData,
    evidence: Sequence[EvidenceData] = (),
    status: StatusEntry | None = None,
) -> dict[str, Any]:
    """OB 3.0 §B.1.2 AchievementCredential (typed OpenBadgeCredential), a VC 2.0 §4 verifiable
    credential without its proof: @context is credentials v2, then OB context-3.0.3 (§B.1.2),
    then extensions.json for the credentialSchema type."""
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": _iri(credential_id, "credential id"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": compose_profile(issuer),
        "validFrom": datetime_z(valid_from),
        "name": name,
        "credentialSubject": compose_achievement_subject(subject, achievement),
    }
    if evidence:
        credential["evidence"] = [compose_evidence(e) for e in evidence]
    if status is not None:
        credential["credentialStatus"] = compose_credential_status(status)
    credential["credentialSchema"] = compose_credential_schema()
    return credential
