"""Review queue benchmark: latency and SQL query count of the assessor's queue, of claiming a
submission and of saving a review, at two queue sizes, through the project's real code
paths (selectors, views, services). A measurement, not a test: it prints numbers, the query
plans of the claim and of the queue page, and verdicts, and exits 0.

    .venv/bin/python bench/review_queue.py                      # SQLite file in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/review_queue.py

Each size gets a database of its own, created and dropped here (SQLite: a file under a
temporary folder; PostgreSQL: a database named ``cairn_bench_review``; the database named in
DATABASE_URL is only used to connect). CAIRN_DATA_DIR points at the temporary folder too,
so the project's data/ folder is never touched. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import logging
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(REPO_ROOT))

from bench.catalog import (  # noqa: E402
    _database_description,
    _percentile,
    _setup_django,
    _SqlTimer,
    create_database,
    drop_database,
)

if TYPE_CHECKING:
    from django.test import Client

    from cairn.accounts.models import User
    from cairn.review.models import Review

BENCH_DB_NAME = "cairn_bench_review"
DEFAULT_SIZES = "1000,100000"
CLAIM_TARGET_MS = 20.0  # claim and save: server time of one write
PAGE_TARGET_MS = 50.0  # queue page/selector: the catalog pages' target (bench/catalog.py)
CLAIM_PROFILES = ("broad", "issuer", "narrow")
QUEUE_PROFILES = ("broad", "narrow")  # queue selector and pages
EXPLAIN_PROFILES = ("broad", "narrow")
PAGES = ("review:dashboard", "review:queue")


@dataclass
class Result:
    operation: str
    size: int
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float
    note: str = ""
    error: str = ""


def _analyze() -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would keep."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _measure(
    name: str,
    size: int,
    work: Callable[[], Any],
    *,
    runs: int,
    warmups: int,
    after: Callable[[Any], None] | None = None,
    note: str = "",
) -> Result:
    """Time ``work`` (``after`` runs untimed after each call, e.g. to undo a claim), then
    count its queries on one extra call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once() -> None:
        outcome = work()
        if after is not None:
            after(outcome)

    result = Result(name, size, math.nan, math.nan, -1, math.nan, note)
    try:
        for _ in range(warmups):
            once()
        gc.collect()
        samples, sql_samples = [], []
        timer = _SqlTimer()
        for _ in range(runs):
            timer.seconds = 0.0
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                outcome = work()
                samples.append((time.perf_counter() - start) * 1000)
            sql_samples.append(timer.seconds * 1000)
            if after is not None:
                after(outcome)
        with CaptureQueriesContext(connection) as captured:
            outcome = work()
        if after is not None:
            after(outcome)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:120]
        return result
    result.median_ms = statistics.median(samples)
    result.p95_ms = _percentile(samples, 95)
    result.queries = len(captured.captured_queries)
    result.sql_ms = statistics.median(sql_samples)
    return result


@dataclass
class Plan:
    """A query the project's code really ran, and its plan."""

    label: str
    sql: str  # parameters inlined, for reading
    plan: str


def _page_url(client: Any, name: str) -> tuple[str | None, str]:
    """The page's URL if it answers 200 yet; else None and why not."""
    from django.urls import reverse

    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # an unfinished view logs a traceback for its 500
    try:
        url = reverse(name)
        status = client.get(url).status_code
    except Exception as exc:  # no such URL yet, or a URLconf being edited
        return None, f"{type(exc).__name__}: {exc}"[:100]
    finally:
        quiet.setLevel(level)
    return (url, "") if status == 200 else (None, f"{url} answers HTTP {status}")


def _submission_selects(work: Callable[[], Any]) -> list[tuple[str, Any, str]]:
    """Run ``work`` and return the SELECTs on earning_submission it executed, as (SQL,
    parameters, SQL with the parameters inlined for reading): the claim's and the queue's
    queries. The others (session, user, reviews, audit, notification) are left out."""
    from django.db import connection

    ran: list[tuple[str, Any, str]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if not many and sql.lstrip().upper().startswith("SELECT") and ' FROM "earning_submission"' in sql:
            ran.append((sql, params, connection.ops.last_executed_query(context["cursor"], sql, params)))
        return result

    with connection.execute_wrapper(record):
        work()
    return ran


def _explain(sql: str, params: Any) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, which really runs the query (and takes the
    row locks it asks for: call it in a transaction that is rolled back); EXPLAIN QUERY PLAN,
    as a tree, on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{connection.ops.explain_query_prefix(analyze=True, buffers=True)} {sql}", params)
            return "\n".join(str(row[0]) for row in cursor.fetchall())
        cursor.execute(f"{connection.ops.explain_query_prefix()} {sql}", params)
        rows = cursor.fetchall()
    if connection.vendor != "sqlite":
        return "\n".join(" ".join(str(value) for value in row) for row in rows)
    depth = {0: -1}
    tree = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        tree.append("  " * depth[node] + detail)
    return "\n".join(tree)


def _claim_plans(people: dict[str, User]) -> list[Plan]:
    """The claim's candidate queries exactly as review_claim() runs them (claim_candidates()
    with SELECT … FOR UPDATE SKIP LOCKED OF the submission and the pursuit; SQLite has no row
    locks and Django leaves the clause out there), captured from a real claim that is rolled
    back, then explained in a second rolled-back transaction, on the same queue."""
    from django.db import transaction

    from cairn.review import services

    plans = []
    for profile in EXPLAIN_PROFILES:
        with transaction.atomic():
            ran = _submission_selects(partial(services.review_claim, assessor=people[profile]))
            transaction.set_rollback(True)
        with transaction.atomic():
            for sql, params, readable in ran:
                kind = "expired claims" if '"claim_expires_at" <' in sql else "waiting"
                plans.append(Plan(f"claim ({profile}): {kind}", readable, _explain(sql, params)))
            transaction.set_rollback(True)
    return plans


def _page_plans(clients: dict[str, Client]) -> list[Plan]:
    """The SELECTs on submissions that the dashboard and queue pages run (the queue's count
    and first page of rows, the dashboard's count), captured from real requests; a query
    that two pages run alike is explained once."""
    plans: dict[tuple[str, str], Plan] = {}
    for profile in EXPLAIN_PROFILES:
        client = clients[profile]
        for name in PAGES:
            url, _why_not = _page_url(client, name)
            if url is None:
                continue
            page = name.split(":")[1]
            for sql, params, readable in _submission_selects(partial(client.get, url)):
                kind = "count" if sql.lstrip().upper().startswith("SELECT COUNT") else "rows"
                known = plans.get((profile, sql))
                if known is not None:
                    known.label = known.label.replace(f" ({profile})", f" + {page} ({profile})")
                    continue
                plans[(profile, sql)] = Plan(f"{page} ({profile}): {kind}", readable, _explain(sql, params))
    return list(plans.values())


def _plan_summary(plan: str) -> str:
    """PostgreSQL: the planning and execution times EXPLAIN ANALYZE ends with. SQLite: how the
    plan reads the submissions, and whether it sorts them."""
    lines = [line.strip() for line in plan.splitlines() if line.strip()]
    timing = [line for line in lines if line.startswith(("Planning Time", "Execution Time"))]
    if timing:
        return "; ".join(timing)
    if not lines:
        return ""
    steps = [lines[0]]  # the outer loop
    steps += [line for line in lines[1:] if line.startswith(("SCAN earning_submission", "SEARCH earning_submission"))]
    steps += ["sorts (TEMP B-TREE)"] if any("TEMP B-TREE" in line for line in lines) else []
    return "; ".join(steps)


def _run_size(data_dir: Path, size: int, args: argparse.Namespace, *, largest: bool) -> tuple[list[Result], list[Plan]]:
    from django.test import Client

    from bench import review_datagen
    from cairn.accounts.models import User
    from cairn.review import services
    from cairn.review.selectors import queue_page_rows

    old_name = create_database(data_dir, f"review-{size}", BENCH_DB_NAME)
    results: list[Result] = []
    plans: list[Plan] = []
    try:
        start = time.perf_counter()
        made = review_datagen.generate(size, seed=args.seed)
        elapsed = time.perf_counter() - start
        _analyze()
        print(f"\n[{size:,} waiting] database: {_database_description()}")
        print(
            f"  generated in {elapsed:.1f} s: {made.waiting:,} waiting + {made.claimed:,} claimed (live claims) + "
            f"{made.history:,} decided submissions, {made.micro_credentials} MCs, {made.educators:,} educators in "
            f"{made.schools} schools, {len(made.assessors)} assessors; snapshot ≈ {made.snapshot_bytes:,} bytes",
            flush=True,
        )
        people = {p: User.objects.get(pk=pk) for p, pk in made.assessors.items()}

        def report(result: Result) -> None:
            outcome = result.error or (
                f"{result.median_ms:8.2f} ms median {result.p95_ms:8.2f} p95 {result.queries:3d} queries"
            )
            print(f"  {result.operation:<28} {outcome}  {result.note}", flush=True)
            results.append(result)

        def release(claimed: Review) -> None:
            # Untimed: give the submission back, so every claim sees the same queue.
            services.review_release(assessor=claimed.assessor, review=claimed)

        # The queue selector: first page and the count, as the queue page shows them.
        for profile in QUEUE_PROFILES:
            person = people[profile]

            def queue(person: User = person) -> int:
                rows = list(queue_page_rows(person)[: args.page_size])
                return len(rows) + queue_page_rows(person).count()

            waiting = queue_page_rows(person).count()
            report(
                _measure(
                    f"queue selector ({profile})",
                    size,
                    queue,
                    runs=args.runs,
                    warmups=args.warmups,
                    note=f"first {args.page_size} + count ({waiting:,} claimable)",
                )
            )

        # The dashboard and queue pages over HTTP, signed in as each assessor.
        clients: dict[str, Client] = {}
        for profile in QUEUE_PROFILES:
            client = clients[profile] = Client(raise_request_exception=False)
            client.force_login(people[profile])
            for name in PAGES:
                label = f"page {name.split(':')[1]} ({profile})"
                url, why_not = _page_url(client, name)
                if url is None:
                    print(f"  {label:<28} not measured: {why_not}", flush=True)
                    results.append(
                        Result(label, size, math.nan, math.nan, -1, math.nan, error=f"not measured: {why_not}")
                    )
                    continue

                def get(client: Client = client, url: str = url) -> int:
                    response = client.get(url)
                    if response.status_code != 200:
                        raise RuntimeError(f"HTTP {response.status_code}")
                    return len(response.content)

                report(_measure(label, size, get, runs=args.runs, warmups=args.warmups, note=url))

        # Claims: each one is released again (untimed), so the queue stays as generated.
        for profile in CLAIM_PROFILES:
            report(
                _measure(
                    f"claim ({profile})",
                    size,
                    partial(services.review_claim, assessor=people[profile]),
                    runs=args.runs,
                    warmups=args.warmups,
                    after=release,
                    note="review_claim",
                )
            )

        # Saving a review with 8 criteria (levels change every call, so every row is written).
        rubric8 = people["rubric8"]
        claimed = services.review_claim(assessor=rubric8)
        criteria = list(claimed.scores.values_list("criterion_id", flat=True))
        counter = iter(range(10**9))

        def save() -> Review:
            n = next(counter)
            scores: dict[int, tuple[int | None, str]] = {
                c: ((n + i) % 4, f"Feedback {n} on criterion {i}.") for i, c in enumerate(criteria)
            }
            return services.review_save(assessor=rubric8, review=claimed, scores=scores, overall_comment=f"Draft {n}")

        report(
            _measure(
                f"save ({len(criteria)} criteria)", size, save, runs=args.runs, warmups=args.warmups, note="review_save"
            )
        )

        if largest:
            plans = _claim_plans(people) + _page_plans(clients)
        return results, plans
    finally:
        drop_database(old_name)


def _verdicts(results: list[Result]) -> list[tuple[str, str, str]]:
    rows = []
    for name in dict.fromkeys(r.operation for r in results):
        mine = [r for r in results if r.operation == name]
        errors = [f"{r.size:,}: {r.error}" for r in mine if r.error]
        if errors:
            missing = all(r.error.startswith("not measured") for r in mine)
            rows.append((name, "NOT MEASURED" if missing else "ERROR", "; ".join(errors)))
            continue
        target = PAGE_TARGET_MS if name.startswith(("queue", "page")) else CLAIM_TARGET_MS
        problems = []
        if any(r.median_ms >= target for r in mine):
            problems.append(f"OVER {target:.0f} ms")
        counts = [r.queries for r in mine]
        if len(set(counts)) > 1:
            problems.append("QUERY COUNT GROWS" if counts[-1] > counts[0] else "QUERY COUNT CHANGES")
        detail = "; ".join(f"{r.size:,}: {r.median_ms:.1f} ms, {r.queries} q" for r in mine)
        rows.append((name, " + ".join(problems) or f"OK (< {target:.0f} ms)", detail))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"waiting submissions (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=50, help="timed calls per operation (default 50)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed calls first (default 3)")
    parser.add_argument("--page-size", type=int, default=25, help="queue rows per page (default 25)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    sizes = [int(part) for part in args.sizes.split(",")]

    results: list[Result] = []
    plans: list[Plan] = []
    with tempfile.TemporaryDirectory(prefix="cairn-bench-review-") as tmp:
        data_dir = Path(tmp)
        _setup_django(data_dir)
        import django
        from django.conf import settings
        from django.db import connection

        if connection.vendor == "sqlite":
            where = f"a new SQLite file per size under {data_dir}"
        else:
            where = f"database {BENCH_DB_NAME!r}, created and dropped for each size"
        print("Cairn review queue benchmark")
        print(f"Python {platform.python_version()} ({platform.python_implementation()}), Django {django.get_version()}")
        print(f"Database vendor: {connection.vendor}; {where}")
        tasks = settings.TASKS["default"]["BACKEND"]
        print(f"Data dir (temporary): {data_dir}; DEBUG={settings.DEBUG}; tasks backend: {tasks}")
        print(f"Per operation: {args.warmups} warm-up + {args.runs} timed calls; queries counted on one more")
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"Machine: {os.cpu_count()} CPUs, load average {load} (other work on the machine inflates timings)")

        for size in sizes:
            try:
                mine, size_plans = _run_size(data_dir, size, args, largest=size == max(sizes))
                results.extend(mine)
                plans.extend(size_plans)
            except Exception:
                # A measurement, not a test: report the failure and go on with the next size.
                print(f"\nERROR at {size:,} waiting:", flush=True)
                traceback.print_exc(file=sys.stdout)

    if plans:
        how = (
            "EXPLAIN (ANALYZE, BUFFERS), claim in a rolled-back transaction"
            if connection.vendor == "postgresql"
            else "EXPLAIN QUERY PLAN"
        )
        print(f"\nQuery plans at {max(sizes):,} waiting ({connection.vendor}, {how}): the SELECTs on submissions")
        print("that review_claim() and the dashboard and queue pages really ran (parameters inlined for reading)")
        for p in plans:
            print(f"\n--- {p.label} ---\n{p.sql}\n\n{p.plan}")

    header = f"{'operation':<28} {'size':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'sql ms':>8}"
    print("\n" + header)
    print("-" * len(header))
    for r in results:
        if r.error:
            print(f"{r.operation:<28} {r.size:>8} ERROR {r.error}")
            continue
        print(f"{r.operation:<28} {r.size:>8} {r.median_ms:>10.2f} {r.p95_ms:>8.2f} {r.queries:>8d} {r.sql_ms:>8.2f}")
    print("(size = waiting submissions; sql ms = median time spent inside database calls)")

    print(
        f"\nVerdicts ({connection.vendor}; target: claim and save median < {CLAIM_TARGET_MS:.0f} ms, "
        f"queue < {PAGE_TARGET_MS:.0f} ms, same query count at every size)"
    )
    for name, verdict, detail in _verdicts(results):
        print(f"  {name:<28} {verdict:<30} {detail}")
    if plans:
        print(f"\nQuery plans at {max(sizes):,} waiting, in short (full plans above):")
        for p in plans:
            print(f"  {p.label:<40} {_plan_summary(p.plan)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
