"""chw calibrate: the backtest, --fit (a proposal from the history) and --apply."""

from __future__ import annotations

from typing import Annotated

import typer

from chw.cli.pipeline import _pipeline
from chw.cli.shell import app, console, friendly, step
from chw.errors import ChwError, ExitCode
from chw.settings import Paths, default_paths


@app.command()
@friendly
def calibrate(
    seed: Annotated[int, typer.Option(help="Seed for the bootstrap and the model fit.")] = 0,
    fit: Annotated[
        bool,
        typer.Option(
            "--fit",
            help="Fit the whole configuration (directions, bounds, weights, bands) to the "
            "labelled history: proposed seeds, fit.md and fit.json in the calibration folder.",
        ),
    ] = False,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Copy the reviewed proposal of --fit into seeds/ (refused if the seeds changed "
            "since) and rebuild fully.",
        ),
    ] = False,
    red_multiple: Annotated[
        float, typer.Option(help="--fit: red where 90-day churn risk >= this x the base rate.")
    ] = 2.0,
    green_multiple: Annotated[
        float, typer.Option(help="--fit: green where the risk <= this x the base rate.")
    ] = 0.5,
    keep_context: Annotated[
        bool, typer.Option("--keep-context", help="--fit: metrics of weight 0 stay at 0.")
    ] = False,
) -> None:
    """Backtest: does the score predict churn within 90 days? AUC, lift per band, deciles,
    and proposed component weights (a CSV to review; the seed is never overwritten).
    --fit proposes a whole configuration; --apply copies a reviewed one into the seeds."""
    if fit and apply:
        raise ChwError("--fit and --apply are two steps: review the fit first", ExitCode.USAGE)
    paths = default_paths()
    if apply:
        _apply(paths)
        return
    if not paths.published_db.exists():
        raise ChwError(
            f"{paths.published_db} does not exist: run `chw run` first", ExitCode.NOT_FOUND
        )
    if fit:
        if not 0 < green_multiple < red_multiple:
            raise ChwError("need 0 < --green-multiple < --red-multiple", ExitCode.USAGE)
        _fit(paths, seed, red_multiple, green_multiple, keep_context)
    else:
        _backtest(paths, seed)


def _backtest(paths: Paths, seed: int) -> None:
    from chw.calibrate import calibrate as run_calibrate

    truth = paths.truth if paths.truth.exists() else None
    with step("calibrating"):
        result = run_calibrate(
            paths.published_db, paths.calibration_dir, truth_dir=truth, seed=seed
        )
    score = (result.get("discrimination") or {}).get("published_score")
    if score:
        console.print(
            f"score AUC for 90-day churn: {score['auc']:.3f} "
            f"(95% CI {score['ci_low']:.3f}-{score['ci_high']:.3f})"
        )
    for reason in result.get("skipped", []):
        console.print(f"[yellow]note:[/] {reason}")
    console.print(f"report: {paths.calibration_dir / 'calibration.md'}")


def _fit(
    paths: Paths, seed: int, red_multiple: float, green_multiple: float, keep_context: bool
) -> None:
    from chw.fit.run import STATUS_EMPTY, run_fit
    from chw.settings import PROJECT_DIR

    with step("fitting the configuration to the history"):
        result = run_fit(
            paths.published_db,
            PROJECT_DIR / "seeds",
            paths.calibration_dir,
            red_multiple=red_multiple,
            green_multiple=green_multiple,
            seed=seed,
            keep_context=keep_context,
        )
    holdout = result.get("holdout")
    if holdout:
        aucs = [holdout[k] or float("nan") for k in ("default_auc", "fitted_auc", "logistic_auc")]
        console.print(
            "holdout AUC: current {:.3f}, fitted {:.3f}, plain logistic {:.3f}".format(*aucs)
            + f" ({holdout['test_snapshots']} snapshots, "
            f"{holdout['test_churned_accounts']} churned accounts)"
        )
    for reason in result["reasons"]:
        console.print(f"[yellow]note:[/] {reason}")
    console.print(f"report: {paths.calibration_dir / 'fit.md'}")
    if result["status"] == STATUS_EMPTY:
        raise ChwError(f"nothing to fit: {result['reasons'][0]}", ExitCode.BAD_INPUT)


def _apply(paths: Paths) -> None:
    from chw.fit.apply import apply_proposal, diff_stat
    from chw.settings import PROJECT_DIR

    changed = apply_proposal(paths.calibration_dir, PROJECT_DIR / "seeds")
    if not changed:
        console.print("the proposal equals the seeds: nothing to apply")
        return
    console.print(f"copied into seeds/: {', '.join(changed)}")
    stat = diff_stat(PROJECT_DIR / "seeds")
    if stat:
        console.print(stat, markup=False, highlight=False)
    # a reviewed new configuration moves scores on purpose: the audit's score shift is expected
    _pipeline(paths, full_refresh=True, accept_drop=True)
