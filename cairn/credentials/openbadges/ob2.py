"""Open Badges 2.0 hosted verification, for older backpacks (OB 2.0 §Issuer, §BadgeClass,
§Assertion, §Verification "hosted"). Plain JSON-LD documents served at stable URLs; Cairn
does not sign or canonicalise them."""

from typing import Any

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def issuer_document(*, url: str, name: str, website: str, email: str) -> dict[str, Any]:
    """OB 2.0 §Profile (Issuer)."""
    document: dict[str, Any] = {"@context": OB2_CONTEXT, "type": "Issuer", "id": url, "name": name, "url": website}
    if email:
        document["email"] = email
    return document


def badge_class_document(
    *,
    url: str,
    name: str,
    description: str,
    image_url: str,
    criteria_url: str,
    criteria_narrative: str,
    issuer_url: str,
    alignments: list[dict[str, str]],
) -> dict[str, Any]:
    """OB 2.0 §BadgeClass, with §Criteria and §AlignmentObject."""
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": url,
        "name": name,
        "description": description,
        "image": image_url,
        "criteria": {"id": criteria_url, "narrative": criteria_narrative},
        "issuer": issuer_url,
        "alignment": alignments,
    }


def assertion_document(*, url: str, badge_url: str, identity_hash: str, salt: str, issued_on: str) -> dict[str, Any]:
    """OB 2.0 §Assertion with a hashed email §IdentityObject and hosted §VerificationObject."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": identity_hash},
        "badge": badge_url,
        "issuedOn": issued_on,
        "verification": {"type": "hosted"},
    }


def revoked_assertion(*, url: str, reason: str) -> dict[str, Any]:
    """OB 2.0 §Hosted verification: a revoked assertion answers 410 Gone with revoked: true."""
    return {"@context": OB2_CONTEXT, "type": "Assertion", "id": url, "revoked": True, "revocationReason": reason}
