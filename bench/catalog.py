"""Catalog read benchmark: server time and SQL query count of the public catalog pages at
two catalog sizes. A measurement, not a test: it prints numbers and verdicts, exits 0.

    .venv/bin/python bench/catalog.py                      # SQLite file in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/catalog.py

Each size gets a database of its own, created and dropped here (SQLite: a file under a
temporary folder; PostgreSQL: a database named ``cairn_bench``; the database named in
DATABASE_URL is only used to connect). CAIRN_DATA_DIR points at the temporary folder too,
so the project's data/ folder is never touched. See bench/README.md.
"""

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 50.0
BENCH_DB_NAME = "cairn_bench"
DEFAULT_SIZES = "200:30,2000:300"


@dataclass
class Page:
    name: str
    url: str
    note: str


@dataclass
class Result:
    page: str
    size: str
    url: str
    note: str
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float
    kilobytes: float
    error: str = ""


def _setup_django(data_dir: Path) -> None:
    """Settings before anything imports them: cairn.settings, with a throwaway data folder."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cairn.settings"
    os.environ["CAIRN_DATA_DIR"] = str(data_dir)
    import django
    from django.conf import settings

    django.setup()
    # The test client talks to "testserver"; setup_test_environment() would allow it, but
    # that also instruments template rendering, which would distort the timings.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def create_database(data_dir: Path, label: str, db_name: str = BENCH_DB_NAME) -> str:
    """A fresh, migrated database for one size (a SQLite file named after ``label``, or the
    PostgreSQL database ``db_name``); returns the name to restore after."""
    from django.db import connection

    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        # A real file (not Django's default in-memory test database) with the project's PRAGMAs.
        test_settings["NAME"] = str(data_dir / f"bench-{label}.sqlite3")
    else:
        if connection.settings_dict["NAME"] == db_name:
            raise RuntimeError(f"DATABASE_URL names {db_name!r}, the database this benchmark drops; use another.")
        test_settings["NAME"] = db_name
    old_name = str(connection.settings_dict["NAME"])
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name


def drop_database(old_name: str) -> None:
    from django.db import connection

    connection.creation.destroy_test_db(old_name, verbosity=0)


def _database_description() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        if connection.vendor == "postgresql":
            cursor.execute("show server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return connection.vendor


def _percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class _SqlTimer:
    """connection.execute_wrapper that sums query time with perf_counter precision
    (the query log rounds each query to whole milliseconds)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def _measure(client: Any, page: Page, size: str, warmups: int, runs: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(page.name, size, page.url, page.note, math.nan, math.nan, -1, math.nan, math.nan)
    for _ in range(warmups):
        response = client.get(page.url)
        if response.status_code != 200:
            result.error = f"HTTP {response.status_code}"
            return result
    gc.collect()
    samples, sql_samples = [], []
    timer = _SqlTimer()
    with connection.execute_wrapper(timer):
        for _ in range(runs):
            timer.seconds = 0.0
            start = time.perf_counter()
            client.get(page.url)
            samples.append((time.perf_counter() - start) * 1000)
            sql_samples.append(timer.seconds * 1000)
    # Queries are counted on one extra request, so query logging does not slow the timed ones.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    result.median_ms = statistics.median(samples)
    result.p95_ms = _percentile(samples, 95)
    result.queries = len(captured.captured_queries)
    result.sql_ms = statistics.median(sql_samples)
    result.kilobytes = len(response.content) / 1024
    return result


def _run_size(data_dir: Path, n_mc: int, n_stacks: int, warmups: int, runs: int, seed: int) -> list[Result]:
    from django.db import connection
    from django.test import Client

    from bench import datagen

    label = f"{n_mc}x{n_stacks}"
    old_name = create_database(data_dir, label)
    try:
        start = time.perf_counter()
        made = datagen.generate(n_mc, n_stacks, seed=seed)
        elapsed = time.perf_counter() - start
        if connection.vendor == "postgresql":
            # Planner statistics, as autovacuum would have gathered on a live database.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"\n[{n_mc} MCs / {n_stacks} stacks] database: {_database_description()}")
        print(
            f"  generated in {elapsed:.1f} s: {made.micro_credentials} MCs, "
            f"{made.versions} versions, {made.requirements} requirements, {made.criteria} criteria, "
            f"{made.alignments} alignments, {made.stacks} stacks, {made.pathways} pathways",
            flush=True,
        )
        pages = [
            Page("catalog list", "/catalog/", f"{made.micro_credentials} published"),
            Page(
                "search",
                f"/catalog/?q={made.search_word}",
                f"{made.search_matches} matches ({100 * made.search_matches / made.micro_credentials:.0f}%)",
            ),
            Page(
                "filtered list",
                f"/catalog/?item={made.framework_item_id}&audience={made.audience}",
                f"{made.filter_matches} matches",
            ),
            Page("MC detail", f"/catalog/mc/{made.mc_slug}/", "3 requirements, 2 versions, prereq, stack+pathway"),
            Page("stack", f"/catalog/stacks/{made.stack_slug}/", f"{made.stack_size} MCs"),
            Page("pathway", f"/catalog/pathways/{made.pathway_slug}/", made.pathway_shape),
        ]
        client = Client(raise_request_exception=False)  # a 500 becomes an ERROR row, not a crash
        results = []
        for page in pages:
            result = _measure(client, page, label, warmups, runs)
            outcome = result.error or f"{result.median_ms:7.1f} ms median  {result.queries:3d} queries"
            print(f"  {page.name:<14} {page.url:<44} {outcome}  {page.note}", flush=True)
            results.append(result)
        return results
    finally:
        drop_database(old_name)


def _verdicts(results: list[Result]) -> list[tuple[str, str, str]]:
    rows = []
    for name in dict.fromkeys(r.page for r in results):
        mine = [r for r in results if r.page == name]
        errors = [f"{r.size}: {r.error}" for r in mine if r.error]
        if errors:
            rows.append((name, "ERROR", "; ".join(errors)))
            continue
        problems = []
        slow = [r for r in mine if r.median_ms >= TARGET_MEDIAN_MS]
        if slow:
            problems.append("OVER TARGET")
        counts = [r.queries for r in mine]
        if len(set(counts)) > 1:
            problems.append("QUERY COUNT GROWS" if counts[-1] > counts[0] else "QUERY COUNT CHANGES")
        detail = "; ".join(f"{r.size}: {r.median_ms:.1f} ms, {r.queries} q" for r in mine)
        rows.append((name, " + ".join(problems) or "OK", detail))
    return rows


def _parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        mcs, _, stacks = part.partition(":")
        sizes.append((int(mcs), int(stacks)))
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"MCs:stacks pairs (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        data_dir = Path(tmp)
        _setup_django(data_dir)
        import django
        from django.conf import settings
        from django.db import connection

        if connection.vendor == "sqlite":
            where = f"a new SQLite file per size under {data_dir}"
        else:
            where = f"database {BENCH_DB_NAME!r}, created and dropped for each size"
        print("Cairn catalog read benchmark")
        print(f"Python {platform.python_version()} ({platform.python_implementation()}), Django {django.get_version()}")
        print(f"Database vendor: {connection.vendor}; {where}")
        print(f"Data dir (temporary): {data_dir}; DEBUG={settings.DEBUG}")
        print(f"Per page: {args.warmups} warm-up + {args.runs} timed requests through django.test.Client")
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"Machine: {os.cpu_count()} CPUs, load average {load} (other work on the machine inflates timings)")

        results: list[Result] = []
        for n_mc, n_stacks in _parse_sizes(args.sizes):
            try:
                results.extend(_run_size(data_dir, n_mc, n_stacks, args.warmups, args.runs, args.seed))
            except Exception:
                # A measurement, not a test: report the failure and go on with the next size.
                print(f"\nERROR at {n_mc} MCs / {n_stacks} stacks:", flush=True)
                traceback.print_exc(file=sys.stdout)

    header = f"{'page':<14} {'size':<10} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'sql ms':>8} {'KB':>7}"
    print("\n" + header)
    print("-" * len(header))
    for r in results:
        if r.error:
            print(f"{r.page:<14} {r.size:<10} {r.error:>10}")
            continue
        print(
            f"{r.page:<14} {r.size:<10} {r.median_ms:>10.1f} {r.p95_ms:>8.1f} {r.queries:>8d} "
            f"{r.sql_ms:>8.1f} {r.kilobytes:>7.1f}"
        )
    print("(size = MCs x stacks; sql ms = median time spent inside database calls; KB = HTML)")

    print(f"\nVerdicts (target: median < {TARGET_MEDIAN_MS:.0f} ms, same query count at every size)")
    for name, verdict, detail in _verdicts(results):
        print(f"  {name:<14} {verdict:<30} {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
