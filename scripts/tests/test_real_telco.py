"""The proof on data our generator did not make (SPEC §8): IBM's Telco customer churn, imported
with `chw import telco`, built by the whole pipeline and fitted by `chw calibrate --fit`.

The Telco metrics join the scoring configuration with weight 0 (`--add-metrics`), so the run
works on a copy of the project: the repository's seeds are never touched. The fitted
configuration must reach a holdout AUC of at least 0.80 and at least 95% of a plain logistic
regression on the same inputs, folds and run; the default configuration's AUC is printed as
it is."""

from __future__ import annotations

import json
from datetime import timedelta

import duckdb
import pytest
from conftest import Workspace

from chw.importers.telco import METRICS, SNAPSHOT
from chw.project import copy_project
from chw.settings import PROJECT_DIR

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def telco(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Import, build and fit once in a copy of the project; the tests read what that left."""
    root = tmp_path_factory.mktemp("telco-real")
    workspace = Workspace(root, project=copy_project(root / "project"))
    seed_before = (PROJECT_DIR / "seeds" / "scoring_metrics.csv").read_bytes()
    for command in (
        ("import", "telco", "--add-metrics"),
        ("run", "--vars", "{history_days: 91}"),
        ("calibrate", "--fit"),
    ):
        result = workspace.chw(*command, timeout=3000)
        assert result.returncode == 0, f"chw {' '.join(command)}: {result.stderr[-3000:]}"
        print(f"\n$ chw {' '.join(command)}\n{result.stderr[-1500:]}")
    assert (PROJECT_DIR / "seeds" / "scoring_metrics.csv").read_bytes() == seed_before
    return workspace


def test_the_copy_scores_every_customer_with_the_provided_metrics(telco: Workspace) -> None:
    seeds = (telco.project / "seeds" / "scoring_metrics.csv").read_text()
    assert all(f"\n{name}," in seeds for name in METRICS)
    with duckdb.connect(str(telco.paths.published_db), read_only=True) as con:
        first, last, accounts = con.execute(
            "select min(score_date), max(score_date), count(distinct account_id) "
            "from marts.fct_account_health_daily"
        ).fetchone()
        measured = con.execute(
            "select count(distinct metric_name) from marts.fct_account_metric_daily "
            f"where score_date = date '{SNAPSHOT}' and raw_value is not null "
            f"and metric_name in ({', '.join(repr(name) for name in METRICS)})"
        ).fetchone()[0]
    assert (first, last) == (SNAPSHOT, SNAPSHOT + timedelta(days=90))
    assert accounts == 7043
    assert measured == len(METRICS)


def test_the_fitted_configuration_predicts_real_churn(telco: Workspace) -> None:
    fit = json.loads((telco.paths.calibration_dir / "fit.json").read_text())
    holdout = fit["holdout"]
    print(
        f"\nTelco holdout AUC ({holdout['test_snapshots']:,} snapshots, "
        f"{holdout['test_churned_accounts']} churned accounts): "
        f"default configuration {holdout['default_auc']}, fitted {holdout['fitted_auc']:.3f}, "
        f"plain logistic regression {holdout['logistic_auc']:.3f}"
    )
    assert holdout["fitted_auc"] >= 0.80
    assert holdout["fitted_auc"] >= 0.95 * holdout["logistic_auc"]
