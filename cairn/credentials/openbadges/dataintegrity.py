"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C "Data Integrity EdDSA
Cryptosuites v1.0", §3.3: eddsa-rdfc-2022; Ed25519 keys as Multikey, §2.1.1)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cairn.credentials.openbadges.jsonld import DocumentLoader, JsonLdRefused, canonicalize

CRYPTOSUITE = "eddsa-rdfc-2022"
ED25519_MULTICODEC = b"\xed\x01"  # varint of multicodec 0xed, ed25519-pub


def multikey_from_public_key(public_key: Ed25519PublicKey) -> str:
    """publicKeyMultibase: base58btc ('z') of the multicodec prefix and the 32-byte key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode()


def public_key_from_multikey(multibase: str) -> Ed25519PublicKey:
    if not multibase.startswith("z"):
        raise ValueError("the key is not base58btc multibase")
    raw = base58.b58decode(multibase[1:])
    if len(raw) != 34 or raw[:2] != ED25519_MULTICODEC:
        raise ValueError("the key is not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def hash_data(document: dict[str, Any], proof: dict[str, Any], loader: DocumentLoader) -> bytes:
    """§3.3.4 Hashing: SHA-256 of the canonical proof configuration, then of the canonical
    unsecured document. The proof configuration carries the document's @context (§3.3.5)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured.get("@context")
    return (
        hashlib.sha256(canonicalize(config, loader).encode()).digest()
        + hashlib.sha256(canonicalize(unsecured, loader).encode()).digest()
    )


def sign(
    document: dict[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    loader: DocumentLoader,
) -> dict[str, Any]:
    """§3.3.1 Create proof: the document with a DataIntegrityProof for assertionMethod."""
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(hash_data(document, proof, loader))
    return {**document, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}


@dataclass(frozen=True)
class ProofCheck:
    ok: bool
    reason: str
    verification_method: str = ""
    controller: str = ""


# verification method id → (the method, its controller document); raises LookupError if unknown.
MethodResolver = Callable[[str], tuple[dict[str, Any], dict[str, Any]]]


def verify(document: dict[str, Any], *, resolve: MethodResolver, loader: DocumentLoader) -> ProofCheck:
    """§3.3.2 Verify proof, plus the checks around it: the key is one its controller
    authorises for assertions, and (for credentials) the controller is the issuer."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            return ProofCheck(False, "Cairn verifies credentials with exactly one proof")
        proof = proof[0]
        document = {**document, "proof": proof}
    if not isinstance(proof, dict):
        return ProofCheck(False, "the credential has no proof")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck(False, f"unsupported proof: {proof.get('type')} / {proof.get('cryptosuite')}")
    method_id = str(proof.get("verificationMethod", ""))
    try:
        method, controller = resolve(method_id)
    except LookupError as exc:
        return ProofCheck(False, f"the signing key {method_id} could not be resolved: {exc}", method_id)
    controller_id = str(controller.get("id", ""))
    if method.get("controller") != controller_id:
        return ProofCheck(False, "the key's controller does not match its controller document", method_id)
    purpose = str(proof.get("proofPurpose", ""))
    authorised = [m if isinstance(m, str) else m.get("id") for m in controller.get(purpose, [])]
    if purpose != "assertionMethod" or method_id not in authorised:
        return ProofCheck(False, f"the key is not authorised for {purpose or 'this purpose'}", method_id)
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id is not None and issuer_id != controller_id:
        return ProofCheck(False, "the signing key does not belong to the credential's issuer", method_id)
    value = str(proof.get("proofValue", ""))
    try:
        public_key = public_key_from_multikey(str(method.get("publicKeyMultibase", "")))
        signature = base58.b58decode(value[1:]) if value.startswith("z") else b""
        if len(signature) != 64:
            return ProofCheck(False, "the proof value is not an Ed25519 signature", method_id, controller_id)
        public_key.verify(signature, hash_data(document, proof, loader))
    except JsonLdRefused as exc:
        return ProofCheck(False, str(exc), method_id, controller_id)
    except (ValueError, InvalidSignature) as exc:
        reason = "the signature does not match the credential" if isinstance(exc, InvalidSignature) else str(exc)
        return ProofCheck(False, reason, method_id, controller_id)
    return ProofCheck(True, "signature verified", method_id, controller_id)
