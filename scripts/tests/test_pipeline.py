"""The pipeline end to end, through the real CLI: publish, quality gate, faults, idempotency
and write-audit-publish with a concurrent BI reader in another process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from conftest import Workspace, make_workspace

from chw.contract import raw_tables
from chw.faults import break_raw_file
from chw.publish import content_fingerprint, file_sha256

STRUCTURAL_FAULTS = [
    ("subscriptions", "missing_file", "file is missing"),
    ("accounts", "missing_column", "is missing"),
    ("support_tickets", "renamed_column", "unexpected column"),
    ("survey_responses", "wrong_type", "expected timestamp"),
    ("accounts", "empty", "has no rows"),
    ("web_visits", "unreadable", "not a readable Parquet file"),
]


def test_run_publishes_balanced_marts(published_workspace: Workspace) -> None:
    paths = published_workspace.paths
    assert paths.published_db.exists()
    run = json.loads((paths.report_dir / "run.json").read_text())
    assert run["status"] == "passed"
    assert len(run["source_counts"]) == len(raw_tables())
    for counts in run["source_counts"]:
        assert counts["raw_rows"] == counts["accepted_rows"] + counts["quarantined_rows"]
    assert "Data-quality report" in (paths.report_dir / "data_quality.md").read_text()
    con = duckdb.connect(str(paths.published_db), read_only=True)
    scores = con.execute(
        "select min(published_score), max(published_score), count(distinct published_band) "
        "from marts.fct_account_health_daily"
    ).fetchone()
    con.close()
    assert 0 <= scores[0] <= scores[1] <= 100
    assert scores[2] == 3


def test_every_built_column_is_documented(published_workspace: Workspace) -> None:
    """The YAML beside each model lists exactly the columns the build made; the wide models'
    per-metric columns (meta `per_metric_columns`, e.g. '{metric}_score') are documented by
    the scoring_metrics seed, so adding a metric needs no YAML."""
    paths = published_workspace.paths
    manifest = json.loads((paths.warehouse / "target" / "manifest.json").read_text())
    con = duckdb.connect(str(paths.build_db), read_only=True)
    metrics = [
        row[0]
        for row in con.execute(
            "select metric_name from scoring_config.scoring_metrics where description <> ''"
        ).fetchall()
    ]
    mismatched = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        built = {
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [node["schema"], node["alias"]],
            ).fetchall()
        }
        documented = {name for name, column in node["columns"].items() if column["description"]}
        patterns = node["meta"].get("per_metric_columns", [])
        by_seed = {pattern.format(metric=metric) for pattern in patterns for metric in metrics}
        if built - by_seed != documented:
            mismatched[node["name"]] = {
                "undocumented": sorted(built - by_seed - documented),
                "not built": sorted(documented - built),
            }
    con.close()
    assert not mismatched, mismatched


@pytest.mark.parametrize(("table", "kind", "message"), STRUCTURAL_FAULTS)
def test_structural_fault_stops_run_and_keeps_published(
    published_workspace: Workspace, tmp_path: Path, table: str, kind: str, message: str
) -> None:
    workspace = Workspace(tmp_path / "copy")
    shutil.copytree(published_workspace.paths.raw, workspace.paths.raw)
    workspace.paths.warehouse.mkdir(parents=True)
    shutil.copy2(published_workspace.paths.published_db, workspace.paths.published_db)
    before = file_sha256(workspace.paths.published_db)

    break_raw_file(workspace.paths.raw, table, kind)
    result = workspace.chw("run")

    assert result.returncode == 3, result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and "Traceback" not in result.stderr
    assert table in result.stderr.replace("\n", "") and message in result.stderr.replace("\n", " ")
    assert file_sha256(workspace.paths.published_db) == before


def test_row_faults_are_quarantined_with_reasons(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "faulty", accounts=60, days=150, fault_rate=0.02)
    result = workspace.chw("run")
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads((workspace.paths.report_dir / "run.json").read_text())
    for counts in run["source_counts"]:
        assert counts["raw_rows"] == counts["accepted_rows"] + counts["quarantined_rows"]
    reasons = {q["reason"] for q in run["quarantine_by_reason"]}
    expected = {
        "null_key",
        "orphan_account",
        "duplicate",
        "out_of_range_score",
        "negative_amount",
        "future_timestamp",
        "unknown_currency",
    }
    assert expected <= reasons, expected - reasons
    con = duckdb.connect(str(workspace.paths.published_db), read_only=True)
    kept = con.execute(
        "select count(*) from marts.fct_quarantined_rows where record_json is null"
    ).fetchone()[0]
    con.close()
    assert kept == 0  # every quarantined row keeps its values


def test_quality_gate_failure_publishes_nothing(
    published_workspace: Workspace, tmp_path: Path
) -> None:
    """Raw data valid in shape but so wrong (half the contract periods have no id) that GX stops
    the run."""
    workspace = make_workspace(tmp_path / "broken", accounts=40, days=120)
    accounts = workspace.paths.raw / "subscriptions.parquet"
    con = duckdb.connect()
    con.execute(
        f"copy (select * replace (case when hash(subscription_id) % 2 = 0 then null "
        f"else subscription_id end as subscription_id) from read_parquet('{accounts}')) "
        f"to '{accounts}.new' (format parquet)"
    )
    con.close()
    Path(f"{accounts}.new").replace(accounts)
    workspace.paths.warehouse.mkdir(parents=True)
    shutil.copy2(published_workspace.paths.published_db, workspace.paths.published_db)
    before = file_sha256(workspace.paths.published_db)
    result = workspace.chw("run")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "raw validation failed" in result.stderr
    assert file_sha256(workspace.paths.published_db) == before
    report = (workspace.paths.report_dir / "data_quality.md").read_text()
    assert "status: **failed**" in report


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    path, stop_file = sys.argv[1], sys.argv[2]
    con = duckdb.connect(path, read_only=True)   # a BI tool's long-lived connection
    run_id = con.execute("select run_id from main.publication").fetchone()[0]
    rows = con.execute("select count(*) from marts.fct_account_health_daily").fetchone()[0]
    reads = 0
    while not __import__("os").path.exists(stop_file):
        same = con.execute("select run_id from main.publication").fetchone()[0]
        count = con.execute("select count(*) from marts.fct_account_health_daily").fetchone()[0]
        assert (same, count) == (run_id, rows), "reader saw a changing state"
        reads += 1
        time.sleep(0.05)
    print(run_id, reads)
    """
)


def test_rerun_is_idempotent_and_never_blocks_a_reader(
    published_workspace: Workspace, tmp_path: Path
) -> None:
    paths = published_workspace.paths
    before = content_fingerprint(paths.published_db)
    stop_file = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths.published_db), str(stop_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)  # the reader holds its connection before the build starts
    result = published_workspace.chw("run")
    stop_file.touch()
    out, err = reader.communicate(timeout=60)

    assert result.returncode == 0, result.stderr[-3000:]
    assert reader.returncode == 0, err
    old_run_id, reads = out.split()
    assert int(reads) > 10
    con = duckdb.connect(str(paths.published_db), read_only=True)
    new_run_id = con.execute("select run_id from main.publication").fetchone()[0]
    con.close()
    assert new_run_id != old_run_id  # a new publication happened while the reader read
    after = content_fingerprint(paths.published_db)  # same raw data, same marts
    assert after.keys() == before.keys()
    for table, values in before.items():
        for key, value in values.items():
            if isinstance(value, float):
                assert after[table][key] == pytest.approx(value, rel=1e-9, abs=1e-9), (table, key)
            else:
                assert after[table][key] == value, (table, key)
