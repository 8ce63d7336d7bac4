"""Unit tests of the publication audit's checks, dbt's error causes, quoting and recovery
(no dbt run: the fault corpus runs them all through the CLI)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from chw import audit, pii, recovery
from chw.dbt import cause
from chw.errors import ChwError, ExitCode
from chw.settings import Paths
from chw.sqlquote import literal

LIMITS = {
    "max_mart_rows_drop": 0.1,
    "max_latest_day_accounts_drop": 0.1,
    "max_quarantine_share": 0.5,
    "max_quarantine_share_rise": 0.05,
    "quarantine_min_rows": 100,
    "max_score_shift": 10,
}


def snapshot(**changes: object) -> audit.Snapshot:
    values: dict[str, object] = {
        "mart_rows": {"fct_account_health_daily": 1000, "fct_health_alerts": 50},
        "latest_day": "2026-06-30",
        "latest_accounts": 40,
        "quarantine": {"product.product_events": (10_000, 100), "crm.csm_overrides": (0, 0)},
        "quantiles": (40.0, 60.0, 80.0),
    }
    values.update(changes)
    return audit.Snapshot(**values)  # type: ignore[arg-type]


def breaches(new: audit.Snapshot, old: audit.Snapshot | None = None) -> list[str]:
    findings = audit.absolute_findings(new, LIMITS)
    if old:
        findings += audit.relative_findings(new, old, LIMITS)
    return [f.check for f in findings if not f.passed]


def test_same_build_passes_and_empty_source_is_zero_of_zero() -> None:
    assert breaches(snapshot(), snapshot()) == []


def test_each_check_breaches() -> None:
    old = snapshot()
    rows = {"fct_account_health_daily": 800, "fct_health_alerts": 1}
    assert breaches(snapshot(mart_rows=rows), old) == ["max_mart_rows_drop"]
    assert breaches(snapshot(latest_accounts=30), old) == ["max_latest_day_accounts_drop"]
    bad = {"product.product_events": (10_000, 1_000)}
    assert breaches(snapshot(quarantine=bad), old) == ["max_quarantine_share_rise"]
    assert breaches(snapshot(quantiles=(40.0, 71.0, 80.0)), old) == ["max_score_shift"]


def test_first_run_fails_only_absolute_checks() -> None:
    flooded = {"product.product_events": (10_000, 10_000)}
    assert breaches(snapshot(quarantine=flooded)) == ["max_quarantine_share"]
    assert breaches(snapshot(quarantine={"crm.accounts": (40, 40)})) == []  # under the floor
    empty = snapshot(mart_rows={"fct_account_health_daily": 0}, latest_accounts=0)
    assert breaches(empty) == ["health_rows", "latest_day_accounts"]


def test_gate_names_the_check_and_waives_only_real_changes() -> None:
    findings = audit.relative_findings(snapshot(latest_accounts=20), snapshot(), LIMITS)
    with pytest.raises(ChwError) as failed:
        audit.gate(findings)
    assert failed.value.code == ExitCode.QUALITY_GATE
    assert "max_latest_day_accounts_drop" in str(failed.value) and "20 on" in str(failed.value)
    audit.gate(findings, accept_drop=True)
    empty = audit.absolute_findings(snapshot(latest_accounts=0), LIMITS)
    with pytest.raises(ChwError, match="latest_day_accounts"):
        audit.gate(empty, accept_drop=True)


def test_dbt_cause_skips_the_header() -> None:
    message = (
        "Runtime Error in model base_billing__subscriptions (models/x.sql)\n"
        "  Conversion Error: Type INT64 with value 99999999999 can't be cast\n\n  LINE 1: ..."
    )
    assert cause(message).startswith("Conversion Error: Type INT64")
    assert cause("Got 3 results, configured to fail if != 0") == (
        "Got 3 results, configured to fail if != 0"
    )


def test_quoted_path_reads(tmp_path: Path) -> None:
    folder = tmp_path / "o'brien"
    folder.mkdir()
    con = duckdb.connect()
    con.execute(f"copy (select 1 as x) to {literal(folder / 'x.parquet')} (format parquet)")
    assert con.execute(f"select x from read_parquet({literal(folder / 'x.parquet')})").fetchone()
    con.close()


def test_interrupted_publish_is_cleaned(tmp_path: Path) -> None:
    paths = Paths(raw=tmp_path / "raw", warehouse=tmp_path, output=tmp_path / "out")
    left = [tmp_path / ".health.duckdb.1.tmp", tmp_path / ".health.duckdb.1.tmp.wal"]
    for path in [*left, paths.published_db]:
        path.write_text("x")
    assert recovery.clean_interrupted_publish(paths) == left
    assert paths.published_db.exists() and not any(p.exists() for p in left)


def test_pii_salt_is_secret_and_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pii.SALT_ENV, raising=False)
    monkeypatch.delenv(pii.SALT_FILE_ENV, raising=False)
    paths = Paths(raw=tmp_path, warehouse=tmp_path / "w", output=tmp_path)
    first = pii.salt(paths)
    assert len(first) == 64 and pii.salt(paths) == first
    assert (pii.salt_file(paths).stat().st_mode & 0o777) == 0o600
    monkeypatch.setenv(pii.SALT_ENV, "from-the-environment")
    assert pii.salt(paths) == "from-the-environment"
