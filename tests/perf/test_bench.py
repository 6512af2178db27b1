"""The benchmark's arithmetic (perf.bench) and the runner's parts that need no server (scripts/bench.py)."""

import importlib.util
from pathlib import Path

import pytest

from perf import bench
from perf.bench import Measurement, markdown_table, percentile, ratio_above_floor

ROOT = Path(__file__).resolve().parents[2]


def load_runner():
    spec = importlib.util.spec_from_file_location("bench_runner", ROOT / "scripts/bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_percentiles_are_nearest_rank():
    samples = [float(n) for n in range(20, 0, -1)]  # 20 .. 1, unsorted
    assert percentile(samples, 50) == 10.0
    assert percentile(samples, 95) == 19.0
    assert percentile(samples, 100) == 20.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 95) == 0.0


def test_ratio_is_the_cost_above_the_floor_in_baselines():
    # given: a list at 130 ms p95, a floor of 30 ms, the same rows by hand in 20 ms
    assert ratio_above_floor(130.0, 30.0, 20.0) == 5.0
    # a request at or under the floor costs nothing above it
    assert ratio_above_floor(25.0, 30.0, 20.0) == 0.0
    # no baseline, no ratio
    assert ratio_above_floor(130.0, 30.0, None) is None
    assert ratio_above_floor(130.0, 30.0, 0.0) is None


def test_a_measurement_row_carries_every_figure_of_the_table():
    m = Measurement(name="campaigns API", role="marketer", url="/api/v1/campaigns/", status=200, queries=6)
    m.samples_ms = [float(n) for n in range(1, 21)]  # p50 10, p95 19
    m.baseline_samples_ms = [2.0] * 19 + [4.0]  # p95 2
    m.size_bytes = 2048
    row = m.row(floor_ms=9.0)
    assert (row["p50_ms"], row["p95_ms"], row["baseline_p95_ms"], row["floor_ms"]) == (10.0, 19.0, 2.0, 9.0)
    assert row["ratio"] == 5.0  # (19 - 9) / 2
    assert (row["runs"], row["queries"], row["size_bytes"]) == (20, 6, 2048)
    assert "samples_ms" not in row


def test_the_table_lists_the_worst_first():
    fast = Measurement(name="fast", role="cmo", url="/a/", status=200, samples_ms=[1.0])
    slow = Measurement(name="slow", role="cmo", url="/b/", status=200, samples_ms=[900.0])
    table = markdown_table([fast.row(0.5), slow.row(0.5)]).splitlines()
    assert table[2].startswith("| slow |")
    assert table[3].startswith("| fast |")


def test_quick_mode_shrinks_the_data_and_the_runs():
    runner = load_runner()
    args = runner.parse_args(["--quick"])
    assert (args.scale, args.runs) == (0.01, 5)
    assert runner.parse_args([]).runs == 20
    env = runner.server_env(args, 8123)
    assert env["DJANGO_SETTINGS_MODULE"] == "mrm.settings.production"
    assert env["DATABASE_URL"] == args.database_url


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_baseline_query_runs_on_postgresql(django_db_setup):
    import datetime as dt

    from django.db import connection

    from tests.factories import UserFactory

    runner = load_runner()
    user = UserFactory()
    given = {
        "campaigns": {"limit": 50, "status": ["active"], "search": "Москва"},
        "calendar": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 2, 1)},
    }
    with connection.cursor() as cursor:
        for name in runner.BASELINES:
            params = runner.baseline_params(name, given.get(name, {"limit": 50}), user)
            samples, rows = runner.measure_baseline(cursor.cursor, name, params, runs=2)
            assert len(samples) == 2 and rows == 0, name


def _row(name="campaigns API", role="marketer", queries=6, status=200):
    return {"name": name, "role": role, "queries": queries, "status": status}


def test_the_ci_check_passes_within_the_budget_and_names_each_regression():
    budget = bench.make_budget([_row(queries=6), _row("inbox", "cmo", 20)], ["campaigns_campaign_pkey", "ix_spend"])
    assert budget["queries"] == {"campaigns API (marketer)": 6, "inbox (cmo)": 20}
    indexes = ["campaigns_campaign_pkey", "ix_spend", "ix_new"]
    # a section that comes and goes with the day's data fits the slack
    assert bench.budget_problems([_row(queries=8), _row("inbox", "cmo", 24)], indexes, budget) == []
    # a query per row does not; an unbudgeted path, an error and a lost index are named
    problems = bench.budget_problems(
        [_row(queries=56), _row("inbox", "cmo", 20, status=500), _row("new path")], ["campaigns_campaign_pkey"], budget
    )
    assert problems == [
        "campaigns API (marketer): 56 queries per request, the budget is 6 (at most 8)",
        "inbox (cmo): answered 500",
        "new path (marketer): not in the budget (run make bench ARGS='--quick --write-budget')",
        "index ix_spend is missing",
    ]


def test_the_committed_budget_covers_every_bench_path_and_lists_indexes():
    import json
    from pathlib import Path

    budget = json.loads((Path(bench.__file__).parent / "query_budget.json").read_text())
    assert len(budget["queries"]) >= 50 and all(isinstance(v, int) for v in budget["queries"].values())
    assert any(name.startswith("budgets_") for name in budget["indexes"])


def test_peak_rss_keeps_the_largest_sample_of_any_process(tmp_path):
    from perf.bench import PeakRss, child_pids, rss_mb

    # given: two fake processes in a /proc-like folder, one growing while measured
    for pid, kb in ((11, 102400), (12, 51200)):
        (tmp_path / str(pid) / "task" / str(pid)).mkdir(parents=True)
        (tmp_path / str(pid) / "status").write_text(f"Name:\tgunicorn\nVmRSS:\t  {kb} kB\n")
    (tmp_path / "10" / "task" / "10").mkdir(parents=True)
    (tmp_path / "10" / "task" / "10" / "children").write_text("11 12")
    assert child_pids(10, proc=tmp_path) == [11, 12]
    assert rss_mb(11, proc=tmp_path) == 100.0 and rss_mb(99, proc=tmp_path) is None
    readings = iter([100.0, 50.0, 300.0, 60.0])

    def read(pid):
        return next(readings, 120.0)

    # when: the block runs
    with PeakRss(lambda: child_pids(10, proc=tmp_path), interval=0.01, read=read) as peak:
        import time

        time.sleep(0.05)
    # then: the peak is the largest sample
    assert peak.mb == 300.0


def test_the_table_shows_the_peak_memory_of_an_export():
    m = Measurement(name="export: expenses CSV", role="finance", url="/x", status=200, samples_ms=[900.0])
    m.peak_rss_mb = 123.4
    table = markdown_table([m.row(1.0)]).splitlines()
    assert table[0].endswith("| peak RSS MB |")
    assert table[2].endswith("| 123 |")


def test_cpu_seconds_reads_user_and_system_time(tmp_path):
    import os

    from perf.bench import cpu_seconds

    ticks = os.sysconf("SC_CLK_TCK")
    (tmp_path / "7").mkdir()
    fields = ["S"] + ["0"] * 10 + [str(3 * ticks), str(ticks)] + ["0"] * 30
    (tmp_path / "7" / "stat").write_text("7 (gunicorn: worker) " + " ".join(fields))
    assert cpu_seconds(7, proc=tmp_path) == 4.0
    assert cpu_seconds(8, proc=tmp_path) == 0.0
