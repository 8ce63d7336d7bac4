"""The bench's ratios against the targets of issue 21, and its printed report."""

from __future__ import annotations

from pathlib import Path
from statistics import mean

from rich.console import Console
from rich.table import Table

from chw.bench.cache import BENCH_ACCOUNTS
from chw.bench.steps import Measure

STARTUP = "dbt start-up"
# (ratio, target, what it compares)
TARGETS = {
    "full_over_floor": (15.0, "full build / floor"),
    "rescore_over_floor": (5.0, "re-score after a seed change / floor"),
    "steady_day_over_startup": (3.0, "steady incremental day / dbt start-up"),
    "steady_day_730_over_365": (1.1, "steady day at 730 days / at 365 days"),
}
PEAK_TARGET_MB = 6 * 1024


def steady_day(steps: list[Measure]) -> float:
    """A steady incremental day: the mean of the days after the first (which pays one-off
    storage costs of following a full build)."""
    days = [m.seconds for m in steps if m.step.startswith("incremental")]
    return mean(days[1:] or days)


def ratios(measured: dict[int, list[Measure]]) -> dict[str, object]:
    short, long = (measured[days] for days in sorted(measured))
    by_step = {m.step: m for m in short}
    found: dict[str, object] = {
        "full_over_floor": round(by_step["full"].seconds / by_step["floor"].seconds, 2),
        "steady_day_seconds": round(steady_day(short), 2),
        "steady_day_over_startup": round(steady_day(short) / by_step[STARTUP].seconds, 2),
        "steady_day_730_over_365": round(steady_day(long) / steady_day(short), 3),
        "peak_rss_mb": max(m.peak_rss_mb for steps in measured.values() for m in steps),
    }
    rescored = [m for m in short if m.step.startswith("re-score")]
    if rescored:
        found["rescore_over_floor"] = round(rescored[0].seconds / by_step["floor"].seconds, 2)
    return found


def _steps_table(days: int, steps: list[Measure]) -> Table:
    table = Table(
        "step",
        "wall s",
        "models s",
        "other s",
        "peak MB",
        title=f"{BENCH_ACCOUNTS:,} accounts x {days} days",
        caption="models: dbt's run of the models; other: start-up, and DuckDB writing at close",
    )
    for m in steps:
        models = "" if m.models_seconds is None else f"{m.models_seconds:,.1f}"
        rest = "" if m.models_seconds is None else f"{m.seconds - m.models_seconds:,.1f}"
        table.add_row(m.step, f"{m.seconds:,.1f}", models, rest, f"{m.peak_rss_mb:,.0f}")
    return table


def print_report(
    console: Console, measured: dict[int, list[Measure]], result: dict[str, object], out: Path
) -> None:
    for days, steps in measured.items():
        console.print(_steps_table(days, steps))
        for m in steps:
            if m.slowest_models and (m.step.startswith(("full", "re-score")) or "day 3" in m.step):
                slowest = ", ".join(f"{name} {sec:.1f}" for name, sec in m.slowest_models.items())
                console.print(f"  {days} days, {m.step}: slowest models: {slowest}")
    targets = Table("ratio", "measured", "target", "", title=f"targets ({result['cores']} cores)")
    for key, (target, label) in TARGETS.items():
        value = result.get(key)
        verdict = "" if value is None else ("met" if value <= target else "missed")
        targets.add_row(label, "" if value is None else f"{value}x", f"<= {target}x", verdict)
    peak = float(result["peak_rss_mb"])  # type: ignore[arg-type]
    targets.add_row(
        "peak memory (MB)",
        f"{peak:,.0f}",
        f"<= {PEAK_TARGET_MB:,}",
        "met" if peak <= PEAK_TARGET_MB else "missed",
    )
    console.print(targets)
    console.print(f"written to {out}")
