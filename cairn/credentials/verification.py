"""One verifier for every way a credential reaches Cairn (library, command, page, API).

Each check is reported by name so a person can see exactly what passed and what did not.
Keys are resolved without the network: did:web identities of this Cairn instance from its
own database, did:key from the identifier itself, and — only in tests or where an operator
configures it — an explicit map of controller documents."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from jsonschema import Draft201909Validator, FormatChecker

from cairn.credentials.issuing import public_url
from cairn.credentials.keys import local_controller
from cairn.credentials.models import StatusAllocation, StatusList
from cairn.credentials.openbadges.dataintegrity import verify
from cairn.credentials.openbadges.jsonld import offline_loader
from cairn.credentials.openbadges.statuslist import is_set


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str
    warnings: tuple[str, ...] = ()


@dataclass
class Verdict:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.ok,
            "checks": [{**c.__dict__, "warnings": list(c.warnings)} for c in self.checks],
        }


SCHEMA_PATH = Path(__file__).parent / "openbadges" / "schema" / "ob_v3p0_achievementcredential_schema.json"


SINGLE_PROOF_NOTE = "The proof is a single object; the schema asks for a list (accepted, as in 1EdTech's example)."


@cache
def _schema_validator() -> Draft201909Validator:
    return Draft201909Validator(json.loads(SCHEMA_PATH.read_text()), format_checker=FormatChecker())


def schema_check(document: dict[str, Any]) -> Check:
    """OB 3.0 shape: the AchievementCredential JSON Schema. Its rule that ``proof`` is an
    array is reported as a warning (1EdTech's own signed example has a single proof object)."""
    errors, warnings = [], []
    for error in _schema_validator().iter_errors(document):
        where = "/".join(str(p) for p in error.absolute_path) or "(the credential)"
        if list(error.absolute_path)[:1] == ["proof"] and error.validator == "type":
            warnings.append(SINGLE_PROOF_NOTE)
        else:
            errors.append(f"{where}: {error.message}")
    if errors:
        return Check("schema", False, "Not an Open Badges 3.0 credential: " + "; ".join(errors[:5]), tuple(warnings))
    return Check("schema", True, "Open Badges 3.0 AchievementCredential shape.", tuple(warnings))


def did_key_controller(did: str) -> dict[str, Any] | None:
    """did:key (Multikey, Ed25519): the controller document follows from the identifier."""
    if not did.startswith("did:key:z"):
        return None
    key = did[len("did:key:") :]
    method = {"id": f"{did}#{key}", "type": "Multikey", "controller": did, "publicKeyMultibase": key}
    return {"id": did, "verificationMethod": [method], "assertionMethod": [method["id"]]}


def make_resolver(overrides: Mapping[str, dict[str, Any]] | None = None) -> Any:
    def resolve(method_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        controller_id = method_id.split("#")[0]
        controller = (
            (overrides or {}).get(controller_id) or did_key_controller(controller_id) or local_controller(controller_id)
        )
        if controller is None:
            raise LookupError(f"{controller_id} is not an issuer this Cairn can resolve without the network")
        for method in controller.get("verificationMethod", []):
            if method.get("id") == method_id:
                return method, controller
        raise LookupError("the key is not in its controller's document")

    return resolve


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def verify_credential(
    document: Any, *, overrides: Mapping[str, dict[str, Any]] | None = None, now: datetime | None = None
) -> Verdict:
    verdict = Verdict()
    if not isinstance(document, dict):
        verdict.checks.append(Check("format", False, "A credential is a JSON object."))
        return verdict
    verdict.checks.append(schema_check(document))
    proof = verify(document, resolve=make_resolver(overrides), loader=offline_loader())
    verdict.checks.append(Check("proof", proof.ok, proof.reason))
    status = status_check(document, overrides)
    if status is not None:
        verdict.checks.append(status)
    now = now or timezone.now()
    valid_from, valid_until = _date(document.get("validFrom")), _date(document.get("validUntil"))
    if valid_from is None:
        verdict.checks.append(Check("dates", False, "validFrom is missing or not a date-time."))
    elif valid_from > now:
        verdict.checks.append(Check("dates", False, f"Not valid before {valid_from.isoformat()}."))
    elif valid_until is not None and valid_until < now:
        verdict.checks.append(Check("dates", False, f"Expired on {valid_until.isoformat()}."))
    else:
        verdict.checks.append(Check("dates", True, "Within its validity period."))
    return verdict


def _local_status_list(url: str) -> tuple[dict[str, Any], StatusList] | None:
    """A status list this Cairn serves, read from its database instead of over HTTP."""
    prefix = public_url("/")
    if not url.startswith(prefix):
        return None
    try:
        match = resolve("/" + url[len(prefix) :])
    except Resolver404:
        return None
    if match.view_name != "credentials:status_list":
        return None
    found = StatusList.objects.filter(issuer__slug=match.kwargs["slug"], number=match.kwargs["number"]).first()
    return (found.document, found) if found else None


def status_check(document: dict[str, Any], overrides: Mapping[str, dict[str, Any]] | None) -> Check | None:
    """W3C Bitstring Status List §3.3: is the credential revoked? None when it has no status."""
    entry = document.get("credentialStatus")
    if entry is None:
        return None
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return Check("status", False, "Unsupported credentialStatus.")
    url = str(entry.get("statusListCredential", ""))
    local = _local_status_list(url)
    list_document = (overrides or {}).get(url) or (local[0] if local else None)
    if list_document is None:
        return Check("status", False, f"The status list {url} cannot be checked without the network.")
    proof = verify(list_document, resolve=make_resolver(overrides), loader=offline_loader())
    if not proof.ok:
        return Check("status", False, f"The status list's signature is not valid: {proof.reason}")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if list_document.get("issuer") != issuer_id:
        return Check("status", False, "The status list was not published by the credential's issuer.")
    try:
        index = int(entry.get("statusListIndex", ""))
        revoked = is_set(str(list_document["credentialSubject"]["encodedList"]), index)
    except (KeyError, TypeError, ValueError) as exc:
        return Check("status", False, f"The status entry cannot be read: {exc}")
    if not revoked:
        return Check("status", True, "Not revoked.")
    when = ""
    if local is not None:
        allocation = (
            StatusAllocation.objects.filter(status_list=local[1], index=index)
            .select_related("credential__award")
            .first()
        )
        if allocation is not None and allocation.credential.award.revoked_at:
            when = f" on {allocation.credential.award.revoked_at:%B %-d, %Y}"
    return Check("status", False, f"Revoked{when} by its issuer.")
