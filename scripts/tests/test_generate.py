"""The synthetic data generator: contract, determinism, signal, faults (SPEC §3, §4)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from chw.faults import break_raw_file
from chw.generate import RAW_TABLES, generate

REPO = Path(__file__).resolve().parents[2]
END = date(2026, 6, 30)
SMALL = {"accounts": 40, "days": 120, "end_date": END}


def _contract() -> dict[str, list[str]]:
    doc = yaml.safe_load((REPO / "models" / "staging" / "__sources.yml").read_text())
    return {
        table["name"]: [column["name"] for column in table["columns"]]
        for source in doc["sources"]
        for table in source["tables"]
    }


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.parquet"))
    }


def _read(raw: Path, table: str) -> pd.DataFrame:
    return pq.read_table(raw / f"{table}.parquet").to_pandas()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("small") / "raw"
    generate(raw, **SMALL)
    return raw


@pytest.fixture(scope="module")
def signal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough accounts and renewals for rank correlations to be clearly significant."""
    raw = tmp_path_factory.mktemp("signal") / "raw"
    generate(raw, accounts=200, days=180, end_date=END)
    return raw


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("faulty") / "raw"
    generate(raw, **SMALL, fault_rate=0.02)
    return raw


def test_same_arguments_give_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", 42), ("b", 42), ("c", 7)):
        generate(tmp_path / name / "raw", **SMALL, seed=seed)
    a, b, c = (_hashes(tmp_path / name) for name in "abc")
    assert len(a) == len(RAW_TABLES) + 1  # raw tables + truth
    assert a == b
    assert all(a[path] != c[path] for path in a)


def test_every_table_has_exactly_the_contract_columns(small: Path) -> None:
    contract = _contract()
    # the generator writes every table but the optional account_metric_values (no invented
    # measures from other tools): the pipeline reads it as absent
    assert set(contract) - set(RAW_TABLES) == {"account_metric_values"}
    assert set(RAW_TABLES) <= set(contract)
    for table in RAW_TABLES:
        columns = contract[table]
        assert pq.read_schema(small / f"{table}.parquet").names == columns, table


def test_types_follow_the_contract(small: Path) -> None:
    schema = {t: pq.read_schema(small / f"{t}.parquet") for t in RAW_TABLES}
    assert schema["product_events"].field("event_id").type == pa.int64()
    assert schema["product_events"].field("account_id").type == pa.string()
    assert schema["product_events"].field("occurred_at").type == pa.timestamp("us")
    assert schema["subscriptions"].field("start_date").type == pa.date32()
    assert schema["subscriptions"].field("seats").type == pa.int32()
    assert schema["subscriptions"].field("arr").type == pa.float64()
    assert schema["support_tickets"].field("is_escalated").type == pa.bool_()
    assert schema["support_tickets"].field("csat_score").type == pa.int32()
    assert schema["csm_overrides"].field("override_score").type == pa.float64()
    truth = pq.read_schema(small.parent / "truth" / "latent_health.parquet")
    assert truth.names == ["account_id", "day", "latent_health"]


def test_window_ends_on_end_date_and_nothing_happens_later(small: Path) -> None:
    events = _read(small, "product_events")
    assert events["occurred_at"].max().date() == END
    assert events["occurred_at"].min().date() == END - timedelta(days=119)
    assert events["event_id"].is_unique
    tickets = _read(small, "support_tickets")
    assert tickets["resolved_at"].max() < pd.Timestamp(END + timedelta(days=1))
    assert tickets["resolved_at"].isna().any()  # some are still open at the window end


def test_accounts_hierarchy_and_segments(small: Path) -> None:
    accounts = _read(small, "accounts")
    subs = _read(small, "subscriptions")
    parents = set(accounts["parent_account_id"].dropna())
    assert parents and parents <= set(accounts["account_id"])
    assert not parents & set(subs["account_id"])  # holdings have no contract
    assert len(accounts) - len(parents) == SMALL["accounts"]
    assert accounts["account_id"].is_unique
    assert set(accounts["plan_tier"]) <= {"starter", "growth", "enterprise"}


def test_row_counts_scale_with_accounts_and_days(tmp_path: Path) -> None:
    def rows(accounts: int, days: int) -> dict[str, int]:
        out = tmp_path / f"{accounts}x{days}" / "raw"
        return generate(out, accounts=accounts, days=days, end_date=END)

    base, wide, long = rows(40, 60), rows(80, 60), rows(40, 120)
    for table in ("product_events", "web_visits", "content_interactions"):
        assert 1.5 < wide[table] / base[table] < 2.6, table
        assert 1.6 < long[table] / base[table] < 2.4, table
    assert 1.5 < wide["contacts"] / base["contacts"] < 2.6
    assert long["contacts"] == base["contacts"]  # users depend on accounts, not days


def _per_account(raw: Path) -> pd.DataFrame:
    """Mean latent health over the last 30 days and the signals over the same days."""
    truth = pq.read_table(raw.parent / "truth" / "latent_health.parquet").to_pandas()
    since = pd.Timestamp(END - timedelta(days=29))
    truth["day"] = pd.to_datetime(truth["day"])
    recent = truth[truth["day"] >= since].groupby("account_id")
    out = pd.DataFrame({"health": recent["latent_health"].mean(), "days": recent.size()})
    out = out[out["days"] == 30]

    def per_day(table: str, column: str) -> pd.Series:
        df = _read(raw, table)
        df = df[df[column] >= since]
        return df.groupby("account_id").size().reindex(out.index, fill_value=0) / 30

    out["events"] = per_day("product_events", "occurred_at")
    out["tickets"] = per_day("support_tickets", "opened_at")
    surveys = _read(raw, "survey_responses")
    nps = surveys[surveys["survey_type"] == "nps"].groupby("account_id")["score"].mean()
    all_health = truth.groupby("account_id")["latent_health"].mean()
    out["nps"] = nps.reindex(out.index)
    out["health_all"] = all_health.reindex(out.index)
    return out


def _spearman(a: pd.Series, b: pd.Series) -> float:
    both = pd.concat([a, b], axis=1).dropna()
    return float(both.iloc[:, 0].rank().corr(both.iloc[:, 1].rank()))


def test_latent_health_drives_the_signals(signal: Path) -> None:
    df = _per_account(signal)
    assert len(df) > 120
    # With n > 120, |rho| > 0.3 has p < 0.001: these are clearly significant.
    assert _spearman(df["health"], df["events"]) > 0.3
    assert _spearman(df["health"], df["tickets"]) < -0.2
    assert _spearman(df["health_all"], df["nps"]) > 0.3


def test_churners_had_lower_health_at_renewal(signal: Path) -> None:
    truth = pq.read_table(signal.parent / "truth" / "latent_health.parquet").to_pandas()
    subs = _read(signal, "subscriptions").dropna(subset=["outcome"])
    assert {"churned", "renewed"} <= set(subs["outcome"])
    churn_rate = (subs["outcome"] == "churned").mean()
    assert 0.08 < churn_rate < 0.35
    merged = subs.merge(truth, on="account_id")
    merged["day"], merged["end_date"] = (pd.to_datetime(merged[c]) for c in ("day", "end_date"))
    window = (merged["day"] <= merged["end_date"]) & (
        merged["day"] > merged["end_date"] - pd.Timedelta(days=30)
    )
    at_renewal = merged[window].groupby(["subscription_id", "outcome"])["latent_health"].mean()
    by_outcome = at_renewal.groupby("outcome").mean()
    assert by_outcome["churned"] < by_outcome.drop("churned").min() - 10
    # No activity after a churned contract ends.
    churned_end = subs[subs["outcome"] == "churned"].set_index("account_id")["end_date"]
    events = _read(signal, "product_events")
    events = events[events["account_id"].isin(churned_end.index)]
    ends = pd.to_datetime(events["account_id"].map(churned_end))
    assert (events["occurred_at"] < ends + pd.Timedelta(days=1)).all()


def test_clean_data_has_no_faults(small: Path) -> None:
    assert not _fault_kinds(small)


def test_fault_rate_adds_every_fault_kind(faulty: Path) -> None:
    assert _fault_kinds(faulty) == {
        "duplicate",
        "null_key",
        "orphan",
        "out_of_range",
        "negative_amount",
        "future_timestamp",
        "unknown_currency",
        "late_arriving",
    }


def _fault_kinds(raw: Path) -> set[str]:
    """Which bad-input kinds appear, checked in every table they apply to."""
    found: dict[str, list[bool]] = {}

    def seen(kind: str, hit: bool) -> None:
        found.setdefault(kind, []).append(bool(hit))

    future = pd.Timestamp(END + timedelta(days=3000))
    event_time = {
        "product_events": "occurred_at",
        "web_visits": "occurred_at",
        "content_interactions": "occurred_at",
        "survey_responses": "responded_at",
        "support_tickets": "opened_at",
    }
    for table in RAW_TABLES:
        df = _read(raw, table)
        key = df.columns[0]
        seen("duplicate", df[key].dropna().duplicated().any())
        nullable_account = table == "web_visits"
        seen(
            "null_key",
            df[key].isna().any() or (not nullable_account and df["account_id"].isna().any()),
        )
        fk = "parent_account_id" if table == "accounts" else "account_id"
        seen("orphan", df[fk].str.startswith("A_UNKNOWN_", na=False).any())
        if table in event_time:
            t = df[event_time[table]]
            seen("future_timestamp", (t > future).any())
            if table != "support_tickets":  # a ticket row lands when it last changed
                seen("late_arriving", ((df["_loaded_at"] - t) > pd.Timedelta(days=2)).any())
    surveys = _read(raw, "survey_responses")
    scale = surveys["survey_type"].map({"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)})
    lo, hi = scale.str[0], scale.str[1]
    seen("out_of_range", ((surveys["score"] < lo) | (surveys["score"] > hi)).any())
    seen("out_of_range", _read(raw, "support_tickets")["csat_score"].isin([0, 9]).any())
    invoices, subs = _read(raw, "invoices"), _read(raw, "subscriptions")
    seen("negative_amount", (invoices["amount"] < 0).any())
    seen("negative_amount", (subs["arr"] < 0).any())
    seen("unknown_currency", (invoices["currency"] == "XXX").any())
    seen("unknown_currency", (subs["currency"] == "XXX").any())
    # A kind counts as injected only if every table it applies to shows it.
    present = {kind for kind, hits in found.items() if all(hits)}
    absent_everywhere = {kind for kind, hits in found.items() if not any(hits)}
    assert present | absent_everywhere == set(found), {k: v for k, v in found.items()}
    return present


@pytest.mark.parametrize(
    "kind",
    ["missing_file", "missing_column", "renamed_column", "wrong_type", "empty", "unreadable"],
)
def test_break_raw_file(small: Path, tmp_path: Path, kind: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for table in RAW_TABLES:
        (raw / f"{table}.parquet").write_bytes((small / f"{table}.parquet").read_bytes())
    path = raw / "product_events.parquet"
    before = pq.read_table(path)
    break_raw_file(raw, "product_events", kind)
    if kind == "missing_file":
        assert not path.exists()
        return
    if kind == "unreadable":
        with pytest.raises(pa.ArrowInvalid):
            pq.read_table(path)
        return
    after = pq.read_table(path)
    names = before.column_names
    if kind == "missing_column":
        assert after.column_names == [c for c in names if c != "account_id"]
    elif kind == "renamed_column":
        assert after.column_names == [c + "_renamed" if c == "account_id" else c for c in names]
    elif kind == "wrong_type":
        assert after.schema.field("occurred_at").type == pa.string()
        assert set(after.column("occurred_at").to_pylist()) == {"not a date"}
    else:
        assert after.num_rows == 0
        assert after.schema == before.schema
    if kind != "empty":
        untouched = [c for c in after.column_names if c in names and c != "occurred_at"]
        assert after.select(untouched).equals(before.select(untouched))
