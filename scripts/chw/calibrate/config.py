"""The calibration's settings: components (from the seeds), bands, horizon, targets, grids."""

from __future__ import annotations

import numpy as np

from chw import vocabulary

COMPONENTS = vocabulary.components()  # the seeds' (scoring_component_weights)
COMPONENT_COLUMNS = tuple(f"{c}_score" for c in COMPONENTS)
BANDS = ("red", "yellow", "green")
HORIZON_DAYS = 90
N_BOOTSTRAP = 500
TARGET_AUC = 0.80
TARGET_SHARE_OF_LATENT = 0.90
MIN_HOLDOUT_DAYS = 30
MIN_CHURNED_ACCOUNTS = 10
WEIGHT_STEP = 100  # proposed weights are whole hundredths that sum to exactly 1
C_GRID = np.logspace(-3, 2, 11)
FIT_EVERY_DAYS = 7  # fit on weekly snapshots: daily ones of an account are nearly copies
