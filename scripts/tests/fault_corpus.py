"""The fault corpus: bad inputs of every kind, each with the exit code, the words of the
message and what must become of the publication (byte-identical when the run fails, correct
when it passes). test_fault_corpus.py runs them; cases of one `group` share one run.

Mutations rewrite the raw Parquet files with DuckDB. Bad rows are added as marked copies of
good rows (the marker is a key or free-text value, found again in the quarantine's JSON), so
the accepted data, and with it every health mart, stays as the clean publication had it.
The cases themselves are tabled in fault_cases.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chw.faults import break_raw_file
from chw.sqlquote import literal

STREAMS = ("product_events", "web_visits", "content_interactions", "survey_responses")
Mutation = Callable[[Path, Path], None]  # (raw folder, warehouse folder)
# A row no other case added (their markers start with fc_): DuckDB ANDs the columns' tests.
GOOD_ROW = "not starts_with(lower(coalesce(cast(columns(*) as varchar), '')), 'fc')"


@dataclass(frozen=True)
class Case:
    """One bad input and what the pipeline must do with it."""

    id: str
    mutate: Mutation | None
    code: int
    words: tuple[str, ...] = ()
    group: str = ""  # cases of a group share one run; "" = a run of its own
    args: tuple[str, ...] = ("run",)
    quarantined: tuple[str, str, str | None] | None = None  # (source, marker, reason|None=any)
    marts_as_published: bool = False  # health marts equal the clean publication's
    check: Callable[[Path], str] | None = None  # extra check on the workspace root: '' = ok
    warehouse: str = "copy"  # copy | publication (fresh build) | none (first run)
    needs: str = ""  # another branch that makes the case pass (xfail until merged)
    notes: dict[str, str] = field(default_factory=dict)


def rewrite(raw: Path, table: str, select: str) -> None:
    """Replace raw/<table>.parquet by `select`, which reads the file as `t`."""
    path = raw / f"{table}.parquet"
    new = path.with_name(path.name + ".new")
    con = duckdb.connect()
    try:
        con.execute(f"create view t as select * from read_parquet({literal(path)})")
        con.execute(f"copy ({select}) to {literal(new)} (format parquet)")
    finally:
        con.close()
    new.replace(path)


def add_rows(table: str, replace: str, where: str = "true") -> Mutation:
    """Append a copy of the first good row (matching `where`) with `replace` applied. Stream
    rows land after the last batch (a later `_loaded_at`) so an incremental run reads them."""
    loaded = (
        "(select max(_loaded_at) from t) + interval 1 minute as _loaded_at"
        if table in STREAMS and "_loaded_at" not in replace
        else ""
    )
    replaced = ", ".join(part for part in (replace, loaded) if part)

    def mutate(raw: Path, warehouse: Path) -> None:
        rewrite(
            raw,
            table,
            f"select * from t union all (select * replace ({replaced}) from t "
            f"where {where} and {GOOD_ROW} order by all limit 1)",
        )

    return mutate


def update(table: str, select: str) -> Mutation:
    return lambda raw, warehouse: rewrite(raw, table, select)


def broken(table: str, kind: str, column: str | None = None) -> Mutation:
    return lambda raw, warehouse: break_raw_file(raw, table, kind, column=column)


def both(*mutations: Mutation) -> Mutation:
    def mutate(raw: Path, warehouse: Path) -> None:
        for m in mutations:
            m(raw, warehouse)

    return mutate


def poison_watermark(raw: Path, warehouse: Path) -> None:
    """A row of the held state stamped in 2099, as an earlier bad delivery would leave it."""
    con = duckdb.connect(str(warehouse / "build.duckdb"))
    con.execute(
        "update staging.base_product__product_events set loaded_at = timestamp '2099-01-01' "
        "where loaded_at = (select min(loaded_at) from staging.base_product__product_events)"
    )
    con.close()


def corrupt_build(raw: Path, warehouse: Path) -> None:
    (warehouse / "build.duckdb").write_bytes(b"not a duckdb file" * 4096)


def interrupted_publish(raw: Path, warehouse: Path) -> None:
    (warehouse / ".health.duckdb.20260101T000000000000Z.tmp").write_bytes(b"half a copy")
    (warehouse / ".health.duckdb.20260101T000000000000Z.tmp.wal").write_bytes(b"its log")


def remove_raw_folder(raw: Path, warehouse: Path) -> None:
    shutil.rmtree(raw)


def published(root: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(root / "warehouse" / "health.duckdb"), read_only=True)


def build(root: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(root / "warehouse" / "build.duckdb"), read_only=True)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    try:
        row = con.execute(sql, params or []).fetchone()
        return row[0] if len(row) == 1 else row
    finally:
        con.close()


def accepted_event(marker: str) -> Callable[[Path], str]:
    def check(root: Path) -> str:
        n = _one(
            build(root),
            "select coalesce(sum(events), 0) from staging.base_product__product_events "
            f"where grain = 'user' and user_id = '{marker}' and quarantine_reason is null",
        )
        return "" if n == 1 else f"late event {marker}: {n} accepted rows, expected 1"

    return check


def empty_overrides_reported(root: Path) -> str:
    """The empty (allowed) table passed and is reported as empty, not as a crash."""
    run = json.loads((root / "output" / "report" / "run.json").read_text())
    status = {f["source_table"]: f["status"] for f in run["freshness"]}
    found = status.get("crm.csm_overrides")
    return "" if found == "empty" else f"csm_overrides freshness {found!r}, expected 'empty'"


def no_leftover_publish(root: Path) -> str:
    left = sorted(p.name for p in (root / "warehouse").glob(".health.duckdb.*"))
    return "" if not left else f"left behind: {', '.join(left)}"


def owner_updated(root: Path) -> str:
    owner = _one(
        published(root), "select csm_owner from marts.dim_accounts where account_id = 'A000001'"
    )
    return "" if owner == "fc_new_owner" else f"dim_accounts.csm_owner is {owner!r}"


def pii_kept_out(root: Path) -> str:
    """The raw email reaches no published table, and its hash is not the old constant salt's."""
    con = published(root)
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR'"
    ).fetchall()
    leaks = [
        f"{s}.{t}.{c}"
        for s, t, c in columns
        if con.execute(
            f"select count(*) from {s}.{t} where \"{c}\" ilike '%fc.pii.marker%'"
        ).fetchone()[0]
    ]
    con.close()
    salt = (root / "warehouse" / ".pii_salt").read_text().strip()
    salted = _one(
        build(root),
        "select count(*) filter (where email_hash = md5(concat($1, $3))), "
        "count(*) filter (where email_hash = md5(concat($2, $3))) "
        "from staging.base_crm__contacts",
        [salt, "chw", "fc.pii.marker@example.com"],
    )
    problems = [f"email in {', '.join(leaks)}"] if leaks else []
    problems += ["email not hashed with the local secret salt"] if salted[0] != 1 else []
    problems += ["email hashed with the repo's old constant salt"] if salted[1] else []
    return "; ".join(problems)


def half_the_accounts(root: Path) -> str:
    """Only accounts A000001-A000019 kept their contracts: the publication has only them."""
    n, others = _one(
        published(root),
        "select [count(distinct account_id), "
        "count(distinct account_id) filter (where account_id >= 'A000020')] "
        "from marts.fct_account_health_daily where score_date = "
        "(select max(score_date) from marts.fct_account_health_daily)",
    )
    return "" if 0 < n < 20 and others == 0 else f"{n} accounts on the latest day"
