"""The pipeline: check raw → validate raw (GX) → dbt build → validate marts (GX) → publish.

Every step records what it saw in a RunRecord, so the data-quality report can be written
whether the run passed or stopped; only a run whose checks all pass is published."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import duckdb

from chw import audit, connectors, freshness, preflight, publish, recovery, sqlquote, validate
from chw.dbt import run_dbt
from chw.errors import ChwError, ExitCode
from chw.settings import Paths

Progress = Callable[[str], None]
DUCKDB_TARGET = "duckdb"  # the profile's output whose build file GX, audit and publish read


@dataclass
class RunRecord:
    """Everything a run measured; serialised to run.json and rendered by the report."""

    run_id: str
    started_at: str
    status: str = "running"
    message: str = ""
    raw_rows: dict[str, int] = field(default_factory=dict)
    absent_sources: list[str] = field(default_factory=list)
    connector_tables: dict[str, str] = field(default_factory=dict)
    source_counts: list[dict[str, object]] = field(default_factory=list)
    quarantine_by_reason: list[dict[str, object]] = field(default_factory=list)
    freshness: list[dict[str, object]] = field(default_factory=list)
    dbt_counts: dict[str, int] = field(default_factory=dict)
    dbt_failures: list[str] = field(default_factory=list)
    gx: list[dict[str, object]] = field(default_factory=list)
    published_rows: dict[str, int] = field(default_factory=dict)
    audit: list[dict[str, object]] = field(default_factory=list)
    finished_at: str = ""

    def save(self, paths: Paths) -> None:
        paths.report_dir.mkdir(parents=True, exist_ok=True)
        (paths.report_dir / "run.json").write_text(json.dumps(asdict(self), indent=2))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gate(report: validate.ValidationReport, step: str) -> None:
    if report.errors:
        failed = ", ".join(f"{r.suite}:{r.expectation}({r.column or ''})" for r in report.errors)
        raise ChwError(
            f"{step} failed {len(report.errors)} check(s): {failed}", ExitCode.QUALITY_GATE
        )


def validate_raw(
    paths: Paths, record: RunRecord, progress: Progress, dbt_vars: str | None = None
) -> None:
    """Structural checks, then GX suites on the raw files (plus volume vs previous run).
    Tables a connector adapter fills (`<source>_source` vars) are screened by dbt alone."""
    progress("checking raw files")
    record.connector_tables = connectors.served_tables(dbt_vars)
    for table, connector in record.connector_tables.items():
        progress(f"source {table} comes from connector {connector} (docs/adapters.md)")
    record.raw_rows = preflight.check_raw(paths.raw, skip=record.connector_tables)
    record.absent_sources = preflight.absent_tables(record.raw_rows)
    for table in record.absent_sources:
        progress(f"notice: source {table} is absent; the metrics it feeds are N/A")
    previous = validate.load_previous_counts(paths.warehouse / "state" / "raw_rows.json")
    con = duckdb.connect()
    try:
        report = validate.validate_layer(
            "raw",
            con,
            {"raw_path": sqlquote.inner(paths.raw)},
            extra=validate.volume_suites(record.raw_rows, previous),
            progress=lambda name: progress(f"GX {name}"),
            skip=[*record.absent_sources, *record.connector_tables],
        )
    finally:
        con.close()
    record.gx.extend({"layer": "raw", **r.__dict__} for r in report.results)
    _gate(report, "raw validation")


def build(
    paths: Paths,
    record: RunRecord,
    progress: Progress,
    dbt_vars: str | None = None,
    *,
    full_refresh: bool = False,
    select: str | None = None,
    target: str = DUCKDB_TARGET,
) -> None:
    """dbt build: seeds, models, data tests and unit tests (all rebuilt on --full-refresh);
    `select` narrows it to dbt's node selection, `target` picks the profile's output."""
    progress("dbt build")
    paths.warehouse.mkdir(parents=True, exist_ok=True)
    args = ["build", *(["--full-refresh"] if full_refresh else [])]
    args += ["--vars", dbt_vars] if dbt_vars else []
    args += ["--select", select] if select else []
    outcome = run_dbt(
        args,
        paths,
        target=target,
        on_progress=lambda built: progress(f"dbt {built.line()}"),
    )
    record.dbt_counts = {f"{kind}:{status}": n for (kind, status), n in outcome.counts.items()}
    record.dbt_failures = outcome.failures
    if not outcome.success:
        errored = any(key.endswith(":error") for key in record.dbt_counts)
        code = ExitCode.BUILD if errored else ExitCode.QUALITY_GATE
        first = outcome.failures[0] if outcome.failures else "see warehouse/logs/dbt.log"
        hint = recovery.state_hint(outcome.failures, full_refresh)
        raise ChwError(
            f"dbt build failed ({len(outcome.failures)} failure(s)); {first}{hint}", code
        )


def collect_quality(paths: Paths, record: RunRecord) -> None:
    """Row counts, quarantine reasons and freshness from the build database."""
    con = duckdb.connect(str(paths.build_db), read_only=True)
    try:
        columns = ["source_table", "raw_rows", "accepted_rows", "quarantined_rows"]
        record.source_counts = [
            dict(zip(columns, row, strict=True))
            for row in con.execute(
                f"select {', '.join(columns)} from marts.agg_source_row_counts order by 1"
            ).fetchall()
        ]
        record.quarantine_by_reason = [
            {"source_table": s, "reason": r, "rows": n}
            for s, r, n in con.execute(
                "select source_table, quarantine_reason, count(*) from marts.fct_quarantined_rows "
                "group by 1, 2 order by 1, 2"
            ).fetchall()
        ]
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' and table_name like 'base\\_%' escape '\\' order by 1"
        ).fetchall()
        # the limits of the sources YAML, as `dbt source freshness` applies them
        limits = freshness.source_limits(paths.warehouse / "target" / "manifest.json")
        for (table,) in tables:
            latest = con.execute(f'select max(loaded_at) from staging."{table}"').fetchone()[0]
            age = _age_hours(latest)
            source_table = table.removeprefix("base_").replace("__", ".")
            limit = limits.get(source_table, freshness.Limits(48.0, None))
            record.freshness.append(
                {
                    "source_table": source_table,
                    "latest_loaded_at": latest.isoformat(sep=" ") if latest else None,
                    "age_hours": round(age, 1) if latest else None,
                    "status": "empty" if latest is None else limit.status(age),
                }
            )
    finally:
        con.close()


def _age_hours(latest: datetime | None) -> float:
    """Hours since `latest` (naive UTC); 0 for an empty table (no rows, nothing stale)."""
    if latest is None:
        return 0.0
    return (datetime.now(UTC).replace(tzinfo=None) - latest).total_seconds() / 3600


def recover(paths: Paths, progress: Progress, *, full_refresh: bool) -> None:
    """Clean up an interrupted publish; refuse to build on a poisoned incremental state."""
    for leftover in recovery.clean_interrupted_publish(paths):
        progress(f"removed {leftover.name} (an interrupted publish)")
    if recovery.check_build_db(paths, full_refresh=full_refresh):
        progress(f"removed {paths.build_db.name}: DuckDB could not open it")
    if not full_refresh:
        recovery.check_watermarks(paths)


def audit_publication(paths: Paths, record: RunRecord, *, accept_drop: bool) -> None:
    """The publication audit against the last good publication (chw.audit)."""
    recovery.check_watermarks(paths)
    findings = audit.audit(paths)
    record.audit = audit.as_records(findings)
    audit.gate(findings, accept_drop=accept_drop)


def validate_marts(paths: Paths, record: RunRecord, progress: Progress) -> None:
    con = duckdb.connect(str(paths.build_db), read_only=True)
    try:
        report = validate.validate_layer(
            "marts", con, {}, progress=lambda name: progress(f"GX {name}")
        )
    finally:
        con.close()
    record.gx.extend({"layer": "marts", **r.__dict__} for r in report.results)
    _gate(report, "marts validation")


def run_pipeline(
    paths: Paths,
    progress: Progress = lambda _: None,
    *,
    dbt_vars: str | None = None,
    full_refresh: bool = False,
    accept_drop: bool = False,
    select: str | None = None,
    target: str = DUCKDB_TARGET,
) -> RunRecord:
    """Run every step; publish only when all pass. The record is saved either way.
    `select` narrows the dbt build. On a `target` other than DuckDB the run is the dbt build
    alone: GX, the publication audit and publish work on the DuckDB build file."""
    started = datetime.now(UTC)
    record = RunRecord(run_id=started.strftime("%Y%m%dT%H%M%S%fZ"), started_at=_now())
    try:
        if target != DUCKDB_TARGET:
            progress(f"target {target}: dbt build only (GX and publish are DuckDB's)")
            build(
                paths,
                record,
                progress,
                dbt_vars,
                full_refresh=full_refresh,
                select=select,
                target=target,
            )
            record.status = "passed"
            return record
        recover(paths, progress, full_refresh=full_refresh)
        validate_raw(paths, record, progress, dbt_vars)
        build(paths, record, progress, dbt_vars, full_refresh=full_refresh, select=select)
        collect_quality(paths, record)
        validate_marts(paths, record, progress)
        audit_publication(paths, record, accept_drop=accept_drop)
        progress("publishing")
        record.published_rows = publish.publish(paths, record.run_id)
        state = paths.warehouse / "state"
        state.mkdir(parents=True, exist_ok=True)
        (state / "raw_rows.json").write_text(json.dumps(record.raw_rows, indent=2))
        record.status = "passed"
    except ChwError as exc:
        record.status = "failed"
        record.message = str(exc)
        if exc.code == ExitCode.QUALITY_GATE and record.dbt_counts and not record.source_counts:
            with contextlib.suppress(duckdb.Error):  # the build may not have got that far
                collect_quality(paths, record)
        raise
    finally:
        record.finished_at = _now()
        record.save(paths)
    return record
