"""W3C Bitstring Status List v1.0: the bitstring (§3.1), its encoding (§3.2) and the
BitstringStatusListCredential that carries it (§2.2)."""

import base64
import gzip
from datetime import UTC, datetime
from typing import Any

# §6.1: at least 131,072 entries, so one credential's position reveals little (herd privacy).
MIN_LENGTH = 131_072


def encode(revoked: set[int], length: int = MIN_LENGTH) -> str:
    """§3.2 Generate: index 0 is the left-most bit of the first byte; GZIP; multibase base64url
    without padding ('u' prefix)."""
    bits = bytearray(length // 8)
    for index in revoked:
        if not 0 <= index < length:
            raise ValueError(f"status index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def is_set(encoded_list: str, index: int) -> bool:
    """§3.3 Validate: the bit at ``index`` of an encodedList."""
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    data = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"status index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def compose_status_list_credential(
    *, url: str, issuer_id: str, valid_from: datetime, revoked: set[int], length: int = MIN_LENGTH
) -> dict[str, Any]:
    """§2.2 BitstringStatusListCredential for the revocation purpose (unsigned)."""
    when = valid_from.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": when,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(revoked, length),
        },
    }
