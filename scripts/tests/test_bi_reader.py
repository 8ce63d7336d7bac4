"""BI reads the published marts the way Superset does (docs/bi.md): a SQLAlchemy engine
through duckdb-engine, `duckdb:////path/health.duckdb?access_mode=read_only`, while `chw run`
publishes a new build. No error, no lock wait, never a mix of two publications."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import END_DATE, make_workspace
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from chw.generate import generate

# One statement reads the publication's own record (run id, rows per table) and counts the
# rows of a mart: a consistent snapshot means the count is the one that publication recorded.
QUERY = (
    "select p.run_id, p.tables_json, "
    "(select count(*) from marts.fct_account_health_daily) as fct_rows, "
    "(select count(*) from marts.dim_accounts) as dim_rows "
    "from main.publication as p"
)

# One process per way of connecting: in one process DuckDB shares a database instance between
# the connections to one path, so a connection opened while another is held would see the
# file that one opened, not a new publication.
READER = textwrap.dedent(
    """
    import json, os, sys, time
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool
    url, mode, stop_file, query = sys.argv[1], sys.argv[2], sys.argv[3], text(sys.argv[4])
    if mode == "per_query":  # Superset: a connection per query (NullPool)
        engine = create_engine(url, poolclass=NullPool)
    else:  # a notebook or a pooled BI connection: one connection held open
        long_lived = create_engine(url).connect()
    reads, errors = [], []
    while not os.path.exists(stop_file):
        started = time.perf_counter()
        try:
            if mode == "per_query":
                with engine.connect() as con:
                    row = con.execute(query).one()
            else:
                row = long_lived.execute(query).one()
                long_lived.rollback()  # end the read transaction, as a pool does
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        seconds = time.perf_counter() - started
        reads.append([row.run_id, json.loads(row.tables_json), row.fct_rows, row.dim_rows,
                      seconds])
        time.sleep(0.02)
    print(json.dumps({"reads": reads, "errors": errors}))
    """
)

MAX_QUERY_SECONDS = 2.0  # a lock wait would be far longer (or an error); reads take ms


def test_sqlalchemy_reader_during_publish(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws", accounts=40, days=120)
    first = workspace.chw("run")
    assert first.returncode == 0, first.stderr[-3000:]
    published = workspace.paths.published_db
    url = f"duckdb:///{published}?access_mode=read_only"  # four slashes: an absolute path

    # new data: one more day of history
    generate(
        workspace.paths.raw,
        accounts=40,
        days=121,
        seed=7,
        end_date=END_DATE + timedelta(days=1),
        fault_rate=0.0,
    )
    stop_file = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, url, mode, str(stop_file), QUERY],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("per_query", "long_lived")
    }
    time.sleep(3)  # the readers are connected and reading before the build starts
    second = workspace.chw("run", "--full-refresh", "--accept-drop")
    time.sleep(2)  # and read the new publication for a while
    stop_file.touch()
    results = {}
    for mode, reader in readers.items():
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err[-3000:]
        results[mode] = json.loads(out)
    assert second.returncode == 0, second.stderr[-3000:]
    assert results["per_query"]["errors"] == [] and results["long_lived"]["errors"] == []

    per_query, long_lived = results["per_query"]["reads"], results["long_lived"]["reads"]
    assert len(per_query) > 20 and len(long_lived) > 20
    for run_id, tables, fct_rows, dim_rows, seconds in per_query + long_lived:
        # each read is one publication: its rows are the ones it recorded for itself
        assert fct_rows == tables["marts.fct_account_health_daily"], run_id
        assert dim_rows == tables["marts.dim_accounts"], run_id
        assert seconds < MAX_QUERY_SECONDS, (run_id, seconds)

    with create_engine(url).connect() as con:  # after publish, a new connection: new run
        new_run = con.execute(text(QUERY)).one()
        with pytest.raises(DBAPIError, match="read-only"):  # and BI cannot write
            con.execute(text("create table marts.scratch as select 1 as x"))
    old_run = per_query[0][0]
    assert new_run.run_id != old_run
    assert new_run.fct_rows > per_query[0][2]  # the new day is there
    # connections opened per query moved from the old run to the new one once, never back
    runs = [read[0] for read in per_query]
    switch = runs.index(new_run.run_id)
    assert set(runs[:switch]) == {old_run} and set(runs[switch:]) == {new_run.run_id}
    # the long-lived connection keeps the file it opened: the old publication, whole
    assert {read[0] for read in long_lived} == {old_run}

    def ms(reads: list[list], q: float) -> float:
        seconds = sorted(read[4] for read in reads)
        return 1000 * seconds[min(len(seconds) - 1, int(q * len(seconds)))]

    print(
        f"\nSQLAlchemy reads during publish: {len(per_query)} per-query connections "
        f"(median {ms(per_query, 0.5):.0f} ms, slowest {ms(per_query, 1):.0f} ms), "
        f"{len(long_lived)} on a long-lived one (median {ms(long_lived, 0.5):.0f} ms, "
        f"slowest {ms(long_lived, 1):.0f} ms); rows {per_query[0][2]} -> {new_run.fct_rows}"
    )
