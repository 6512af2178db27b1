"""The load test's parts that need no server: its paths exist, its statistics are read right."""

import importlib.util
import re
from pathlib import Path

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]


def load_runner():
    spec = importlib.util.spec_from_file_location("load_runner", ROOT / "scripts/load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_path_the_simulated_people_open_exists():
    source = (ROOT / "perf/locustfile.py").read_text(encoding="utf-8")
    paths = set(re.findall(r'f?"(/[^"\s]*)"', source))
    assert len(paths) > 20
    missing = []
    for path in paths:
        concrete = re.sub(r"\{[^}]*(campaign|request|id|made)[^}]*\}", "1", path)
        concrete = re.sub(r"\{slug\}", "roi", concrete).split("?")[0]
        if "{" in concrete:  # a template only for the statistics' name
            continue
        try:
            resolve(concrete)
        except Resolver404:
            missing.append(path)
    assert missing == []


def test_the_summary_reads_locusts_statistics_with_the_total_last(tmp_path):
    stats = tmp_path / "load_stats.csv"
    header = "Type,Name,Request Count,Failure Count,50%,95%,99%,Requests/s\n"
    stats.write_text(
        header
        + "GET,/campaigns/,10,0,120,300,400,1.5\nPOST,/api/v1/expenses/,4,1,80,90,95,0.2\n,Aggregated,14,1,110,290,400,1.7\n"
    )
    result = load_runner().summary(stats)
    assert [row["name"] for row in result["rows"]] == ["/campaigns/", "/api/v1/expenses/"]
    assert result["total"]["requests"] == 14 and result["total"]["failures"] == 1
    assert result["total"]["p95_ms"] == 290.0
