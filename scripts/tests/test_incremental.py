"""Incremental builds: after one more day of raw data lands, an incremental `dbt build`
gives the same marts as a full refresh, late-arriving rows within the lookback and
re-delivered keys of latest-wins streams included."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import dbt_in

from chw.bench import model_times
from chw.generate import RAW_TABLES, generate
from chw.landing import landed_before
from chw.publish import content_fingerprint
from chw.settings import PROJECT_DIR

END = date(2026, 6, 30)
LOOKBACK = 10  # the generator delivers late rows up to 10 days late
# Streams where a later delivery of a key replaces the earlier one (latest wins).
LATEST_WINS = {
    "web_visits": "visit_id",
    "content_interactions": "interaction_id",
    "survey_responses": "response_id",
}


def _dbt(raw: Path, db: Path, *args: str) -> None:
    lookback = f"{{lookback_days: {LOOKBACK}}}"
    dbt_in(raw, db.parent, "build", "--exclude", "test_type:unit", "--vars", lookback, *args)


def _assert_same_marts(left: Path, right: Path) -> None:
    a, b = content_fingerprint(left), content_fingerprint(right)
    assert a.keys() == b.keys()
    for table, values in a.items():
        for key, value in values.items():
            if isinstance(value, float):
                assert b[table][key] == pytest.approx(value, rel=1e-9, abs=1e-9), (table, key)
            else:
                assert b[table][key] == value, (table, key)


def _redeliver_on_last_day(folder: Path, rows: int = 5) -> int:
    """Deliver again, on the last day, a few rows of each latest-wins stream that landed
    before it: the incremental run must screen them with the versions it already holds."""
    con = duckdb.connect()
    redelivered = 0
    for table, key in LATEST_WINS.items():
        path = folder / f"{table}.parquet"
        con.execute(f"create table {table} as select * from read_parquet('{path}')")
        con.execute(
            f"insert into {table} select * replace (timestamp '{END} 01:00:00' as _loaded_at) "
            f"from {table} where _loaded_at < date '{END}' and {key} is not null "
            f"order by _loaded_at desc limit {rows}"
        )
        con.execute(f"copy {table} to '{path}' (format parquet)")
        redelivered += con.execute(
            f"select count(*) from {table} where _loaded_at >= date '{END}' and {key} in "
            f"(select {key} from {table} where _loaded_at < date '{END}')"
        ).fetchone()[0]
    con.close()
    return redelivered


def test_incremental_day_equals_full_refresh(tmp_path: Path) -> None:
    everything = tmp_path / "all"
    generate(everything, accounts=50, days=150, seed=11, end_date=END, fault_rate=0.01)
    assert _redeliver_on_last_day(everything) >= len(LATEST_WINS)
    raw = tmp_path / "raw"
    landed_before(everything, raw, END)  # what had landed before the last day
    incremental_db = tmp_path / "incremental" / "build.duckdb"
    full_db = tmp_path / "full" / "build.duckdb"
    for db in (incremental_db, full_db):
        (db.parent / "tmp").mkdir(parents=True)

    _dbt(raw, incremental_db)  # yesterday's full build
    for table in RAW_TABLES:  # the last day lands
        (raw / f"{table}.parquet").write_bytes((everything / f"{table}.parquet").read_bytes())
    _dbt(raw, incremental_db)  # today's incremental build
    _dbt(raw, full_db, "--full-refresh")

    con = duckdb.connect(str(incremental_db), read_only=True)
    last_day = con.execute("select max(score_date) from marts.fct_account_health_daily").fetchone()
    late_rows = con.execute(
        "select count(*) from staging.base_product__product_events "
        f"where loaded_at >= date '{END}' and activity_date < date '{END}' - interval 3 day"
    ).fetchone()[0]
    built = {
        name
        for (name,) in con.execute("select table_name from information_schema.tables").fetchall()
    }
    con.close()
    assert last_day[0] == END
    # the bench's profile of a day: every model built, slowest first
    run = json.loads((incremental_db.parent / "target" / "run_results.json").read_text())
    profile = model_times(run)
    models = [r for r in run["results"] if r["unique_id"].startswith("model.")]
    seeds = {path.stem for path in (PROJECT_DIR / "seeds").glob("*.csv")}
    state = {"config_fingerprints"}  # what each model was built from (not a model)
    assert len(profile) == len(models) and set(profile) == built - seeds - state
    assert sum(profile.values()) == pytest.approx(
        sum(r["execution_time"] for r in models), abs=0.25
    )
    assert list(profile.values()) == sorted(profile.values(), reverse=True)
    assert late_rows > 0  # the new batch carried late-arriving rows from days back
    _assert_same_marts(incremental_db, full_db)
