"""Credential benchmark: how fast Cairn composes, signs and verifies an Open Badges 3.0
credential (Data Integrity, eddsa-rdfc-2022), next to Digital Bazaar's reference libraries
signing and verifying the same credential with the same key. A measurement, not a test: it
prints numbers and verdicts, exits 0.

    .venv/bin/python bench/credentials.py               # needs node + tests/interop/node_modules
                                                        # for the reference column (npm ci if absent)

No database is used: the issuer is a did:key (its controller document follows from the
identifier), the status list is handed to the verifier, and any SQL would be reported.
Django is set up only because the verifier imports models; CAIRN_DATA_DIR points at a
temporary folder. See bench/README.md.
"""

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
INTEROP = REPO_ROOT / "tests" / "interop"
TARGET_RATIO = 2.0  # the issue's target: Cairn at least twice as fast as the reference, sign and verify
CREATED = "2026-11-22T15:04:06Z"
STATUS_URL = "https://status.cairn-bench.example/issuers/state/1"
LEVELS_PER_CRITERION = (2, 3, 4, 3, 2, 4, 3, 4)  # 8 rubric criteria, 2–4 levels each


def _setup_django(data_dir: Path) -> None:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cairn.settings"
    os.environ["CAIRN_DATA_DIR"] = str(data_dir)
    import django

    django.setup()


@dataclass
class Fixture:
    """One issuer (a fresh Ed25519 key behind a did:key) and what the benchmark signs."""

    private_key: Any
    seed: bytes
    did: str
    method_id: str
    controller: dict[str, Any]
    status_list: dict[str, Any]  # signed BitstringStatusListCredential, nothing revoked
    compose_kwargs: Callable[[int], dict[str, Any]]


def _fixture() -> Fixture:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    from cairn.credentials.openbadges import compose as c
    from cairn.credentials.openbadges.dataintegrity import multikey_from_public_key, sign
    from cairn.credentials.openbadges.jsonld import offline_loader
    from cairn.credentials.openbadges.statuslist import compose_status_list_credential

    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    multikey = multikey_from_public_key(key.public_key())
    did = f"did:key:{multikey}"
    method_id = f"{did}#{multikey}"
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        ],
        "assertionMethod": [method_id],
    }
    valid_from = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    status_list = sign(
        compose_status_list_credential(url=STATUS_URL, issuer_id=did, valid_from=valid_from, revoked={17}),
        private_key=key,
        verification_method=method_id,
        created=CREATED,
        loader=offline_loader(),
    )

    issuer = c.IssuerProfile(
        id=did,
        name="State Department of Education",
        url="https://cairn.example/issuers/state",
        email="badges@state.example",
        image_url="https://cairn.example/media/issuers/state.png",
    )
    mc = "https://cairn.example/catalog/mc/instructional-leadership/?version=3"
    names = ["Not yet", "Approaching", "Meets", "Exceeds"]
    criteria = []
    for n, count in enumerate(LEVELS_PER_CRITERION, start=1):
        base = f"https://cairn.example/catalog/mc/instructional-leadership/v3/criteria/{n}"
        levels = [
            c.LevelData(
                id=f"{base}#level-{i}", name=names[i], description=f"{names[i]}: the evidence for criterion {n}."
            )
            for i in range(count)
        ]
        criteria.append(
            c.CriterionData(
                id=base,
                name=f"Criterion {n}: evidence of instructional leadership practice {n}",
                levels=levels,
                required_level_id=levels[count // 2].id,
            )
        )
    achievement = c.AchievementData(
        id=mc,
        name="Instructional Leadership",
        description="The principal leads a school-wide cycle of instructional improvement grounded in evidence.",
        criteria_narrative=(
            "Submit four artifacts:\n\n1. a narrative of the improvement cycle;\n2. sample documents;\n"
            "3. a written analysis of the results;\n4. a reflection and dissemination plan."
        ),
        criteria_url=f"{mc}#criteria",
        image_url="https://cairn.example/media/catalog/images/instructional-leadership.png",
        version="3",
        credits_available=Decimal("12.5"),
        creator=issuer,
        alignments=[
            c.AlignmentData(
                target_url="https://cairn.example/frameworks/mlds/1.A",
                target_name="Vision, mission and goals",
                target_code="1.A",
                target_framework="Missouri Leader Development System",
                target_description="The leader builds a shared vision of learning.",
            ),
            c.AlignmentData(
                target_url="https://cairn.example/frameworks/learning-forward/data",
                target_name="Data",
                target_code="DATA",
                target_framework="Learning Forward Standards for Professional Learning",
                target_type="ext:CairnFrameworkItem",
            ),
            c.AlignmentData(
                target_url="https://case.example/uri/0f8e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
                target_name="Instructional leadership",
                target_code="II.B",
                target_framework="State Teaching Standards",
                target_type="CFItem",
            ),
        ],
        result_descriptions=criteria,
    )
    evidence = [
        c.EvidenceData(
            id="https://cairn.example/portfolio/p/8c1f/narrative",
            name="Narrative of the improvement cycle",
            description="How the leadership team ran one cycle of inquiry.",
            narrative="Shared by the earner. *Names of students removed.*",
        ),
        c.EvidenceData(id="https://cairn.example/portfolio/p/8c1f/dissemination-plan", name="Dissemination plan"),
    ]

    def compose_kwargs(i: int) -> dict[str, Any]:
        """Arguments of credential number ``i``: its own id, earner, results and status index."""
        salt = f"salt-{i:08d}"
        subject = c.SubjectData(
            identifier_hash=c.hash_identity(f"educator{i}@district-a.example", salt),
            salt=salt,
            results=[(cr.id, cr.levels[(i + k) % len(cr.levels)].id) for k, cr in enumerate(criteria)],
            credits_earned=Decimal("12.5"),
        )
        index = 1000 + i % 100_000
        return {
            "credential_id": f"https://cairn.example/credentials/{uuid.UUID(int=i + 1)}",
            "name": "Instructional Leadership",
            "valid_from": valid_from,
            "issuer": issuer,
            "achievement": achievement,
            "subject": subject,
            "evidence": evidence,
            "status": c.StatusEntry(
                id=f"{STATUS_URL}#{index}", status_list_credential=STATUS_URL, status_list_index=index
            ),
        }

    return Fixture(key, seed, did, method_id, controller, status_list, compose_kwargs)


def _timed(run: Callable[[int], Any], warmups: int, runs: int) -> list[float]:
    """Milliseconds of each timed call of ``run(i)`` after ``warmups`` untimed ones."""
    for i in range(warmups):
        run(i)
    gc.collect()
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        run(warmups + i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


class _NoDatabase:
    """connection.execute_wrapper that counts SQL statements (none are expected)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append(sql)
        return execute(sql, params, many, context)


@dataclass
class Row:
    operation: str
    python_ms: float | None
    js_ms: float | None
    target: bool  # counted in the overall verdict
    note: str = ""


def _breakdown(credential: dict[str, Any], proof: dict[str, Any], warmups: int, runs: int) -> list[tuple[str, float]]:
    """Where the time of one sign goes: the steps of jsonld.canonicalize (the same calls,
    timed one by one) for the proof configuration and the document, then the hashing and the
    signature. The medians add up to about one sign."""
    import hashlib

    import pyoxigraph
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cairn.credentials.openbadges.jsonld import (
        RELATIVE_IRI,
        SENTINEL_BYTES,
        _prepared_json,
        offline_loader,
    )

    contexts = offline_loader()
    config = {**proof, "@context": credential["@context"]}
    key = Ed25519PrivateKey.generate()
    steps: dict[str, list[float]] = {}
    clock = time.perf_counter

    def record(name: str, started: float) -> float:
        now = clock()
        steps.setdefault(name, []).append((now - started) * 1000)
        return now

    for i in range(warmups + runs):
        if i == warmups:
            steps.clear()
            gc.collect()
        for label, doc in (("proof config", config), ("document", credential)):
            t = clock()
            text = _prepared_json(doc, contexts)
            t = record(f"{label}: contexts (pruned, cached) + JSON", t)
            quads = list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.JSON_LD, base_iri=RELATIVE_IRI))
            t = record(f"{label}: pyoxigraph JSON-LD to RDF", t)
            dataset = pyoxigraph.Dataset(quads)
            dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
            serialized = pyoxigraph.serialize(dataset, format=pyoxigraph.RdfFormat.N_QUADS) or b""
            t = record(f"{label}: pyoxigraph RDFC-1.0 + serialize", t)
            if SENTINEL_BYTES[0] in serialized or SENTINEL_BYTES[1] in serialized:
                raise RuntimeError("the benchmark credential uses an undefined term")
            t = record(f"{label}: safe-mode check", t)
            canonical = "".join(sorted(line + "\n" for line in serialized.decode().splitlines() if line))
            hashlib.sha256(canonical.encode()).digest()
            record(f"{label}: sort lines + sha256", t)
        t = clock()
        signature = key.sign(b"x" * 64)
        t = record("Ed25519 sign (cryptography)", t)
        key.public_key().verify(signature, b"x" * 64)
        record("Ed25519 verify (cryptography; verify only)", t)
    return [(name, statistics.median(samples)) for name, samples in steps.items()]


def _run_node(node: str, payload: dict[str, Any], tmp: Path) -> dict[str, Any]:
    path = tmp / "bench-input.json"
    path.write_text(json.dumps(payload))
    run = subprocess.run(
        [node, "bench.mjs", str(path)], cwd=INTEROP, capture_output=True, text=True, timeout=1800, check=False
    )
    if run.returncode != 0:
        raise RuntimeError(f"node bench.mjs exited {run.returncode}: {run.stderr.strip()[-2000:]}")
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def _node_ready() -> tuple[str | None, str]:
    """The node binary when the reference column can be measured, else None and why not."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "node and npm are not installed"
    if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc").exists():
        print("tests/interop/node_modules is missing: running npm ci (pinned by package-lock.json) …", flush=True)
        run = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=INTEROP,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if run.returncode != 0:
            return None, f"npm ci failed: {run.stderr.strip()[-500:]}"
    return node, ""


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]


def _fmt(ms: float | None) -> str:
    return "n/a" if ms is None else f"{ms:.2f}"


def _reference(
    args: argparse.Namespace,
    fx: Fixture,
    unsigned: dict[str, Any],
    signed: dict[str, Any],
    tmp: Path,
    *,
    runs: int,
    warmups: int,
) -> tuple[dict[str, Any] | None, str]:
    """The reference column: node bench.mjs on the same credential and key, or why not."""
    if args.no_js:
        return None, "skipped (--no-js)"
    node, problem = _node_ready()
    if node is None:
        return None, problem
    print("  Reference (Node, Digital Bazaar libraries) …", flush=True)
    payload = {
        "credential": unsigned,
        "signed": signed,
        "documents": {fx.did: fx.controller, STATUS_URL: fx.status_list},
        "seed": fx.seed.hex(),
        "verificationMethod": fx.method_id,
        "created": CREATED,
        "runs": runs,
        "warmups": warmups,
    }
    try:
        return _run_node(node, payload, tmp), ""
    except Exception as exc:
        return None, f"node bench.mjs failed: {exc}"


def _print_table(rows: list[Row], python: dict[str, float | None], js_problem: str, measured_js: bool) -> None:
    header = f"{'operation':<22} {'Cairn (Python) ms':>18} {'reference (JS) ms':>18} {'ratio':>6}  {'verdict':<13} note"
    print("\n" + header)
    print("-" * len(header))
    verdicts = []
    for r in rows:
        ratio = r.js_ms / r.python_ms if r.js_ms is not None and r.python_ms else None
        if r.python_ms is None:
            verdict = "NOT MEASURED"
        elif ratio is None:
            verdict = "-"
        else:
            verdict = "MEETS" if ratio >= TARGET_RATIO else "BELOW TARGET"
        if r.target:
            verdicts.append((r.operation, verdict))
        ratio_text = "n/a" if ratio is None else f"{ratio:.2f}"
        print(f"{r.operation:<22} {_fmt(r.python_ms):>18} {_fmt(r.js_ms):>18} {ratio_text:>6}  {verdict:<13} {r.note}")
    print("(ratio = reference ms / Cairn ms: above 1 Cairn is faster. Rows marked [target] make the verdict.)")
    for name in ("compose + sign", "verify (proof)"):
        ms = python[name]
        if ms:
            print(f"Cairn throughput, {name}: {1000 / ms:.0f} credentials/second on one core ({ms:.2f} ms each)")

    print(f"\nVerdict (the issue's target: Cairn ≥ {TARGET_RATIO:.0f}× the reference for both sign and verify)")
    if not measured_js:
        print(f"  NOT MEASURED: the reference (JS) column is unavailable ({js_problem.splitlines()[0]})")
    elif all(v == "MEETS" for _, v in verdicts):
        print("  MEETS: issuing and verifying are both at least twice as fast as the reference")
    else:
        print("  BELOW TARGET: " + "; ".join(f"{op}: {v}" for op, v in verdicts))


def _run(args: argparse.Namespace, tmp: Path) -> None:
    import cryptography
    import django
    import pyoxigraph
    from django.db import connection

    from cairn.credentials.openbadges.compose import compose_credential
    from cairn.credentials.openbadges.dataintegrity import sign, verify
    from cairn.credentials.openbadges.jsonld import offline_loader
    from cairn.credentials.verification import make_resolver, verify_credential

    print("Cairn credential benchmark (Open Badges 3.0, DataIntegrityProof eddsa-rdfc-2022)")
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), Django {django.get_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, cryptography {cryptography.__version__}"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Machine: {os.cpu_count()} CPUs, load average {load} (other work on the machine inflates timings)")
    print(
        f"Per operation: {args.warmups} warm-up + {args.runs} timed calls in {args.rounds} rounds that alternate "
        "Cairn and the reference; the median of the round medians"
    )

    fx = _fixture()
    loader = offline_loader()
    resolver = make_resolver()  # did:key resolves from the identifier: no database, no network
    overrides = {STATUS_URL: fx.status_list}
    now = datetime(2026, 12, 1, tzinfo=UTC)
    unsigned = compose_credential(**fx.compose_kwargs(0))
    signed = sign(
        unsigned, private_key=fx.private_key, verification_method=fx.method_id, created=CREATED, loader=loader
    )
    achievement = unsigned["credentialSubject"]["achievement"]
    print(
        f"Credential: {len(json.dumps(signed)) / 1024:.1f} KB of JSON; {len(achievement['resultDescription'])} rubric "
        f"criteria ({sum(LEVELS_PER_CRITERION)} levels), {len(achievement['alignment'])} alignments, "
        f"{len(unsigned['credentialSubject']['result'])} results, {len(unsigned['evidence'])} evidence, "
        f"credentialStatus; issuer {fx.did[:28]}… (new Ed25519 key)"
    )
    sanity = verify(signed, resolve=resolver, loader=loader)
    if not sanity.ok:
        print(f"ERROR: Cairn does not verify its own credential: {sanity.reason}")
        return

    def compose_at(i: int) -> Any:
        return compose_credential(**fx.compose_kwargs(i))

    def sign_at(i: int) -> Any:
        return sign(
            unsigned, private_key=fx.private_key, verification_method=fx.method_id, created=CREATED, loader=loader
        )

    def issue_at(i: int) -> Any:  # a different credential each time: id, earner, results, status index
        credential = compose_credential(**fx.compose_kwargs(i))
        return sign(
            credential, private_key=fx.private_key, verification_method=fx.method_id, created=CREATED, loader=loader
        )

    def verify_at(i: int) -> Any:
        check = verify(signed, resolve=resolver, loader=loader)
        if not check.ok:
            raise RuntimeError(check.reason)

    def verify_full_at(i: int) -> Any:
        verdict = verify_credential(signed, overrides=overrides, now=now)
        if not verdict.ok:
            raise RuntimeError(json.dumps(verdict.as_dict()))

    # Rounds alternate Cairn and the reference, so a slow spell of a shared machine falls on
    # both columns; each column reports the median of its round medians.
    per_round = max(1, args.runs // args.rounds)
    rounds: dict[str, list[float]] = {}
    js_rounds: list[dict[str, Any]] = []
    js_problem = ""
    watcher = _NoDatabase()
    full_note = "verify_credential: schema+proof+status+dates"
    for r in range(args.rounds):
        warmups = args.warmups if r == 0 else max(1, args.warmups // 10)
        print(f"Round {r + 1} of {args.rounds}: Cairn (Python) …", flush=True)
        for name, run in (
            ("compose", compose_at),
            ("sign", sign_at),
            ("compose + sign", issue_at),
            ("verify (proof)", verify_at),
        ):
            samples = _timed(run, warmups, per_round)
            rounds.setdefault(name, []).append(statistics.median(samples))
            print(f"  {name:<26} median {rounds[name][-1]:7.2f} ms, p90 {_p90(samples):7.2f} ms")
        # The whole verifier (schema, proof, status list, dates). With a did:key issuer and the
        # status list handed over it should not need the database: any SQL is counted and reported.
        try:
            with connection.execute_wrapper(watcher):
                samples = _timed(verify_full_at, warmups, per_round)
            rounds.setdefault("verify_credential", []).append(statistics.median(samples))
            print(
                f"  {'verify_credential (full)':<26} median {rounds['verify_credential'][-1]:7.2f} ms, "
                f"p90 {_p90(samples):7.2f} ms, {len(watcher.statements)} SQL statements"
            )
        except Exception as exc:
            full_note = f"not measured without a database: {type(exc).__name__}: {str(exc)[:120]}"
            print(f"  verify_credential (full): {full_note}")
        js_round, js_problem = _reference(args, fx, unsigned, signed, tmp, runs=per_round, warmups=warmups)
        if js_round is not None:
            js_rounds.append(js_round)
            print(
                f"  reference: sign {js_round['sign_ms_median']:.2f} ms, verify {js_round['verify_ms_median']:.2f} ms, "
                f"verify with status {js_round['verify_status_ms_median']:.2f} ms"
            )
    python: dict[str, float | None] = {name: statistics.median(values) for name, values in rounds.items()}
    python.setdefault("verify_credential", None)
    if python["verify_credential"] is not None:
        full_note += f"; RAN {len(watcher.statements)} SQL STATEMENTS" if watcher.statements else "; no SQL"
    js = None
    if js_rounds:
        js = {**js_rounds[-1]}
        for key in ("sign_ms_median", "verify_ms_median", "verify_status_ms_median"):
            js[key] = statistics.median(float(j[key]) for j in js_rounds)

    print("\nCross-check")
    if js is None:
        print(f"  the reference (JS) column is unavailable: {js_problem}")
    else:
        print(f"  Node {js['node']}; " + ", ".join(f"{k} {v}" for k, v in js["versions"].items()))
        ps = js["python_signed"]
        print(
            f"  the reference verifies Cairn's credential: verified={ps['verified']} revoked={ps['revoked']}"
            + (f" error: {ps['error']}" if ps["error"] else "")
        )
        js_signed = js["js_signed"]
        proof_check = verify(js_signed, resolve=resolver, loader=loader)
        full = verify_credential(js_signed, overrides=overrides, now=now)
        failed = "; ".join(f"{c.name}: {c.message}" for c in full.checks if not c.ok)
        print(
            f"  Cairn verifies the reference's credential: proof {proof_check.ok} ({proof_check.reason}), "
            f"verify_credential {full.ok}" + (f" ({failed})" if failed else "")
        )
        same = js_signed["proof"] == signed["proof"]
        print(f"  same key and created date, so the same proof expected: {'identical' if same else 'DIFFERENT'}")

    def ref(key: str) -> float | None:
        return None if js is None else float(js[key])

    rows = [
        Row("compose", python["compose"], None, False, "Cairn only (the reference is given it composed)"),
        Row("sign", python["sign"], ref("sign_ms_median"), False, "vc.issue of the same composed credential"),
        Row("issue: compose + sign", python["compose + sign"], ref("sign_ms_median"), True, "[target]"),
        Row(
            "verify: proof", python["verify (proof)"], ref("verify_ms_median"), True, "[target] JS: status not checked"
        ),
        Row("verify: full", python["verify_credential"], ref("verify_status_ms_median"), False, full_note),
    ]
    _print_table(rows, python, js_problem, js is not None)

    print("\nWhere one Cairn sign spends its time (median ms per step; verify does the same canonicalisation)")
    try:
        proof = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
        for name, ms in _breakdown(unsigned, proof, args.warmups, args.runs):
            print(f"  {name:<56} {ms:7.3f}")
    except Exception:
        traceback.print_exc(file=sys.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--runs", type=lambda v: max(1, int(v)), default=200, help="timed calls per operation (default 200)"
    )
    parser.add_argument("--warmups", type=int, default=20, help="untimed calls first (default 20)")
    parser.add_argument(
        "--rounds",
        type=lambda v: max(1, int(v)),
        default=5,
        help="rounds alternating Cairn and the reference (default 5)",
    )
    parser.add_argument("--no-js", action="store_true", help="skip the reference (Node) column")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        _setup_django(Path(tmp))
        try:
            _run(args, Path(tmp))
        except Exception:
            # A measurement, not a test: report the failure and still exit 0.
            print("\nERROR:", flush=True)
            traceback.print_exc(file=sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
