"""One verifier for every way a credential reaches Cairn (library, command, page, API).

Each check is reported by name so a person can see exactly what passed and what did not.
Keys are resolved without the network by default: did:web identities of this Cairn instance
(the instance itself and its issuers) from its own database, did:key from the identifier
itself, and — in tests — an explicit map of controller documents. Only when the operator sets
``CAIRN_VERIFY_NETWORK`` does the verifier resolve did:web identities of other hosts and fetch
their status lists, over HTTPS, with a short timeout and a size limit.

An Open Badges 3.0 credential gets the checks schema, proof, status (when it has one) and
dates; a CLR 2.0 transcript (ClrCredential) gets a structural schema check, its own proof and
dates, and a "credentials" check that verifies every credential it bundles the same way."""

import hashlib
import json
import threading
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
from cairn.credentials.openbadges.clr import CONTEXT as CLR_CONTEXT
from cairn.credentials.openbadges.clr import EMBEDDABLE_TYPES
from cairn.credentials.openbadges.dataintegrity import MethodResolver, ProofCheck, verify
from cairn.credentials.openbadges.jsonld import offline_loader
from cairn.credentials.openbadges.statuslist import is_set
from cairn.credentials.resolution import NetworkLookupError, fetch_json, is_this_cairn, network_allowed, resolve_did_web


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


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def is_clr(document: dict[str, Any]) -> bool:
    return "ClrCredential" in _types(document.get("type"))


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


def clr_shape_check(document: dict[str, Any]) -> Check:
    """CLR 2.0 ClrCredential shape, checked structurally (Cairn bundles no CLR JSON Schema):
    the required properties and the ones a transcript is for — a ClrSubject with at least one
    embedded Open Badges credential."""
    problems = []
    context = document.get("@context")
    if not isinstance(context, list) or context[: len(CLR_CONTEXT)] != list(CLR_CONTEXT):
        problems.append("@context must begin with " + ", ".join(CLR_CONTEXT))
    if "VerifiableCredential" not in _types(document.get("type")):
        problems.append("type must include VerifiableCredential")
    if not isinstance(document.get("id"), str):
        problems.append("id is missing")
    issuer = document.get("issuer")
    if not (isinstance(issuer, str) or (isinstance(issuer, dict) and isinstance(issuer.get("id"), str))):
        problems.append("issuer is missing")
    if not isinstance(document.get("name"), str) or not document["name"].strip():
        problems.append("name is missing")
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or "ClrSubject" not in _types(subject.get("type")):
        problems.append("credentialSubject must be a ClrSubject")
    else:
        embedded = subject.get("verifiableCredential")
        if not isinstance(embedded, list) or not embedded:
            problems.append("credentialSubject.verifiableCredential must list at least one credential")
        else:
            for index, credential in enumerate(embedded):
                if not isinstance(credential, dict) or not EMBEDDABLE_TYPES & set(_types(credential.get("type"))):
                    problems.append(f"credentialSubject.verifiableCredential/{index} is not an Open Badges credential")
    if problems:
        return Check("schema", False, "Not a CLR 2.0 transcript: " + "; ".join(problems[:5]))
    return Check("schema", True, "CLR 2.0 ClrCredential shape (checked structurally; no CLR JSON Schema is bundled).")


def did_key_controller(did: str) -> dict[str, Any] | None:
    """did:key (Multikey, Ed25519): the controller document follows from the identifier."""
    if not did.startswith("did:key:z"):
        return None
    key = did[len("did:key:") :]
    method = {"id": f"{did}#{key}", "type": "Multikey", "controller": did, "publicKeyMultibase": key}
    return {"id": did, "verificationMethod": [method], "assertionMethod": [method["id"]]}


def make_resolver(overrides: Mapping[str, dict[str, Any]] | None = None) -> MethodResolver:
    """Verification method id → (method, controller document). Controller documents come from
    ``overrides``, did:key, this Cairn's database and, if the operator allows it, did:web of
    other hosts; each is looked up once per resolver."""
    found: dict[str, dict[str, Any]] = {}

    def controller(controller_id: str) -> dict[str, Any]:
        if controller_id in found:
            return found[controller_id]
        document = (
            (overrides or {}).get(controller_id) or did_key_controller(controller_id) or local_controller(controller_id)
        )
        if document is None:
            if is_this_cairn(controller_id):
                raise LookupError(f"{controller_id} is not an issuer of this Cairn")
            if not (network_allowed() and controller_id.startswith("did:web:")):
                raise LookupError(f"{controller_id} is not an issuer this Cairn can resolve without the network")
            document = resolve_did_web(controller_id)
        found[controller_id] = document
        return document

    def resolve_method(method_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        document = controller(method_id.split("#")[0])
        for method in document.get("verificationMethod", []):
            if isinstance(method, dict) and method.get("id") == method_id:
                return method, document
        raise LookupError("the key is not in its controller's document")

    return resolve_method


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def dates_check(document: dict[str, Any], now: datetime) -> Check:
    valid_from, valid_until = _date(document.get("validFrom")), _date(document.get("validUntil"))
    if valid_from is None:
        return Check("dates", False, "validFrom is missing or not a date-time.")
    if valid_from > now:
        return Check("dates", False, f"Not valid before {valid_from.isoformat()}.")
    if valid_until is not None and valid_until < now:
        return Check("dates", False, f"Expired on {valid_until.isoformat()}.")
    return Check("dates", True, "Within its validity period.")


def verify_credential(
    document: Any, *, overrides: Mapping[str, dict[str, Any]] | None = None, now: datetime | None = None
) -> Verdict:
    return _verify(document, resolve=make_resolver(overrides), overrides=overrides, now=now or timezone.now())


def _verify(
    document: Any,
    *,
    resolve: MethodResolver,
    overrides: Mapping[str, dict[str, Any]] | None,
    now: datetime,
    transcript: bool = True,
) -> Verdict:
    """``transcript`` False for a credential inside a CLR: one level of bundling only, so a
    CLR inside a CLR is checked (and refused) as an Open Badges credential."""
    verdict = Verdict()
    if not isinstance(document, dict):
        verdict.checks.append(Check("format", False, "A credential is a JSON object."))
        return verdict
    clr = transcript and is_clr(document)
    verdict.checks.append(clr_shape_check(document) if clr else schema_check(document))
    proof = verify(document, resolve=resolve, loader=offline_loader())
    verdict.checks.append(Check("proof", proof.ok, proof.reason))
    status = status_check(document, overrides, resolve=resolve)
    if status is not None:
        verdict.checks.append(status)
    verdict.checks.append(dates_check(document, now))
    if clr:
        verdict.checks.append(credentials_check(document, resolve=resolve, overrides=overrides, now=now))
    return verdict


def _credential_title(credential: Any, index: int) -> str:
    if isinstance(credential, dict):
        if isinstance(credential.get("name"), str):
            return credential["name"]
        subject = credential.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict) and isinstance(achievement.get("name"), str):
            return achievement["name"]
    return f"credential {index + 1}"


def credentials_check(
    document: dict[str, Any],
    *,
    resolve: MethodResolver,
    overrides: Mapping[str, dict[str, Any]] | None,
    now: datetime,
) -> Check:
    """Every credential a CLR bundles, verified as if it had been presented alone: the
    transcript's own proof only says what the instance bundled, not that each issuer's
    credential is still intact and unrevoked."""
    subject = document.get("credentialSubject")
    embedded = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if not isinstance(embedded, list) or not embedded:
        return Check("credentials", False, "The transcript holds no credentials.")
    failures = []
    for index, credential in enumerate(embedded):
        verdict = _verify(credential, resolve=resolve, overrides=overrides, now=now, transcript=False)
        if not verdict.ok:
            reasons = "; ".join(f"{c.name}: {c.message}" for c in verdict.checks if not c.ok)
            failures.append(f"“{_credential_title(credential, index)}” ({reasons})")
    total, verified = len(embedded), len(embedded) - len(failures)
    noun = "credential" if total == 1 else "credentials"
    if not failures:
        return Check("credentials", True, f"All {total} {noun} in the transcript verify.")
    return Check("credentials", False, f"{verified} of {total} {noun} verify. Not verified: " + "; ".join(failures))


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


_VERIFIED_STATUS_LISTS: dict[str, ProofCheck] = {}
_VERIFIED_STATUS_LISTS_MAX = 256
_VERIFIED_STATUS_LISTS_LOCK = threading.Lock()


def _status_list_proof(list_document: dict[str, Any], resolve: MethodResolver) -> ProofCheck:
    """The status list's own proof check, remembered: every credential of an issuer points at
    the same few lists (a transcript's credentials often at one), and a list changes only when
    it is re-signed. The memo is keyed by the list exactly as given and by the key its proof
    names as resolved now, so a changed list or a changed key is checked afresh."""
    proof = list_document.get("proof")
    method_id = proof.get("verificationMethod") if isinstance(proof, dict) else None
    try:
        resolved = resolve(method_id) if isinstance(method_id, str) else None
    except LookupError:
        resolved = None
    key = hashlib.sha256(json.dumps([list_document, resolved], sort_keys=True).encode()).hexdigest()
    known = _VERIFIED_STATUS_LISTS.get(key)
    if known is not None:
        return known
    checked = verify(list_document, resolve=resolve, loader=offline_loader())
    with _VERIFIED_STATUS_LISTS_LOCK:
        if len(_VERIFIED_STATUS_LISTS) >= _VERIFIED_STATUS_LISTS_MAX:
            _VERIFIED_STATUS_LISTS.pop(next(iter(_VERIFIED_STATUS_LISTS)))
        _VERIFIED_STATUS_LISTS[key] = checked
    return checked


def status_check(
    document: dict[str, Any],
    overrides: Mapping[str, dict[str, Any]] | None,
    *,
    resolve: MethodResolver | None = None,
) -> Check | None:
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
        if url.startswith(public_url("/")):
            return Check("status", False, f"The status list {url} is not one this Cairn publishes.")
        if not network_allowed():
            return Check("status", False, f"The status list {url} cannot be checked without the network.")
        try:
            list_document = fetch_json(url)
        except NetworkLookupError as exc:
            return Check("status", False, f"The status list could not be fetched: {exc}")
    proof = _status_list_proof(list_document, resolve or make_resolver(overrides))
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
