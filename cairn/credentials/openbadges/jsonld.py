"""JSON-LD processing for credentials, fully offline.

Every context Cairn understands is bundled in ``contexts/`` (listed with its source and
sha256 in ``contexts/manifest.json``); a document that names any other context is refused,
never fetched. Canonicalisation is RDFC-1.0 (W3C RDF Dataset Canonicalization): pyld turns
the JSON-LD into N-Quads and pyoxigraph canonicalises them, because pyld's own N-Quads
escaping of control characters differs from RDFC-1.0 and other verifiers would disagree.

pyld has no "safe mode" (jsonld.js has): without one, a term the contexts do not define is
silently dropped from the signed data, so it could be added to a signed credential without
breaking the signature. ``canonicalize`` therefore refuses dropped terms and relative
``@id``/``@type`` values, as the Data Integrity specification requires (§4.3, safe mode)."""

import copy
import hashlib
import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph
from pyld import jsonld
from pyld.jsonld import JsonLdError, JsonLdProcessor

CONTEXTS_DIR = Path(__file__).parent / "contexts"

DocumentLoader = Callable[..., dict[str, Any]]


class JsonLdRefused(ValueError):
    """The document cannot be processed safely; the message says why."""


@cache
def bundled_contexts() -> dict[str, dict[str, Any]]:
    """URL → context document, checked against the manifest's sha256 on first use."""
    manifest = json.loads((CONTEXTS_DIR / "manifest.json").read_text())
    contexts = {}
    for entry in manifest["contexts"]:
        raw = (CONTEXTS_DIR / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise RuntimeError(f"bundled context {entry['file']} does not match its recorded sha256")
        contexts[entry["url"]] = json.loads(raw)
    return contexts


def offline_loader(documents: Mapping[str, dict[str, Any]] | None = None) -> DocumentLoader:
    """A pyld document loader serving the bundled contexts and ``documents`` (for example a
    controller document), and refusing everything else."""
    known = {**bundled_contexts(), **(documents or {})}

    def load(url: str, options: Any = None) -> dict[str, Any]:
        document = known.get(url)
        if document is None:
            raise JsonLdError(
                f"Cairn does not fetch documents; {url} is not bundled",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(document),
        }

    return load


def _unknown_url(error: BaseException) -> str | None:
    """The URL a load failure was about, searching pyld's chain of causes."""
    seen: BaseException | None = error
    while seen is not None:
        details = getattr(seen, "details", None)
        if isinstance(details, dict) and details.get("url"):
            return str(details["url"])
        seen = getattr(seen, "cause", None) or seen.__cause__
    return None


def _check_absolute(expanded: Any) -> None:
    if isinstance(expanded, list):
        for item in expanded:
            _check_absolute(item)
    elif isinstance(expanded, dict):
        for key, value in expanded.items():
            if key == "@type" and "@value" not in expanded:
                for t in value if isinstance(value, list) else [value]:
                    if ":" not in t:
                        raise JsonLdRefused(f"type “{t}” is not defined by the document's contexts")
            elif key == "@id" and isinstance(value, str) and ":" not in value:
                raise JsonLdRefused(f"identifier “{value}” is not an absolute IRI")
            else:
                _check_absolute(value)


def canonicalize(document: dict[str, Any], loader: DocumentLoader) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, in safe mode."""
    dropped: list[Any] = []
    # base=None: pyld would otherwise resolve relative IRIs against a made-up base and sign them.
    options = {"documentLoader": loader, "base": None}
    try:
        expanded = JsonLdProcessor(on_property_dropped=dropped.append).expand(document, options)
        if dropped:
            names = ", ".join(sorted({str(d.get("property", d)) if isinstance(d, dict) else str(d) for d in dropped}))
            raise JsonLdRefused(f"terms not defined by the document's contexts: {names}")
        _check_absolute(expanded)
        # The RDF comes from the expansion already made: expanding twice was half the time.
        nquads = jsonld.to_rdf(expanded, {**options, "format": "application/n-quads"})
    except JsonLdError as exc:
        url = _unknown_url(exc)
        if url:
            raise JsonLdRefused(f"unknown context {url}: Cairn only uses the contexts it bundles") from exc
        raise JsonLdRefused(f"not valid JSON-LD: {exc}") from exc
    dataset = pyoxigraph.Dataset(pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS))
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    serialized = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS)
    assert serialized is not None
    # RDFC-1.0 orders the canonical quads by code point; pyoxigraph leaves that to us.
    return "".join(sorted(line + "\n" for line in serialized.decode().splitlines() if line))
