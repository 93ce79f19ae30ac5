"""Fetching what a verifier needs from other hosts — did:web documents and status lists —
only where the operator allows it (``CAIRN_VERIFY_NETWORK``): HTTPS only, no redirects, a
size limit, one deadline for the whole fetch, and never a private or local address, so a
credential cannot make Cairn probe its own network."""

import http.client
import ipaddress
import json
import re
import socket
import ssl
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

from cairn.credentials.keys import instance_did

NETWORK_TIMEOUT_SECONDS = 5.0  # for one whole fetch: connect, request and reading the body
NETWORK_MAX_BYTES = 512 * 1024  # a DID document is a few kB; a status list of 131,072 entries ~ 1 kB gzipped
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._~%-]+")


class NetworkLookupError(LookupError):
    """A document could not be fetched or is not usable; the message says why."""


def network_allowed() -> bool:
    return bool(getattr(settings, "CAIRN_VERIFY_NETWORK", False))


def _test_hosts() -> tuple[str, ...]:
    return tuple(getattr(settings, "CAIRN_VERIFY_NETWORK_TEST_HOSTS", ()))


def is_this_cairn(did: str) -> bool:
    ours = instance_did()
    return did == ours or did.startswith(ours + ":")


def did_web_url(did: str) -> str:
    """did:web Method Specification §3.2.2 Read (Resolve): did:web:<host>[:<path>…] becomes
    https://<host>/<path…>/did.json, or https://<host>/.well-known/did.json without a path;
    the host's percent-encoded port colon is decoded."""
    if not did.startswith("did:web:") or any(c in did for c in "?#/"):
        raise NetworkLookupError(f"{did} is not a did:web identifier")
    host, *segments = did[len("did:web:") :].split(":")
    host = unquote(host)
    name, _, port = host.partition(":")
    if not _HOST.fullmatch(name) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
        raise NetworkLookupError(f"{did} does not name a valid host")
    for segment in segments:
        if not _PATH_SEGMENT.fullmatch(segment) or unquote(segment) in {".", ".."} or "/" in unquote(segment):
            raise NetworkLookupError(f"{did} has an invalid path segment “{segment}”")
    path = "/".join(segments) if segments else ".well-known"
    scheme = "http" if name in _test_hosts() else "https"
    return f"{scheme}://{host}/{path}/did.json"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address already checked, not to whatever the name resolves to next
    (a second DNS answer could otherwise point the request at an internal address)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, over TLS: the certificate is still checked against the host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _checked_address(host: str, port: int) -> str:
    """The address to connect to: refused when it is not a public one (loopback, private,
    link-local…), so a credential cannot make Cairn probe its own network."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise NetworkLookupError(f"the host {host} cannot be found ({exc.strerror or exc})") from exc
    address = str(infos[0][4][0])
    try:
        public = ipaddress.ip_address(address.split("%")[0]).is_global
    except ValueError:
        public = False
    if host not in _test_hosts() and not public:
        raise NetworkLookupError(f"the host {host} is on a private or local address; Cairn does not fetch from those")
    return address


def fetch_json(url: str) -> dict[str, Any]:
    """GET a JSON object over HTTPS: no redirects, at most NETWORK_MAX_BYTES, within
    NETWORK_TIMEOUT_SECONDS. Every failure is a NetworkLookupError with a plain message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    plain_allowed = host in _test_hosts()
    if parts.scheme != "https" and not (parts.scheme == "http" and plain_allowed):
        raise NetworkLookupError(f"{url} is not an https URL")
    if not host or parts.username or parts.password:
        raise NetworkLookupError(f"{url} is not a URL Cairn fetches")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise NetworkLookupError(f"{url} has an invalid port") from exc
    deadline = time.monotonic() + NETWORK_TIMEOUT_SECONDS
    address = _checked_address(host, port)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=NETWORK_TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "GET", target, headers={"Accept": "application/did+ld+json, application/ld+json, application/json"}
        )
        response = connection.getresponse()
        if response.status != 200:
            raise NetworkLookupError(f"{url} answered HTTP {response.status} {response.reason}".rstrip())
        declared = response.getheader("Content-Length")
        if declared and declared.isdigit() and int(declared) > NETWORK_MAX_BYTES:
            raise NetworkLookupError(f"{url} is larger than {NETWORK_MAX_BYTES // 1024} kB")
        body = b""
        while len(body) <= NETWORK_MAX_BYTES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NetworkLookupError(f"{url} took longer than {NETWORK_TIMEOUT_SECONDS:g} s")
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            chunk = response.read1(65536)
            if not chunk:
                break
            body += chunk
        if len(body) > NETWORK_MAX_BYTES:
            raise NetworkLookupError(f"{url} is larger than {NETWORK_MAX_BYTES // 1024} kB")
    except TimeoutError as exc:
        raise NetworkLookupError(f"{url} took longer than {NETWORK_TIMEOUT_SECONDS:g} s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise NetworkLookupError(f"{url} could not be fetched ({exc})") from exc
    finally:
        connection.close()
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise NetworkLookupError(f"{url} is not JSON") from exc
    if not isinstance(document, dict):
        raise NetworkLookupError(f"{url} is not a JSON object")
    return document


def resolve_did_web(did: str) -> dict[str, Any]:
    """The DID document of a did:web of another host, fetched and checked: did:web §3.2.2
    requires its ``id`` to be the DID that was resolved."""
    url = did_web_url(did)
    document = fetch_json(url)
    if document.get("id") != did:
        raise NetworkLookupError(f"{url} is not the DID document of {did} (its id is {document.get('id')!r})")
    methods = document.get("verificationMethod", [])
    if not isinstance(methods, list) or not all(isinstance(m, dict) for m in methods):
        raise NetworkLookupError(f"{url} has no valid verificationMethod list")
    return document
