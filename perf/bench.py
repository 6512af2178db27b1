"""The benchmark's arithmetic and its table (issue 16 item 2; docs/PERFORMANCE.md).

Kept apart from the runner (``scripts/bench.py``) so it can be tested without
a server: percentiles, the ratio to the raw-SQL baseline above the floor, and
the printed table.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path


def percentile(samples: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile (p95 of 20 samples is the 19th smallest); 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio_above_floor(p95: float, floor: float, baseline_p95: float | None) -> float | None:
    """(p95 − floor) / baseline p95: what the data costs in a request, in raw-SQL queries' worth.

    None without a baseline (not a list) or when the baseline took no measurable time.
    A request faster than the floor counts as costing nothing above it.
    """
    if baseline_p95 is None or baseline_p95 <= 0:
        return None
    return max(0.0, p95 - floor) / baseline_p95


@dataclass
class Measurement:
    """One path as one role: timings in milliseconds, queries and size of the last response."""

    name: str
    role: str
    url: str
    samples_ms: list[float] = field(default_factory=list)
    status: int = 0
    queries: int | None = None
    size_bytes: int = 0
    baseline_samples_ms: list[float] = field(default_factory=list)
    baseline_rows: int | None = None
    #: The largest resident memory of a web worker while this path was measured (exports), in MB.
    peak_rss_mb: float | None = None
    #: CPU seconds the web workers spent per request (exports): what the path costs on a shared, loaded machine.
    worker_cpu_s: float | None = None

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def baseline_p95(self) -> float | None:
        return percentile(self.baseline_samples_ms, 95) if self.baseline_samples_ms else None

    def row(self, floor_ms: float) -> dict:
        """The JSON row: every figure the table shows, rounded to a tenth of a millisecond."""
        ratio = ratio_above_floor(self.p95, floor_ms, self.baseline_p95)
        data = asdict(self)
        data.pop("samples_ms")
        data.pop("baseline_samples_ms")
        data.update(
            runs=len(self.samples_ms),
            p50_ms=round(self.p50, 1),
            p95_ms=round(self.p95, 1),
            baseline_p95_ms=None if self.baseline_p95 is None else round(self.baseline_p95, 2),
            floor_ms=round(floor_ms, 1),
            ratio=None if ratio is None else round(ratio, 1),
        )
        return data


def markdown_table(rows: Sequence[dict]) -> str:
    """The rows as a Markdown table, worst p95 first."""
    head = "| path | role | status | p50 ms | p95 ms | queries | size KB | baseline p95 ms | ratio | peak RSS MB |"
    lines = [head, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in sorted(rows, key=lambda r: -r["p95_ms"]):
        baseline = "" if row["baseline_p95_ms"] is None else f"{row['baseline_p95_ms']:.2f}"
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.1f}"
        queries = "" if row["queries"] is None else str(row["queries"])
        rss = "" if row.get("peak_rss_mb") is None else f"{row['peak_rss_mb']:.0f}"
        lines.append(
            f"| {row['name']} | {row['role']} | {row['status']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {queries} | {row['size_bytes'] / 1024:.0f} | {baseline} | {ratio} | {rss} |"
        )
    return "\n".join(lines)


# -- the CI check: query counts and indexes, never wall time (issue 16 item 6) ---------------


def budget_key(row: dict) -> str:
    return f"{row['name']} ({row['role']})"


def make_budget(rows: Sequence[dict], indexes: Sequence[str]) -> dict:
    """The committed budget: each path's queries per request as measured, and the app's indexes."""
    return {
        "queries": {budget_key(row): row["queries"] for row in sorted(rows, key=budget_key)},
        "indexes": sorted(indexes),
    }


def with_slack(budgeted: int) -> int:
    """The most queries a budgeted path may make: a page's optional parts come and go with the
    day's data (a section with nothing to show skips its query); a query per row does not fit."""
    return budgeted + max(2, budgeted // 5)


def budget_problems(rows: Sequence[dict], indexes: Sequence[str], budget: dict) -> list[str]:
    """What the run breaks: more queries than budgeted, an unbudgeted path, a lost index, an error.

    Timings are not compared: CI machines differ and share cores; query counts and
    indexes do not depend on the machine.
    """
    problems = []
    allowed = budget.get("queries", {})
    for row in rows:
        key = budget_key(row)
        if row["status"] != 200:
            problems.append(f"{key}: answered {row['status']}")
        elif key not in allowed:
            problems.append(f"{key}: not in the budget (run make bench ARGS='--quick --write-budget')")
        elif row["queries"] is None or row["queries"] > with_slack(allowed[key]):
            problems.append(
                f"{key}: {row['queries']} queries per request, the budget is {allowed[key]} "
                f"(at most {with_slack(allowed[key])})"
            )
    present = set(indexes)
    problems += [f"index {name} is missing" for name in budget.get("indexes", []) if name not in present]
    return problems


def rss_mb(pid: int, proc: Path = Path("/proc")) -> float | None:
    """Resident memory of a process in MB (``VmRSS`` of ``/proc/<pid>/status``); None when it is gone."""
    try:
        for line in (proc / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pid: int, proc: Path = Path("/proc")) -> float:
    """User + system CPU time a process has used, in seconds (``/proc/<pid>/stat``); 0 when it is gone."""
    import os

    try:
        fields = (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def child_pids(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """The children of ``pid`` (gunicorn's workers under its arbiter), from ``/proc/<pid>/task/*/children``."""
    found = []
    for children in (proc / str(pid) / "task").glob("*/children"):
        try:
            found += [int(p) for p in children.read_text().split()]
        except (OSError, ValueError):
            continue
    return found


class PeakRss:
    """The largest resident memory any of some processes reaches while the block runs, sampled every ``interval``.

    ``with PeakRss(lambda: child_pids(server.pid)) as peak: ...`` then ``peak.mb``: a worker's
    memory is what an export costs the machine (issue 16: worker memory ≤ 300 MB for the 100k-line export).
    """

    def __init__(self, pids: Callable[[], Iterable[int]], interval: float = 0.05, read=rss_mb):
        self._pids, self._interval, self._read = pids, interval, read
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.mb: float | None = None

    def sample(self) -> None:
        for pid in self._pids():
            value = self._read(pid)
            if value is not None and (self.mb is None or value > self.mb):
                self.mb = value

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()
        return False
