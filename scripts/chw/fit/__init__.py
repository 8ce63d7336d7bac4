"""`chw calibrate --fit`: fit the scoring configuration to the labelled history (issue 16).

One job per module: `inputs` reads the snapshots and the seeds, `score` scores a configuration
as dbt does, `folds` splits the holdout, `metrics` measures each metric and proposes its
direction and bounds, `weights` fits non-negative weights, `bands` turns risk into bands,
`proposal` builds a configuration from a training set, `holdout` compares configurations on
held-out accounts, `report` writes the proposal, `run` ties them together and `apply` copies an
approved proposal into the seeds.
"""
