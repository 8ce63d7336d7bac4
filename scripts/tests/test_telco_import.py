"""`chw import telco`: IBM's Telco churn data mapped into the raw contract, checked on the
files it writes (not on the importer's frames), and the signal those files carry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import Workspace
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from chw.contract import raw_tables
from chw.errors import ChwError, ExitCode
from chw.importers.raw import SCORING_METRIC_COLUMNS, append_metric_rows
from chw.importers.telco import METRICS, SNAPSHOT, TABLES, import_telco, load_wa_churn

S0 = SNAPSHOT
TERM = {"month_to_month": 1, "one_year": 12, "two_year": 24}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("telco") / "raw"
    import_telco(raw)
    return raw


def _read(raw: Path, table: str) -> pd.DataFrame:
    return duckdb.sql(f"select * from read_parquet('{raw / table}.parquet')").df()


@pytest.fixture(scope="module")
def periods(imported: Path) -> pd.DataFrame:
    frame = _read(imported, "subscriptions")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame.sort_values(["account_id", "start_date"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def source() -> pd.DataFrame:
    data = load_wa_churn()
    return data.assign(account_id=[f"telco-{i:04d}" for i in data["rownames"]])


def _months_between(first: date, day: date) -> int:
    """Completed months from `first` to `day`."""
    months = (day.year - first.year) * 12 + day.month - first.month
    return months - (day.day < first.day)


def test_writes_the_three_tables_and_nothing_else(imported: Path) -> None:
    assert sorted(p.name for p in imported.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    assert (imported.parent / "telco_scoring_metrics.csv").exists()


def test_columns_and_types_are_the_contract(imported: Path) -> None:
    for table in (t for t in raw_tables() if t.name in TABLES):
        described = duckdb.sql(f"describe select * from '{imported / table.name}.parquet'")
        names, types = zip(*((row[0], row[1]) for row in described.fetchall()), strict=True)
        assert names == table.columns, table.name
        assert tuple(t.lower() for t in types) == table.types, table.name


def test_one_account_per_customer_all_loaded_after_the_known_window(imported: Path) -> None:
    accounts = _read(imported, "accounts")
    assert len(accounts) == accounts["account_id"].nunique() == 7043
    assert set(accounts["plan_tier"]) == {"dsl", "fiber_optic", "no_internet"}
    landed = datetime.combine(S0 + timedelta(days=91), datetime.min.time())
    for table in TABLES:
        loaded = duckdb.sql(f"select distinct _loaded_at from '{imported / table}.parquet'")
        assert loaded.fetchall() == [(landed,)], table


def test_contract_periods_follow_tenure_and_term(periods: pd.DataFrame, source) -> None:
    grouped = periods.groupby("account_id")
    first = grouped["start_date"].min()
    expected_tenure = source.set_index("account_id")["tenure"]
    tenure = first.map(lambda day: _months_between(day, S0))
    assert (tenure == expected_tenure.loc[tenure.index]).all()
    # contiguous: each period starts the day after the previous one ended
    previous_end = grouped["end_date"].shift()
    following = previous_end.notna()
    assert (periods.loc[following, "start_date"] == previous_end[following] + timedelta(1)).all()
    # every account holds exactly one period on the snapshot: one cohort
    on_s0 = periods[(periods["start_date"] <= S0) & (periods["end_date"] >= S0)]
    assert on_s0["account_id"].nunique() == len(on_s0) == 7043
    # closed periods last their full term; the plan is the contract type
    terms = source.set_index("account_id")["contract"].map(
        {"Month-to-month": 1, "One year": 12, "Two year": 24}
    )
    closed = periods[periods["outcome"] == "renewed"]
    lengths = [
        _months_between(s, e + timedelta(1))
        for s, e in zip(closed["start_date"], closed["end_date"], strict=True)
    ]
    assert (pd.Series(lengths, index=closed.index) == closed["plan"].map(TERM)).all()
    assert (periods["plan"].map(TERM) == periods["account_id"].map(terms)).all()
    assert (periods["arr"] == 12 * periods["mrr"]).all() and set(periods["currency"]) == {"USD"}


def test_churners_leave_within_30_days_and_the_others_stay_to_the_horizon(
    periods: pd.DataFrame, source
) -> None:
    last = periods.groupby("account_id").tail(1).set_index("account_id")
    churned = source.set_index("account_id")["churn"].eq("Yes").loc[last.index]
    gone = last[churned]
    assert len(gone) == 1869
    assert (gone["status"] == "churned").all() and (gone["outcome"] == "churned").all()
    assert (gone["end_date"] > S0).all()
    assert (gone["end_date"] <= S0 + timedelta(30)).all()
    stayed = last[~churned]
    assert (stayed["status"] == "active").all() and stayed["outcome"].isna().all()
    assert (stayed["start_date"] <= S0 + timedelta(90)).all()
    assert (stayed["end_date"] >= S0 + timedelta(90)).all()
    earlier = periods.drop(periods.groupby("account_id").tail(1).index)
    assert set(earlier["status"]) == set(earlier["outcome"]) == {"renewed"}
    # month-to-month churners simply do not renew: their last month is a whole one
    monthly = gone[gone["plan"] == "month_to_month"]
    ends = [
        _months_between(s, e + timedelta(1))
        for s, e in zip(monthly["start_date"], monthly["end_date"], strict=True)
    ]
    assert set(ends) == {1}


def test_metric_values_are_measured_at_the_snapshot_and_blank_means_no_row(
    imported: Path, source
) -> None:
    values = _read(imported, "account_metric_values")
    assert set(values["metric_name"]) == set(METRICS)
    assert not {"tenure", "tenure_days", "contract_term_months"} & set(values["metric_name"])
    assert set(values["measured_at"]) == {pd.Timestamp(S0)}
    assert values["metric_value"].notna().all()
    blank = set(source.loc[source["total_charges"].isna(), "account_id"])
    with_total = set(values.loc[values["metric_name"] == "total_charges", "account_id"])
    assert len(blank) == 11 and not blank & with_total
    assert len(values) == 7043 * len(METRICS) - 11
    monthly = values[values["metric_name"] == "monthly_charges"].set_index("account_id")
    expected = source.set_index("account_id")["monthly_charges"]
    assert (monthly["metric_value"] == expected.loc[monthly.index]).all()


def test_scoring_metric_rows_are_weightless_provided_metrics(imported: Path) -> None:
    rows = pd.read_csv(imported.parent / "telco_scoring_metrics.csv")
    assert tuple(rows.columns) == SCORING_METRIC_COLUMNS
    assert list(rows["metric_name"]) == list(METRICS)
    assert (rows["weight"] == 0).all() and set(rows["computed_in"]) == {"provided"}
    assert set(rows["source_table"]) == {"account_metric_values"}
    values = _read(imported, "account_metric_values").groupby("metric_name")["metric_value"]
    bounds = rows.set_index("metric_name")
    assert (bounds["lower_bound"] == values.min().loc[bounds.index].round(2)).all()
    assert (bounds["upper_bound"] == values.max().loc[bounds.index].round(2)).all()


def test_the_written_values_carry_the_churn_signal(
    imported: Path, periods: pd.DataFrame, source
) -> None:
    """A logistic regression on what the pipeline will read (the metric values, plus tenure and
    contract term from the contract periods), 5 folds of whole accounts: the ceiling the
    fitted configuration is held to."""
    values = _read(imported, "account_metric_values")
    wide = values.pivot(index="account_id", columns="metric_name", values="metric_value")
    wide["total_charges"] = wide["total_charges"].fillna(0)
    first = periods.groupby("account_id")["start_date"].min()
    wide["tenure_days"] = first.map(lambda day: (S0 - day).days)
    current = periods[(periods["start_date"] <= S0) & (periods["end_date"] >= S0)]
    wide["contract_term_months"] = current.set_index("account_id")["plan"].map(TERM)
    label = source.set_index("account_id")["churn"].eq("Yes").loc[wide.index]
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    scores = cross_val_predict(
        model, wide, label, groups=wide.index, cv=folds, method="predict_proba"
    )[:, 1]
    auc = roc_auc_score(label, scores)
    print(f"\nTelco logistic regression AUC (5 grouped folds, {wide.shape[1]} inputs): {auc:.3f}")
    assert auc >= 0.80


def test_add_metrics_appends_only_what_is_missing(imported: Path, tmp_path: Path) -> None:
    rows = pd.read_csv(imported.parent / "telco_scoring_metrics.csv", dtype=str).fillna("")
    rows = rows.to_dict("records")
    seed = tmp_path / "scoring_metrics.csv"
    existing = (
        ",".join(SCORING_METRIC_COLUMNS)
        + "\nmonthly_charges,financial,lower,x,1,2,3,4,provided,t,kept as it was"
    )
    seed.write_text(existing)  # no final newline: the append must add one
    added = append_metric_rows(rows, seed)
    assert added == [name for name in METRICS if name != "monthly_charges"]
    assert seed.read_text().startswith(existing + "\n")
    assert append_metric_rows(rows, seed) == []
    assert len(pd.read_csv(seed)) == len(METRICS)


def test_add_metrics_refuses_a_seed_without_provided_columns(tmp_path: Path) -> None:
    seed = tmp_path / "scoring_metrics.csv"
    seed.write_text("metric_name,component,direction\nnps,satisfaction,higher\n")
    with pytest.raises(ChwError) as error:
        append_metric_rows([{"metric_name": "x"}], seed)
    assert error.value.code == ExitCode.BAD_INPUT
    assert seed.read_text().endswith("nps,satisfaction,higher\n")


def test_snapshot_must_be_a_month_end(tmp_path: Path) -> None:
    with pytest.raises(ChwError) as error:
        import_telco(tmp_path / "raw", snapshot=date(2025, 12, 15))
    assert error.value.code == ExitCode.USAGE


def test_cli_imports_and_refuses_a_folder_holding_other_tables(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    raw = workspace.paths.raw
    done = workspace.chw("import", "telco")
    assert done.returncode == 0, done.stderr
    assert "7,043" in done.stderr and (raw / "account_metric_values.parquet").exists()
    (raw / "product_events.parquet").write_bytes(b"")
    refused = workspace.chw("import", "telco")
    assert refused.returncode == ExitCode.USAGE
    assert "product_events.parquet" in refused.stderr and "Traceback" not in refused.stderr
