"""The publication audit: compare the build with the last good publication before publishing.

Checks (thresholds in seeds/publication_audit.csv, read from the build's scoring_config):
rows per mart, accounts scored on the latest day, the share of each source quarantined and the
spread of the latest day's scores. A breach stops the run with one line naming the check and
its numbers; the publication stays as it was. `accept_drop` lets a person publish a real
change, but a build that scores nothing (no rows, or no account on its latest day) never
publishes. A first run (no publication yet) is judged on the absolute checks only."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from chw.errors import ChwError, ExitCode
from chw.settings import Paths

HEALTH_MART = "marts.fct_account_health_daily"
# Marts that count events or faults, not accounts: their number legitimately falls.
VOLATILE_MARTS = ("fct_health_alerts", "fct_quarantined_rows", "agg_source_row_counts")
SCORE_QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class Finding:
    """One audit check on one subject: what was measured, against what, and the verdict."""

    check: str
    subject: str
    observed: str
    limit: str
    passed: bool
    waivable: bool = True

    def line(self) -> str:
        return f"{self.check} ({self.subject}): {self.observed}, limit {self.limit}"


@dataclass(frozen=True)
class Snapshot:
    """What the audit compares, read from one database (the build or a publication)."""

    mart_rows: dict[str, int]
    latest_day: str | None
    latest_accounts: int
    quarantine: dict[str, tuple[int, int]]  # source -> (raw rows, quarantined rows)
    quantiles: tuple[float, ...] | None


def read_snapshot(db_path: Path) -> Snapshot:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type in ('BASE TABLE', 'VIEW') order by 1"
        ).fetchall()
        rows = {
            t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for (t,) in tables
        }
        latest_day, accounts = None, 0
        quantiles = None
        if "fct_account_health_daily" in rows:
            latest_day, accounts = con.execute(
                f"select max(score_date)::varchar, count(distinct account_id) "
                f"filter (where score_date = (select max(score_date) from {HEALTH_MART})) "
                f"from {HEALTH_MART}"
            ).fetchone()
            row = con.execute(
                f"select quantile_cont(published_score, {list(SCORE_QUANTILES)}) "
                f"from {HEALTH_MART} where score_date = (select max(score_date) "
                f"from {HEALTH_MART}) and published_score is not null"
            ).fetchone()
            quantiles = tuple(row[0]) if row and row[0] else None
        quarantine = {}
        if "agg_source_row_counts" in rows:
            quarantine = {
                source: (int(raw or 0), int(bad or 0))
                for source, raw, bad in con.execute(
                    "select source_table, raw_rows, quarantined_rows "
                    "from marts.agg_source_row_counts"
                ).fetchall()
            }
        return Snapshot(rows, latest_day, int(accounts or 0), quarantine, quantiles)
    finally:
        con.close()


def read_thresholds(build_db: Path) -> dict[str, float]:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        rows = con.execute(
            "select check_name, threshold from scoring_config.publication_audit"
        ).fetchall()
    except duckdb.Error as exc:
        raise ChwError(
            f"publication audit: no thresholds in the build (seed publication_audit): "
            f"{str(exc).splitlines()[0]}",
            ExitCode.BUILD,
        ) from None
    finally:
        con.close()
    return {name: float(value) for name, value in rows}


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def absolute_findings(new: Snapshot, limits: dict[str, float]) -> list[Finding]:
    """Checks every build must pass, with or without a previous publication."""
    health_rows = new.mart_rows.get("fct_account_health_daily", 0)
    findings = [
        Finding("health_rows", HEALTH_MART, f"{health_rows} rows", "> 0", health_rows > 0, False),
        Finding(
            "latest_day_accounts",
            f"accounts scored on {new.latest_day}",
            f"{new.latest_accounts} accounts",
            "> 0",
            new.latest_accounts > 0,
            False,
        ),
    ]
    floor = limits.get("quarantine_min_rows", 0)
    ceiling = limits.get("max_quarantine_share", 1.0)
    for source, (raw, bad) in sorted(new.quarantine.items()):
        share = _share(bad, raw)
        findings.append(
            Finding(
                "max_quarantine_share",
                source,
                f"{bad} of {raw} rows quarantined ({share:.1%})",
                f"{ceiling:.0%}",
                raw < floor or share <= ceiling,
            )
        )
    return findings


def relative_findings(new: Snapshot, old: Snapshot, limits: dict[str, float]) -> list[Finding]:
    """Checks against the last good publication."""
    findings = []
    drop = limits.get("max_mart_rows_drop", 1.0)
    for mart, before in sorted(old.mart_rows.items()):
        if mart in VOLATILE_MARTS or before == 0:
            continue
        after = new.mart_rows.get(mart, 0)
        lost = _share(before - after, before)
        findings.append(
            Finding(
                "max_mart_rows_drop",
                f"marts.{mart}",
                f"{after} rows vs {before} published (-{max(lost, 0):.1%})",
                f"-{drop:.0%}",
                lost <= drop,
            )
        )
    lost = _share(old.latest_accounts - new.latest_accounts, old.latest_accounts)
    findings.append(
        Finding(
            "max_latest_day_accounts_drop",
            "accounts scored on the latest day",
            f"{new.latest_accounts} on {new.latest_day} vs {old.latest_accounts} "
            f"on {old.latest_day} published (-{max(lost, 0):.1%})",
            f"-{limits.get('max_latest_day_accounts_drop', 1.0):.0%}",
            lost <= limits.get("max_latest_day_accounts_drop", 1.0),
        )
    )
    findings += _quarantine_rise(new, old, limits)
    if new.quantiles and old.quantiles:
        shift = max(abs(a - b) for a, b in zip(new.quantiles, old.quantiles, strict=True))
        limit = limits.get("max_score_shift", 100.0)
        quantiles = "/".join(f"{q:.1f}" for q in new.quantiles)
        before = "/".join(f"{q:.1f}" for q in old.quantiles)
        findings.append(
            Finding(
                "max_score_shift",
                "p10/p50/p90 of the latest day's scores",
                f"{quantiles} vs {before} published (moved {shift:.1f} points)",
                f"{limit:g} points",
                shift <= limit,
            )
        )
    return findings


def _quarantine_rise(new: Snapshot, old: Snapshot, limits: dict[str, float]) -> list[Finding]:
    findings = []
    rise_limit = limits.get("max_quarantine_share_rise", 1.0)
    floor = limits.get("quarantine_min_rows", 0)
    for source, (raw, bad) in sorted(new.quarantine.items()):
        share = _share(bad, raw)
        old_raw, old_bad = old.quarantine.get(source, (0, 0))
        before = _share(old_bad, old_raw)
        findings.append(
            Finding(
                "max_quarantine_share_rise",
                source,
                f"{share:.1%} quarantined vs {before:.1%} published",
                f"+{rise_limit:.0%}",
                raw < floor or share - before <= rise_limit,
            )
        )
    return findings


def audit(paths: Paths) -> list[Finding]:
    """Every finding of the build against the publication (absolute checks only on a first run)."""
    limits = read_thresholds(paths.build_db)
    new = read_snapshot(paths.build_db)
    findings = absolute_findings(new, limits)
    if paths.published_db.exists():
        findings += relative_findings(new, read_snapshot(paths.published_db), limits)
    return findings


def gate(findings: list[Finding], *, accept_drop: bool = False) -> None:
    """Raise ChwError naming the first breach; `accept_drop` waives all but the empty build."""
    breaches = [f for f in findings if not f.passed and not (accept_drop and f.waivable)]
    if not breaches:
        return
    others = sorted({f.check for f in breaches[1:]})
    more = f" (also {len(breaches) - 1} more: {', '.join(others)})" if others else ""
    hint = (
        "; if the change is real, publish it with `chw run --accept-drop`"
        if all(f.waivable for f in breaches)
        else ""
    )
    raise ChwError(
        f"publication audit failed: {breaches[0].line()}{more}{hint}", ExitCode.QUALITY_GATE
    )


def as_records(findings: list[Finding]) -> list[dict[str, object]]:
    return [asdict(f) for f in findings]
