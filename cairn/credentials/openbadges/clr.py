"""Composition of unsigned CLR 2.0 transcripts (ClrCredential).

Pure functions: plain frozen dataclasses in, JSON-ready dicts out; no database, no network,
no clock. The signed Open Badges credentials a transcript bundles are passed in as they were
issued and embedded unchanged, so each keeps its own issuer's proof and can be verified on
its own as well as through the transcript's proof.

References (names as in the 1EdTech CLR 2.0 Final Release, Appendix B "Data Models"):
- CLR 2.0: 1EdTech Comprehensive Learner Record Standard v2.0,
  https://www.imsglobal.org/spec/clr/v2p0/ (#clrcredential, #clrsubject)
- OB 3.0 (shared classes: Profile, IdentityObject, Achievement), see ``compose``.

Every term written here is defined by the bundled contexts (credentials v2, CLR
context-2.0.1, OB context-3.0.3), so the result canonicalises in safe mode and can be signed
as it is. No ``credentialSchema`` is named: Cairn does not bundle the CLR JSON Schema, and a
credential should not claim a schema its issuer never checked it against."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cairn.credentials.openbadges.compose import (
    OB_CONTEXT,
    VC_V2_CONTEXT,
    CompositionError,
    IssuerProfile,
    SubjectData,
    compose_identity_object,
    compose_profile,
    datetime_z,
)

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
# CLR 2.0 ClrCredential: "@context … MUST be an ordered set where the first three items are"
# these URLs, in this order.
CONTEXT = (VC_V2_CONTEXT, CLR_CONTEXT, OB_CONTEXT)
CLR_TYPES = ("VerifiableCredential", "ClrCredential")
# CLR 2.0 ClrSubject.verifiableCredential holds AchievementCredentials (OB 3.0 calls the same
# class OpenBadgeCredential; both names are defined by the OB context).
EMBEDDABLE_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


@dataclass(frozen=True)
class TranscriptData:
    """CLR 2.0 ClrCredential of one learner, bundling their signed credentials."""

    id: str  # absolute IRI; a urn:uuid for a transcript made on demand
    name: str
    issuer: IssuerProfile  # who signs the transcript (the controller of the signing key)
    valid_from: datetime
    subject: SubjectData  # only identifier_hash and salt are used (CLR 2.0 ClrSubject.identifier)
    credentials: Sequence[dict[str, Any]]  # signed OpenBadgeCredentials, embedded as they are
    description: str | None = None


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def compose_clr_achievements(credentials: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """CLR 2.0 ClrSubject.achievement [0..*]: the achievements the embedded credentials
    assert, each once (by id) and exactly as its credential states it, so a CLR reader can
    list them without opening every credential and the transcript says nothing about an
    achievement that its issuer did not sign."""
    seen: dict[str, dict[str, Any]] = {}
    for credential in credentials:
        achievement = credential.get("credentialSubject", {}).get("achievement")
        if isinstance(achievement, dict) and isinstance(achievement.get("id"), str):
            seen.setdefault(achievement["id"], achievement)
    return list(seen.values())


def compose_clr_subject(transcript: TranscriptData) -> dict[str, Any]:
    """CLR 2.0 ClrSubject: the learner, identified like an OB 3.0 AchievementSubject by a
    salted email hash (OB 3.0 §B.1.12 IdentityObject), with the credentials
    (verifiableCredential, [1..*]) and the achievements they assert."""
    if not transcript.credentials:
        raise CompositionError("a CLR needs at least one credential (ClrSubject.verifiableCredential is [1..*])")
    for index, credential in enumerate(transcript.credentials):
        if not isinstance(credential, dict) or not EMBEDDABLE_TYPES & set(_types(credential.get("type"))):
            raise CompositionError(f"credential {index} is not an OpenBadgeCredential/AchievementCredential")
        if "proof" not in credential:
            raise CompositionError(f"credential {index} is not signed; a CLR embeds signed credentials")
    return {
        "type": ["ClrSubject"],
        "identifier": [compose_identity_object(transcript.subject)],
        "achievement": compose_clr_achievements(transcript.credentials),
        "verifiableCredential": list(transcript.credentials),
    }


def compose_clr_credential(transcript: TranscriptData) -> dict[str, Any]:
    """CLR 2.0 ClrCredential (unsigned): @context, id, type, issuer, validFrom, name and
    credentialSubject are required; ``partial`` is left out because a Cairn transcript holds
    every current credential of the learner (the property's default meaning)."""
    if ":" not in transcript.id:
        raise CompositionError(f"the CLR id must be an absolute IRI, not {transcript.id!r}")
    if not transcript.name.strip():
        raise CompositionError("a CLR needs a name")
    out: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": transcript.id,
        "type": list(CLR_TYPES),
        "issuer": compose_profile(transcript.issuer),
        "validFrom": datetime_z(transcript.valid_from),
        "name": transcript.name,
    }
    if transcript.description:
        out["description"] = transcript.description
    out["credentialSubject"] = compose_clr_subject(transcript)
    return out
