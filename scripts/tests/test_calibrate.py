"""Calibration (SPEC §8): the metric code on tiny frames, and the AUC on fixed-seed demo data."""

from __future__ import annotations

import json
import warnings
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import UndefinedMetricWarning

from chw.calibrate import (
    COMPONENTS,
    band_table,
    bootstrap_aucs,
    calibrate,
    churn_auc,
    decile_table,
    fit_component_weights,
    fit_logistic_cv,
    round_to_total,
    time_split,
    weighted_score,
)

END = date(2026, 6, 30)
# Measured on this data (300 accounts x 365 days, seed 42): published-score AUC 0.817
# (95% CI 0.770-0.866), latent-health AUC 0.832, score/latent 98%. The floor sits below the
# lower end of the interval, so a regression that loses real signal fails and noise does not.
AUC_FLOOR = 0.77
SHARE_OF_LATENT_FLOOR = 0.90


# --- the metric code on synthetic frames ---------------------------------------------------


def test_auc_is_one_when_low_scores_churn_and_zero_when_inverted() -> None:
    churned = np.array([1, 1, 0, 0, 0])
    score = np.array([10.0, 20.0, 60.0, 70.0, 80.0])
    assert churn_auc(churned, score) == 1.0
    assert churn_auc(churned, 100 - score) == 0.0
    assert np.isnan(churn_auc(np.zeros(5), score))


def test_clustered_bootstrap_keeps_perfect_separation() -> None:
    churned = np.array([1, 1, 0, 0, 0, 0])
    score = np.array([10.0, 15.0, 60.0, 65.0, 80.0, 85.0])
    accounts = np.array(["a", "a", "b", "b", "c", "c"])
    draws = bootstrap_aucs(
        churned, {"s": score}, accounts, replicates=50, rng=np.random.default_rng(0)
    )
    finite = draws["s"][~np.isnan(draws["s"])]
    assert len(finite) > 0 and (finite == 1.0).all()


def _snapshots(n_accounts: int = 60, days: int = 100, seed: int = 0) -> pd.DataFrame:
    """Accounts whose engagement drives churn; the other components are noise."""
    rng = np.random.default_rng(seed)
    segment = np.array(["starter", "growth", "enterprise"])[np.arange(n_accounts) % 3]
    engagement = rng.uniform(0, 100, n_accounts)
    churner = rng.random(n_accounts) < 1 / (1 + np.exp((engagement - 35) / 8))
    rows = []
    start = date(2025, 1, 1)
    for a in range(n_accounts):
        for d in range(days):
            scores = {f"{c}_score": rng.uniform(0, 100) for c in COMPONENTS}
            scores["engagement_score"] = float(np.clip(engagement[a] + rng.normal(0, 5), 0, 100))
            rows.append(
                {
                    "account_id": f"A{a:03d}",
                    "score_date": start + timedelta(days=d),
                    "segment": segment[a],
                    "churned": int(churner[a]),
                    "expanded": 0,
                    **scores,
                }
            )
    frame = pd.DataFrame(rows)
    frame["computed_score"] = frame[[f"{c}_score" for c in COMPONENTS]].mean(axis=1)
    frame["published_score"] = frame["computed_score"]
    frame["published_band"] = np.select(
        [frame["computed_score"] < 40, frame["computed_score"] >= 70], ["red", "green"], "yellow"
    )
    return frame


def _current_weights() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"segment": s, "component": c, "weight": 0.2}
            for s in ("starter", "growth", "enterprise")
            for c in COMPONENTS
        ]
    )


def test_weight_fit_folds_each_hold_churned_accounts() -> None:
    # few churned accounts among accounts of uneven history: folds of whole accounts that
    # ignore the label leave one without churn, and its AUC (the fit's criterion) undefined
    sizes = [6, 9, 11, 1, 2, 10, 11, 3, 4, 10, 5, 4]
    accounts = np.repeat(np.arange(len(sizes)), sizes)
    churned = (accounts < 3).astype(int)
    x = np.random.default_rng(0).normal(size=(len(accounts), 2)) + churned[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndefinedMetricWarning)
        model = fit_logistic_cv(x, churned, accounts)
    assert model.coef_.shape == (1, 2)


def test_fitted_weights_sum_to_one_per_segment_and_favour_the_signal() -> None:
    proposed, fit = fit_component_weights(_snapshots(), _current_weights())
    totals = proposed.groupby("segment")["weight"].sum()
    assert set(totals.index) == {"starter", "growth", "enterprise"}
    assert np.allclose(totals, 1.0)
    assert (proposed["weight"] >= 0).all()
    assert all(round(w * 100, 9).is_integer() for w in proposed["weight"])
    top = proposed.loc[proposed.groupby("segment")["weight"].idxmax(), "component"]
    assert set(top) == {"engagement"}
    assert fit["regularisation_C"] > 0


def test_round_to_total_keeps_the_sum_exact() -> None:
    for shares in ([1 / 3, 1 / 3, 1 / 3], [0.123, 0.456, 0.421], [0.0, 0.0, 1.0]):
        rounded = round_to_total(np.array(shares))
        assert sum(round(w * 100) for w in rounded) == 100


def test_weighted_score_shares_a_missing_components_weight() -> None:
    frame = pd.DataFrame(
        {
            "segment": ["starter"],
            "engagement_score": [80.0],
            "satisfaction_score": [np.nan],
            "experience_score": [40.0],
            "financial_score": [np.nan],
            "support_score": [np.nan],
        }
    )
    weights = _current_weights()
    weights.loc[weights["component"] == "engagement", "weight"] = 0.6
    weights.loc[weights["component"] == "experience", "weight"] = 0.2
    assert weighted_score(frame, weights)[0] == pytest.approx((0.6 * 80 + 0.2 * 40) / 0.8)


def test_band_lift_and_deciles() -> None:
    frame = _snapshots(n_accounts=30, days=10)
    bands = {b["band"]: b for b in band_table(frame)}
    overall = frame["churned"].mean()
    assert bands["red"]["lift"] == pytest.approx(bands["red"]["churn_rate"] / overall)
    assert sum(b["snapshots"] for b in bands.values()) == len(frame)
    deciles = decile_table(frame)
    assert [d["decile"] for d in deciles] == list(range(1, 11))
    assert sum(d["snapshots"] for d in deciles) == len(frame)


def test_time_split_purges_the_outcome_window() -> None:
    days = [date(2025, 1, 1) + timedelta(days=d) for d in range(275)]
    split = time_split(days, horizon_days=90)
    assert split.train_from == days[0] and split.holdout_to == days[-1]
    assert (split.holdout_from - split.train_to).days == 91  # 90 days purged in between
    train_days = (split.train_to - split.train_from).days + 1
    holdout_days = (split.holdout_to - split.holdout_from).days + 1
    assert abs(train_days - holdout_days) <= 1


# --- the demo data -------------------------------------------------------------------------


def test_score_predicts_churn_on_demo_data(demo_build: Path, tmp_path: Path) -> None:
    truth = demo_build.parents[1] / "truth"
    result = calibrate(demo_build, tmp_path, truth_dir=truth, seed=0, n_bootstrap=100)

    score = result["discrimination"]["published_score"]
    latent = result["discrimination"]["latent_health"]
    assert score["auc"] >= AUC_FLOOR, score
    assert score["ci_low"] < score["auc"] < score["ci_high"]
    assert latent is not None and latent["auc"] > 0.75
    assert result["discrimination"]["score_share_of_latent"]["share"] >= SHARE_OF_LATENT_FLOOR
    churn = {b["band"]: b["churn_rate"] for b in result["bands"]}
    assert churn["red"] > churn["yellow"] > churn["green"]

    written = json.loads((tmp_path / "calibration.json").read_text())
    assert written["discrimination"]["published_score"]["auc"] == pytest.approx(score["auc"])
    assert "AUC" in (tmp_path / "calibration.md").read_text()
    proposed = pd.read_csv(tmp_path / "proposed_component_weights.csv")
    assert list(proposed.columns) == ["segment", "component", "weight"]
    assert np.allclose(proposed.groupby("segment")["weight"].sum(), 1.0)
    assert result["weights"]["holdout_auc"]["proposed"]["auc"] > 0.7


def test_outcome_labels_follow_the_contracts(demo_build: Path) -> None:
    con = duckdb.connect(str(demo_build), read_only=True)
    try:
        unlabelled_after_cutoff, churn_outside_renewal = con.execute(
            """
            select
                count(*) filter (where is_labelled and outcome_window_end > (
                    select max(score_date) from marts.fct_churn_outcomes)),
                count(*) filter (where churned_within_90d and not is_renewal_in_window)
            from marts.fct_churn_outcomes
            """
        ).fetchone()
    finally:
        con.close()
    assert unlabelled_after_cutoff == 0
    assert churn_outside_renewal == 0
