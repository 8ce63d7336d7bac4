"""Calibration (SPEC §8): does the published health score predict churn, and which component
weights would predict it better?

dbt labels every account-day snapshot with what happened in the next 90 days
(`marts.fct_churn_outcomes`; the SQL behind the band and decile tables is in `analyses/`).
This module only measures, with scikit-learn:

- ROC AUC of the score for 90-day churn (higher score = lower churn), with a bootstrap
  confidence interval that resamples accounts (an account's daily snapshots are correlated);
- churn rate and lift per band, observed vs fitted churn rate per score decile, per segment;
- the latent health of the synthetic data (`truth/latent_health.parquet`), when present, as
  the upper bound the score is compared with;
- a weight proposal: an L2-regularised logistic regression of churn on the component scores,
  trained on early snapshots and judged on later ones (a purged, time-based split), written in
  the seed's format for a person to review. The seed itself is never touched.

The package: `config`, `inputs` (reading), `statistics` (AUC, tables), `fitting` (weights),
`diagnostics` (signals), `run` (the whole run) and `report` (JSON, CSV, Markdown).
"""

from chw.calibrate.config import COMPONENTS
from chw.calibrate.fitting import (
    fit_component_weights,
    fit_logistic_cv,
    round_to_total,
    time_split,
    weighted_score,
)
from chw.calibrate.report import dashboard_summary
from chw.calibrate.run import calibrate
from chw.calibrate.statistics import band_table, bootstrap_aucs, churn_auc, decile_table

__all__ = [
    "COMPONENTS",
    "band_table",
    "bootstrap_aucs",
    "calibrate",
    "churn_auc",
    "dashboard_summary",
    "decile_table",
    "fit_component_weights",
    "fit_logistic_cv",
    "round_to_total",
    "time_split",
    "weighted_score",
]
