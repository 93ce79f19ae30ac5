"""did:web of other hosts: resolved (and their status lists fetched) only when the operator
sets CAIRN_VERIFY_NETWORK. A test HTTP server on 127.0.0.1 plays the other host."""

import copy
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cairn.credentials import resolution, verification
from cairn.credentials.openbadges.dataintegrity import multikey_from_public_key, sign
from cairn.credentials.openbadges.jsonld import offline_loader
from cairn.credentials.openbadges.statuslist import compose_status_list_credential
from cairn.credentials.resolution import NetworkLookupError, did_web_url, fetch_json
from cairn.credentials.tests.test_dataintegrity import CREDENTIAL
from cairn.credentials.verification import verify_credential

# path → (HTTP status, body, seconds to wait before answering)
Routes = dict[str, tuple[int, bytes, float]]


class OtherHost:
    """A foreign issuer at http://127.0.0.1:<port>: its DID document and status list."""

    def __init__(self, port: int, routes: Routes) -> None:
        self.port = port
        self.routes = routes
        self.did = f"did:web:127.0.0.1%3A{port}:issuers:other"
        self.key = Ed25519PrivateKey.generate()
        multikey = multikey_from_public_key(self.key.public_key())
        self.method_id = f"{self.did}#{multikey}"
        self.did_document = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [
                {"id": self.method_id, "type": "Multikey", "controller": self.did, "publicKeyMultibase": multikey}
            ],
            "assertionMethod": [self.method_id],
        }
        self.status_url = f"http://127.0.0.1:{port}/status/1"
        self.serve("/issuers/other/did.json", self.did_document)
        self.publish_status_list(revoked=set())

    def serve(self, path: str, document: Any, status: int = 200, delay: float = 0.0) -> None:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.routes[path] = (status, body, delay)

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        return sign(
            document,
            private_key=self.key,
            verification_method=self.method_id,
            created="2026-11-22T00:00:00Z",
            loader=offline_loader(),
        )

    def publish_status_list(self, revoked: set[int]) -> None:
        status_list = compose_status_list_credential(
            url=self.status_url, issuer_id=self.did, valid_from=datetime(2026, 11, 22, tzinfo=UTC), revoked=revoked
        )
        self.serve("/status/1", self.sign(status_list))

    def credential(self) -> dict[str, Any]:
        document = copy.deepcopy(CREDENTIAL)
        document["issuer"]["id"] = self.did
        document["credentialStatus"] = {
            "id": f"{self.status_url}#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": self.status_url,
        }
        return self.sign(document)


@pytest.fixture
def other_host() -> Iterator[OtherHost]:
    routes: Routes = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body, delay = routes.get(self.path, (404, b"not found", 0.0))
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the verifier gave up first, as it should

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield OtherHost(server.server_address[1], routes)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def network_on(settings):
    settings.CAIRN_VERIFY_NETWORK = True
    settings.CAIRN_VERIFY_NETWORK_TEST_HOSTS = ("127.0.0.1",)
    return settings


def checks(verdict: verification.Verdict) -> dict[str, verification.Check]:
    return {c.name: c for c in verdict.checks}


def test_network_resolution_is_off_unless_the_operator_turns_it_on(settings):
    assert settings.CAIRN_VERIFY_NETWORK is False


def test_with_the_network_off_another_hosts_credential_is_not_resolved(other_host, db, settings):
    settings.CAIRN_VERIFY_NETWORK_TEST_HOSTS = ("127.0.0.1",)  # reachable, but not allowed
    verdict = verify_credential(other_host.credential())
    assert not verdict.ok
    assert "is not an issuer this Cairn can resolve without the network" in checks(verdict)["proof"].message
    assert (
        checks(verdict)["status"].message
        == f"The status list {other_host.status_url} cannot be checked without the network."
    )


def test_with_the_network_on_another_hosts_credential_verifies_and_its_revocation_is_seen(other_host, db, network_on):
    credential = other_host.credential()
    verdict = verify_credential(credential)
    assert verdict.ok, verdict.as_dict()
    assert checks(verdict)["status"].message == "Not revoked."

    other_host.publish_status_list(revoked={7})
    status = checks(verify_credential(credential))["status"]
    assert not status.ok and status.message == "Revoked by its issuer."


def test_a_missing_did_document_is_a_clear_failure(other_host, db, network_on):
    del other_host.routes["/issuers/other/did.json"]
    proof = checks(verify_credential(other_host.credential()))["proof"]
    assert not proof.ok and "/issuers/other/did.json answered HTTP 404 Not Found" in proof.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (lambda did: b"<html>hello</html>", "is not JSON"),
        (lambda did: b"[1, 2, 3]", "is not a JSON object"),
        (lambda did: json.dumps({"id": "did:web:elsewhere.example"}).encode(), "is not the DID document of"),
        (lambda did: json.dumps({"id": did, "verificationMethod": "nope"}).encode(), "no valid verificationMethod"),
    ],
)
def test_a_garbage_did_document_is_a_clear_failure(other_host, db, network_on, body, expected):
    other_host.serve("/issuers/other/did.json", body(other_host.did))
    proof = checks(verify_credential(other_host.credential()))["proof"]
    assert not proof.ok and expected in proof.message


def test_a_garbage_status_list_is_a_clear_failure(other_host, db, network_on):
    other_host.serve("/status/1", b"not json at all")
    status = checks(verify_credential(other_host.credential()))["status"]
    assert not status.ok and status.message.startswith("The status list could not be fetched:")
    assert "is not JSON" in status.message


def test_a_document_too_large_or_too_slow_is_refused(other_host, network_on, monkeypatch):
    monkeypatch.setattr(resolution, "NETWORK_MAX_BYTES", 1000)
    monkeypatch.setattr(resolution, "NETWORK_TIMEOUT_SECONDS", 0.5)
    other_host.serve("/big", {"padding": "x" * 2000})
    with pytest.raises(NetworkLookupError, match="larger than"):
        fetch_json(f"http://127.0.0.1:{other_host.port}/big")
    other_host.serve("/slow", {"ok": True}, delay=2.0)
    started = time.monotonic()
    with pytest.raises(NetworkLookupError, match=r"took longer than 0\.5 s"):
        fetch_json(f"http://127.0.0.1:{other_host.port}/slow")
    assert time.monotonic() - started < 1.5


def test_local_addresses_and_plain_http_are_refused_outside_tests(other_host, settings):
    settings.CAIRN_VERIFY_NETWORK = True  # but 127.0.0.1 is not a test host here
    with pytest.raises(NetworkLookupError, match="not an https URL"):
        fetch_json(f"http://127.0.0.1:{other_host.port}/issuers/other/did.json")
    with pytest.raises(NetworkLookupError, match="private or local address"):
        fetch_json(did_web_url(other_host.did))
    with pytest.raises(NetworkLookupError, match="private or local address"):
        fetch_json("https://localhost/.well-known/did.json")


def test_this_cairns_own_did_is_never_fetched(db, network_on, monkeypatch):
    from cairn.credentials.keys import instance_did

    def refuse(url: str) -> dict:
        raise AssertionError(f"fetched {url}")

    monkeypatch.setattr(resolution, "fetch_json", refuse)
    monkeypatch.setattr(verification, "fetch_json", refuse)
    resolve = verification.make_resolver()
    with pytest.raises(LookupError, match="is not an issuer of this Cairn"):
        resolve(f"{instance_did()}:issuers:nobody#key")


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ],
)
def test_a_did_web_becomes_the_url_the_did_web_spec_gives(did, url):
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:exa mple.com",
        "did:web:example.com%2Fevil",
        "did:web:example.com:..:secret",
        "did:web:example.com%3A99999",
        "did:web:user@example.com",
        "did:key:z6Mk",
    ],
)
def test_a_malformed_did_web_is_refused_before_any_request(did):
    with pytest.raises(NetworkLookupError):
        did_web_url(did)
