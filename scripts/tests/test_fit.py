"""`chw calibrate --fit` / `--apply` (issue 16 item 4): the scoring rules against a hand-computed
frame, the fit on synthetic histories written to a real DuckDB file, and the real CLI on a
generated, built workspace (and on a copy of the project, so the repo's seeds stay as they are)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import Workspace

from chw.errors import ChwError
from chw.fit.apply import apply_proposal
from chw.fit.bands import propose_bands
from chw.fit.inputs import seeds_digest
from chw.fit.run import STATUS_PROPOSED, STATUS_THIN, run_fit
from chw.fit.score import percent_rank, score
from chw.fit.weights import scoring_fill
from chw.settings import PROJECT_DIR

# --- the scoring rules (mirror normalise_metric.sql and int_account_health_scored.sql) -----


def test_score_follows_the_dbt_rules_on_a_hand_computed_frame() -> None:
    metrics = pd.DataFrame(
        {
            "metric_name": ["m1", "m2", "m3"],
            "component": ["a", "a", "b"],
            "direction": ["higher", "lower", "higher"],
            "normalisation": ["absolute", "thresholds", "percentile"],
            "lower_bound": [0.0, 1.0, np.nan],
            "upper_bound": [10.0, 3.0, np.nan],
            "weight": [0.6, 0.4, 1.0],
        }
    )
    weights = pd.DataFrame(
        {
            "segment": ["s", "s", "default", "default"],
            "component": ["a", "b", "a", "b"],
            "weight": [0.7, 0.3, 0.5, 0.5],
        }
    )
    values = pd.DataFrame({"m1": [5.0, np.nan, 12.0], "m2": [0.0, 2.0, 3.0], "m3": [1, np.nan, 2]})
    ranks = pd.DataFrame({"m3": [80.0, np.nan, 20.0]})
    got = score(values, ranks, np.array(["s", "s", "other"]), metrics, weights)
    # row 1: a = 0.6*50 + 0.4*100 = 70, b = 80 -> 0.7*70 + 0.3*80
    # row 2: m1 and m3 N/A: a = m2 alone = 50, b unmeasured -> 50
    # row 3: segment without weights uses default; m1 clamps to 100, m2 at the bad bound = 0
    np.testing.assert_allclose(got, [73.0, 50.0, 0.5 * 60 + 0.5 * 20])


def test_fill_for_the_fit_reproduces_the_dbt_score_of_the_fitted_weights() -> None:
    rng = np.random.default_rng(0)
    metrics = pd.DataFrame(
        {
            "metric_name": ["m1", "m2", "m3", "m4"],
            "component": ["a", "a", "b", "b"],
            "direction": "higher",
            "normalisation": "absolute",
            "lower_bound": 0.0,
            "upper_bound": 100.0,
        }
    )
    values = pd.DataFrame(rng.uniform(0, 100, (50, 4)), columns=list(metrics["metric_name"]))
    values = values.mask(rng.random((50, 4)) < 0.3)
    coef = np.array([0.5, 1.5, 1.0, 0.0])
    fitted = metrics.assign(weight=[0.25, 0.75, 1.0, 0.0])
    weights = pd.DataFrame({"segment": "s", "component": ["a", "b"], "weight": [2 / 3, 1 / 3]})
    expected = score(values, pd.DataFrame(), np.array(["s"] * 50), fitted, weights)
    linear = scoring_fill(values, metrics, coef) @ coef / coef.sum() * 100
    both = ~np.isnan(expected)
    np.testing.assert_allclose(linear[both], expected[both])


def test_percent_rank_matches_percent_rank_over_peers() -> None:
    ranks = percent_rank(
        np.array([1.0, 2.0, 2.0, 4.0, 7.0, np.nan]), np.array(["p", "p", "p", "p", "q", "q"])
    )
    np.testing.assert_allclose(ranks[:5], [0.0, 100 / 3, 100 / 3, 100.0, 50.0])
    assert np.isnan(ranks[5])


def test_bands_from_risk_are_monotone_and_within_0_100() -> None:
    rng = np.random.default_rng(1)
    health = rng.uniform(0, 100, 4000)
    churned = (rng.random(4000) < 1 / (1 + np.exp((health - 30) / 10))).astype(int)
    frame = pd.DataFrame({"segment": "s", "churned": churned, "account_id": np.arange(4000)})
    current = pd.DataFrame({"segment": ["s"], "red_below": [40], "green_from": [70]})
    bands, details = propose_bands(health, frame, current, 2.0, 0.5)
    red, green = int(bands.loc[0, "red_below"]), int(bands.loc[0, "green_from"])
    assert 0 <= red < green <= 100, (red, green)
    a, b = details["s"]["platt_intercept"], details["s"]["platt_slope"]
    risk = 1 / (1 + np.exp(-(a + b * np.array([red - 1, green + 1]) / 100)))
    base = churned.mean()
    assert risk[0] >= 2 * base * 0.95 and risk[1] <= 0.5 * base * 1.05


# --- the fit on synthetic histories in a real DuckDB file ----------------------------------

SEEDS = {
    "scoring_metrics.csv": (
        "metric_name,component,direction,normalisation,lower_bound,upper_bound,window_days,"
        "weight,computed_in,description\n"
        "good,engagement,higher,absolute,20,80,30,0.5,engagement,Protective\n"
        "wrong_way,engagement,higher,absolute,-2,2,30,0.5,engagement,Configured the wrong way\n"
        "noise,support,higher,absolute,-2,2,30,1,support,Unrelated to churn\n"
        "absent,satisfaction,higher,absolute,0,10,30,1,surveys,Never measured\n"
    ),
    "scoring_component_weights.csv": (
        "segment,component,weight\n"
        "starter,engagement,0.4\nstarter,support,0.3\nstarter,satisfaction,0.3\n"
        "default,engagement,0.4\ndefault,support,0.3\ndefault,satisfaction,0.3\n"
    ),
    "scoring_bands.csv": "segment,red_below,green_from\nstarter,40,70\ndefault,40,70\n",
}


def write_seeds(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in SEEDS.items():
        (folder / name).write_text(text)
    return folder


def write_history(
    path: Path,
    *,
    accounts: int,
    days: int,
    churn_shift: float,
    seed: int,
    stagger: bool = False,
    segments: tuple[str, ...] = ("starter",),
) -> Path:
    """A warehouse with the two marts the fit reads: latent health drives churn, `good`
    follows it, `wrong_way` follows it inverted, `noise` does not. `stagger`: each account
    is observed from its own day."""
    rng = np.random.default_rng(seed)
    health = rng.normal(size=accounts)
    churn = rng.random(accounts) < 1 / (1 + np.exp(churn_shift + 1.8 * health))
    outcomes, metrics = [], []
    for a in range(accounts):
        for d in range(days):
            day = date(2026, 1, 1) + timedelta(days=7 * d + (a % 60 if stagger else 0))
            key = {"account_id": f"A{a:04d}", "score_date": day}
            outcomes.append(
                {**key, "segment": segments[a % len(segments)], "computed_score": 50.0}
                | {"is_labelled": True}
                | {"churned_within_90d": bool(churn[a])}
            )
            values = {
                "good": 50 + 12 * health[a] + rng.normal(0, 4),
                "wrong_way": -health[a] + rng.normal(0, 0.3),
                "noise": rng.normal(),
            }
            metrics += [
                {**key, "metric_name": m, "raw_value": v, "metric_score": 50.0}
                for m, v in values.items()
            ]
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    for name, rows in (("fct_churn_outcomes", outcomes), ("fct_account_metric_daily", metrics)):
        frame = pd.DataFrame(rows)  # noqa: F841 (read by duckdb below)
        con.execute(f"create table marts.{name} as select * from frame")
    con.close()
    return path


def test_single_cohort_fit_reverses_the_wrong_way_metric_and_weights_sum_to_one(
    tmp_path: Path,
) -> None:
    db = write_history(tmp_path / "h.duckdb", accounts=400, days=1, churn_shift=1.2, seed=3)
    seeds = write_seeds(tmp_path / "seeds")
    result = run_fit(db, seeds, tmp_path / "out")
    assert result["status"] == STATUS_PROPOSED, result["reasons"]
    assert result["holdout"]["scheme"] == "accounts"  # one day: grouped K-fold, no time order
    by_name = {m["metric_name"]: m for m in result["metrics"]}
    wrong = by_name["wrong_way"]
    assert wrong["direction"] == "lower" and "reversed" in wrong["flag"]
    assert any("wrong way" in r for r in wrong["reasons"])
    assert by_name["absent"]["weight"] == 0 or by_name["absent"]["flag"] == "never measured"
    weights = pd.read_csv(tmp_path / "out" / "proposed" / "scoring_component_weights.csv")
    assert (weights["weight"] >= 0).all()
    assert np.allclose(weights.groupby("segment")["weight"].sum(), 1.0)
    unmeasured = weights[weights["component"] == "satisfaction"]
    assert (unmeasured["weight"] == 0).all()  # never weight to a component never measured
    proposed = pd.read_csv(tmp_path / "out" / "proposed" / "scoring_metrics.csv")
    assert list(proposed.columns) == SEEDS["scoring_metrics.csv"].splitlines()[0].split(",")
    assert list(proposed["computed_in"]) == ["engagement", "engagement", "support", "surveys"]
    engagement = proposed[proposed["component"] == "engagement"]["weight"]
    assert engagement.sum() == pytest.approx(1.0) and (engagement >= 0).all()
    holdout = result["holdout"]
    assert result["fitted_auc"] == holdout["fitted_auc"]  # also at the top of fit.json
    assert wrong["proposed_direction"] == "lower" and wrong["proposed_weight"] == wrong["weight"]
    assert {"segment", "component", "proposed_weight"} <= set(result["components"][0])
    assert holdout["fitted_auc"] > 0.75 and holdout["fitted_auc"] > holdout["default_auc"]
    assert holdout["fitted_auc"] >= 0.95 * holdout["logistic_auc"]
    bands = pd.read_csv(tmp_path / "out" / "proposed" / "scoring_bands.csv")
    assert (bands["red_below"] < bands["green_from"]).all()
    assert (
        bands["segment"].is_unique and weights.groupby(["segment", "component"]).size().max() == 1
    )
    report = (tmp_path / "out" / "fit.md").read_text()
    assert "fitted (proposed) configuration" in report and "+++ proposed/" in report


def test_staggered_snapshots_and_a_segment_the_seeds_lack(tmp_path: Path) -> None:
    db = write_history(
        tmp_path / "h.duckdb",
        accounts=300,
        days=1,
        churn_shift=1.2,
        seed=4,
        stagger=True,
        segments=("starter", "partner"),
    )
    seeds = write_seeds(tmp_path / "seeds")
    for name in ("scoring_component_weights.csv", "scoring_bands.csv"):  # no default rows
        lines = (seeds / name).read_text().splitlines(keepends=True)
        (seeds / name).write_text("".join(x for x in lines if not x.startswith("default")))
    result = run_fit(db, seeds, tmp_path / "out")
    assert result["status"] == STATUS_PROPOSED, result["reasons"]
    assert result["counts"]["sampled_accounts"] == 300  # every account's own day is kept
    assert result["holdout"]["fitted_auc"] > result["holdout"]["default_auc"]
    weights = pd.read_csv(tmp_path / "out" / "proposed" / "scoring_component_weights.csv")
    bands = pd.read_csv(tmp_path / "out" / "proposed" / "scoring_bands.csv")
    assert "default" in set(weights["segment"]) and "default" in set(bands["segment"])
    assert np.allclose(weights.groupby("segment")["weight"].sum(), 1.0)


def test_too_thin_history_writes_the_report_with_counts(tmp_path: Path) -> None:
    db = write_history(tmp_path / "h.duckdb", accounts=60, days=2, churn_shift=4.0, seed=5)
    result = run_fit(db, write_seeds(tmp_path / "seeds"), tmp_path / "out")
    assert result["status"] == STATUS_THIN
    churned = result["counts"]["sampled_churned_accounts"]
    assert churned < 10 and str(churned) in result["reasons"][0]
    report = (tmp_path / "out" / "fit.md").read_text()
    assert "too thin to fit" in report and "sampled churned accounts" in report
    assert len(result["metrics"]) == 4  # per-metric figures are still computed
    assert not list((tmp_path / "out" / "proposed").glob("*.csv"))
    with pytest.raises(ChwError, match="no fitted proposal"):
        apply_proposal(tmp_path / "out", tmp_path / "seeds")


def test_apply_copies_the_proposal_only_onto_the_seeds_it_was_fitted_from(tmp_path: Path) -> None:
    db = write_history(tmp_path / "h.duckdb", accounts=200, days=4, churn_shift=1.0, seed=2)
    seeds = write_seeds(tmp_path / "seeds")
    run_fit(db, seeds, tmp_path / "out")
    (seeds / "scoring_bands.csv").write_text("segment,red_below,green_from\nstarter,41,70\n")
    with pytest.raises(ChwError, match="changed since the fit"):
        apply_proposal(tmp_path / "out", seeds)
    assert (seeds / "scoring_bands.csv").read_text().endswith("41,70\n")  # nothing copied
    write_seeds(seeds)
    changed = apply_proposal(tmp_path / "out", seeds)
    assert "scoring_metrics.csv" in changed
    for name in SEEDS:
        assert (seeds / name).read_text() == (tmp_path / "out" / "proposed" / name).read_text()


# --- the real CLI on a generated, built workspace ------------------------------------------


def test_fit_through_the_cli_beats_or_matches_the_current_configuration(
    published_workspace: Workspace,
) -> None:
    done = published_workspace.chw("calibrate", "--fit")
    assert done.returncode == 0, done.stderr[-2000:]
    out = published_workspace.paths.calibration_dir
    for name in ("fit.json", "fit.md", "proposed/scoring_metrics.csv"):
        assert (out / name).exists(), name
    holdout = json.loads((out / "fit.json").read_text())["holdout"]
    print(f"\nholdout: {json.dumps({k: v for k, v in holdout.items() if k != 'per_fold'})}")
    assert holdout["fitted_auc"] >= holdout["default_auc"] - 0.02
    check = json.loads((out / "fit.json").read_text())["check"]
    assert check["current_seeds_vs_warehouse_max_abs_score_diff"] < 1e-6  # same rules as dbt
    plain = published_workspace.chw("calibrate")
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert (out / "calibration.md").exists()


PROJECT_PARTS = ("models", "macros", "seeds", "tests", "analyses", "gx")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml")


def test_apply_through_the_cli_rebuilds_a_copy_of_the_project(
    published_workspace: Workspace, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    for part in PROJECT_PARTS:
        shutil.copytree(PROJECT_DIR / part, project / part)
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_DIR / name, project / name)
    workspace = Workspace(tmp_path / "ws")
    for part in ("data", "warehouse"):
        shutil.copytree(published_workspace.root / part, workspace.root / part)
    repo_seeds = seeds_digest(PROJECT_DIR / "seeds")

    def chw(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(Path(sys.executable).with_name("chw")), *args]
        env = {**workspace.env(), "CHW_PROJECT_DIR": str(project)}
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=900, cwd=project
        )

    assert chw("calibrate", "--apply").returncode == 5  # nothing fitted yet
    fitted = chw("calibrate", "--fit")
    assert fitted.returncode == 0, fitted.stderr[-2000:]
    applied = chw("calibrate", "--apply")
    assert applied.returncode == 0, applied.stderr[-3000:]
    proposed = workspace.paths.calibration_dir / "proposed"
    assert (project / "seeds" / "scoring_component_weights.csv").read_text() == (
        proposed / "scoring_component_weights.csv"
    ).read_text()
    con = duckdb.connect(str(workspace.paths.published_db), read_only=True)
    built = con.execute(
        "select segment, component, weight from scoring_config.scoring_component_weights"
    ).df()
    con.close()
    expected = pd.read_csv(proposed / "scoring_component_weights.csv")
    merged = expected.merge(built, on=["segment", "component"], suffixes=("", "_built"))
    assert len(merged) == len(expected)
    np.testing.assert_allclose(merged["weight"], merged["weight_built"])
    assert chw("calibrate", "--apply").returncode == 3  # the seeds changed: refit first
    assert seeds_digest(PROJECT_DIR / "seeds") == repo_seeds  # the repo's seeds untouched
