"""JSON-LD processing for credentials, fully offline.

Every context Cairn understands is bundled in ``contexts/`` (listed with its source and
sha256 in ``contexts/manifest.json``); a document that names any other context is refused,
never fetched. Canonicalisation is RDFC-1.0 (W3C RDF Dataset Canonicalization), all in
pyoxigraph: its JSON-LD parser turns the document into RDF (the context URLs replaced by the
bundled contexts first, since it loads nothing itself) and it labels the blank nodes.

Safe mode (Data Integrity §4.3, as jsonld.js has it): a term the contexts do not define would
otherwise be silently dropped from the signed data, so it could be added to a signed
credential without breaking the signature; a relative IRI would be signed as whatever a
processor resolved it against. ``canonicalize`` parses with a sentinel ``@vocab`` and base IRI
under every context: a term or type that no context defines expands under the sentinel
vocabulary, a relative IRI under the sentinel base, and either one is refused. When none
appears the sentinels changed nothing, so the RDF is exactly the document's own. Unknown
keywords (``@foo``), which JSON-LD ignores, are refused as well."""

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph

CONTEXTS_DIR = Path(__file__).parent / "contexts"

# The contexts (and nothing else) a document may use, by URL.
DocumentLoader = Mapping[str, dict[str, Any]]

# Sentinels for safe mode: IRIs no real term or identifier can expand to.
UNDEFINED_TERM = "urn:cairn:undefined-term:"
RELATIVE_IRI = "urn:cairn:relative-iri:/"
SENTINEL_BYTES = (UNDEFINED_TERM.encode(), RELATIVE_IRI.encode())
SENTINEL_CONTEXT = {"@vocab": UNDEFINED_TERM}
KEYWORDS = frozenset(
    {
        "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included",
        "@index", "@json", "@language", "@list", "@nest", "@none", "@prefix", "@propagate",
        "@protected", "@reverse", "@set", "@type", "@value", "@version", "@vocab",
    }
)  # fmt: skip


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
    """The bundled contexts, and ``documents`` beside them (for example a test's extra
    context): everything a document may name in ``@context``."""
    return {**bundled_contexts(), **(documents or {})}


def _inlined(document: Any, contexts: DocumentLoader) -> Any:
    """A copy of ``document`` ready for safe mode: each ``@context`` (at any depth) inlined,
    opening with the sentinel vocabulary, which comes again after every ``null`` (a null
    context clears the active context, and the sentinel with it)."""
    if isinstance(document, list):
        return [_inlined(item, contexts) for item in document]
    if not isinstance(document, dict):
        return document
    out = {}
    for key, value in document.items():
        if key.startswith("@") and key not in KEYWORDS:
            raise JsonLdRefused(f"terms not defined by the document's contexts: {key}")
        out[key] = _document_context(value, contexts) if key == "@context" else _inlined(value, contexts)
    return out


def _document_context(value: Any, contexts: DocumentLoader) -> list[Any]:
    out: list[Any] = [SENTINEL_CONTEXT]
    for item in value if isinstance(value, list) else [value]:
        if item is None:
            out += [None, SENTINEL_CONTEXT]
        elif isinstance(item, str):
            out.append(_known_context(item, contexts))
        elif isinstance(item, dict):
            out.append(_supplied_context(item, contexts))
        else:
            raise JsonLdRefused(f"not valid JSON-LD: a context cannot be {item!r}")
    return out


def _supplied_context(context: dict[str, Any], contexts: DocumentLoader) -> dict[str, Any]:
    """A context written into the document itself. Whatever it could use to make data vanish
    from the RDF unseen — clearing the vocabulary or the base, defining a term as null — is
    refused; its scoped contexts get the sentinel like any context in the document."""
    out: dict[str, Any] = {}
    for term, definition in context.items():
        if term in ("@vocab", "@base"):
            raise JsonLdRefused(f"a context in the document sets {term}, which Cairn does not accept")
        if definition is None or (isinstance(definition, dict) and "@id" in definition and definition["@id"] is None):
            raise JsonLdRefused(f"terms not defined by the document's contexts: {term} (defined as null)")
        if isinstance(definition, dict) and "@context" in definition:
            definition = {**definition, "@context": _document_context(definition["@context"], contexts)}
        out[term] = definition
    return out


def _known_context(url: str, contexts: DocumentLoader) -> Any:
    known = contexts.get(url)
    if known is None:
        raise JsonLdRefused(f"unknown context {url}: Cairn only uses the contexts it bundles")
    if known is bundled_contexts().get(url):
        return _bundled_context(url)
    return _trusted_context(known["@context"], contexts)


def _trusted_context(value: Any, contexts: DocumentLoader) -> Any:
    """A loaded context's content with the contexts it names by URL inlined as well."""
    if isinstance(value, list):
        return [_trusted_context(v, contexts) for v in value]
    if isinstance(value, str):
        return _known_context(value, contexts)
    if isinstance(value, dict):
        return {k: _trusted_context(v, contexts) if k == "@context" else v for k, v in value.items()}
    return value


@cache
def _bundled_context(url: str) -> Any:
    """A bundled context, inlined once: it never changes, and nothing mutates the result."""
    return _trusted_context(bundled_contexts()[url]["@context"], bundled_contexts())


def _refuse_sentinels(quad: pyoxigraph.Quad) -> None:
    is_type = quad.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    terms: list[tuple[str, Any]] = [("subject", quad.subject), ("predicate", quad.predicate), ("object", quad.object)]
    terms.append(("graph", quad.graph_name))
    if isinstance(quad.object, pyoxigraph.Literal):
        terms.append(("datatype", quad.object.datatype))
    for role, term in terms:
        if not isinstance(term, pyoxigraph.NamedNode):
            continue
        if term.value.startswith(UNDEFINED_TERM):
            name = term.value[len(UNDEFINED_TERM) :]
            if is_type and role == "object":
                raise JsonLdRefused(f"type “{name}” is not defined by the document's contexts")
            raise JsonLdRefused(f"terms not defined by the document's contexts: {name}")
        if term.value.startswith(RELATIVE_IRI):
            raise JsonLdRefused(f"identifier “{term.value[len(RELATIVE_IRI) :]}” is not an absolute IRI")


def _prepared_json(document: dict[str, Any], loader: DocumentLoader) -> str:
    """The JSON text pyoxigraph parses. A top-level @context of bundled context URLs (every
    credential Cairn issues) is serialised once per list and reused: writing out ~60 kB of
    contexts was a twentieth of the time of a signature."""
    urls = document.get("@context")
    body = {k: v for k, v in document.items() if k != "@context"}
    bundled = bundled_contexts()
    if (
        isinstance(urls, list)
        and urls
        and all(isinstance(u, str) and u in bundled and loader.get(u) is bundled[u] for u in urls)
    ):
        context_json = _bundled_context_json(tuple(urls))
    else:
        context_json = json.dumps(_document_context(urls if urls is not None else [], loader))
    rest = json.dumps(_inlined(body, loader))
    return '{"@context": ' + context_json + (", " + rest[1:] if rest != "{}" else "}")


@cache
def _bundled_context_json(urls: tuple[str, ...]) -> str:
    return json.dumps(_document_context(list(urls), bundled_contexts()))


def canonicalize(document: dict[str, Any], loader: DocumentLoader) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, in safe mode."""
    text = _prepared_json(document, loader)
    try:
        dataset = pyoxigraph.Dataset(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.JSON_LD, base_iri=RELATIVE_IRI))
    except (SyntaxError, ValueError) as exc:
        raise JsonLdRefused(f"not valid JSON-LD: {exc}") from exc
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    serialized = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS)
    assert serialized is not None
    # Every IRI is in the serialisation: look for the sentinels there, and term by term (to
    # name the culprit, or to clear a literal that merely contains their text) only if found.
    if SENTINEL_BYTES[0] in serialized or SENTINEL_BYTES[1] in serialized:
        for quad in dataset:
            _refuse_sentinels(quad)
    # RDFC-1.0 orders the canonical quads by code point; pyoxigraph leaves that to us.
    return "".join(sorted(line + "\n" for line in serialized.decode().splitlines() if line))
