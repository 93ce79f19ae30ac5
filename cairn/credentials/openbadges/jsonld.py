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
keywords (``@foo``), which JSON-LD ignores, are refused as well.

Speed: the bundled contexts are pruned to the terms a document reaches (``_prepared_json``);
see docs/decisions/0006-canonicalisation-in-pyoxigraph.md."""

import hashlib
import json
from collections.abc import Mapping
from functools import cache, lru_cache
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
    """The JSON text pyoxigraph parses: the sentinel and the inlined contexts, then the body.

    For the common case — a top-level @context of bundled context URLs and no context inside
    the document — the contexts are *pruned* to the terms the document can reach, and the
    result is kept for the next document that reaches the same terms. pyoxigraph copies the
    whole active context at every typed node, so the ~170 terms of the credentials and Open
    Badges contexts made up most of the time of a signature; a credential reaches ~60.
    Expansion consults a term only for a key or a string value that names it (or a compact IRI
    whose prefix it is), or through another such term's definition, so the terms kept give the
    very RDF the whole contexts give. The one difference: a clash between two bundled contexts
    over a protected term that the document never uses goes unnoticed (the whole contexts
    would refuse the document; nothing in its RDF depends on that term)."""
    urls = document.get("@context")
    body = {k: v for k, v in document.items() if k != "@context"}
    rest = json.dumps(_inlined(body, loader))
    rest = ", " + rest[1:] if rest != "{}" else "}"
    bundled = bundled_contexts()
    if (
        isinstance(urls, list)
        and urls
        and all(isinstance(u, str) and u in bundled and loader.get(u) is bundled[u] for u in urls)
    ):
        names: set[str] = set()
        if _collect_strings(body, names):
            terms = _reachable_terms(tuple(urls), names)
            return '{"@context": ' + _pruned_context_json(tuple(urls), terms) + rest
        return '{"@context": ' + _bundled_context_json(tuple(urls)) + rest
    return '{"@context": ' + json.dumps(_document_context(urls if urls is not None else [], loader)) + rest


@cache
def _bundled_context_json(urls: tuple[str, ...]) -> str:
    return json.dumps(_document_context(list(urls), bundled_contexts()))


def _collect_strings(value: Any, out: set[str]) -> bool:
    """Every key and string value of a document, and the prefix of each that has a colon.
    False when the document holds a @context of its own (no pruning then)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                return False
            _add_name(key, out)
            if not _collect_strings(item, out):
                return False
    elif isinstance(value, list):
        return all(_collect_strings(item, out) for item in value)
    elif isinstance(value, str):
        _add_name(value, out)
    return True


def _add_name(name: str, out: set[str]) -> None:
    out.add(name)
    prefix, colon, _ = name.partition(":")
    if colon:
        out.add(prefix)


@cache
def _term_definitions(urls: tuple[str, ...]) -> dict[str, list[Any]]:
    """Term name → its definitions, in these contexts and every scoped context inside them."""
    found: dict[str, list[Any]] = {}

    def walk(context: Any) -> None:
        if isinstance(context, list):
            for item in context:
                walk(item)
        elif isinstance(context, dict):
            for term, definition in context.items():
                if term.startswith("@"):
                    continue
                found.setdefault(term, []).append(definition)
                if isinstance(definition, dict) and "@context" in definition:
                    walk(definition["@context"])

    walk(json.loads(_bundled_context_json(urls)))
    return found


def _reachable_terms(urls: tuple[str, ...], names: set[str]) -> frozenset[str]:
    """The terms a document with these keys and values can reach: those it names, and those
    their definitions name in turn (an IRI like "xsd:date" reaches the term "xsd")."""
    definitions = _term_definitions(urls)
    reached = {name for name in names if name in definitions}
    todo = list(reached)
    while todo:
        found: set[str] = set()
        for definition in definitions[todo.pop()]:
            _definition_names(definition, found)
        for name in found:
            if name in definitions and name not in reached:
                reached.add(name)
                todo.append(name)
    return frozenset(reached)


def _definition_names(definition: Any, out: set[str]) -> None:
    if isinstance(definition, str):
        _add_name(definition, out)
    elif isinstance(definition, list):
        for item in definition:
            _definition_names(item, out)
    elif isinstance(definition, dict):
        for key, item in definition.items():
            if key != "@context":  # a scoped context's terms are reached on their own
                _definition_names(item, out)


@lru_cache(maxsize=512)
def _pruned_context_json(urls: tuple[str, ...], terms: frozenset[str]) -> str:
    def prune(context: Any) -> Any:
        if isinstance(context, list):
            return [prune(item) for item in context]
        if not isinstance(context, dict):
            return context
        kept: dict[str, Any] = {}
        for term, definition in context.items():
            if term.startswith("@"):
                kept[term] = definition
            elif term in terms:
                if isinstance(definition, dict) and "@context" in definition:
                    definition = {**definition, "@context": prune(definition["@context"])}
                kept[term] = definition
        return kept

    return json.dumps(prune(json.loads(_bundled_context_json(urls))))


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
