"""Great Expectations checks on raw inputs (before dbt) and marts (before publish).

Suites live as JSON files in gx/: a query that yields the rows to check, and the
expectations with a severity. GX's SQL datasource is broken on DuckDB (IndexError in
metric bundles), so the query runs in DuckDB and GX validates the result through its
pandas datasource."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chw.settings import PROJECT_DIR

GX_DIR = PROJECT_DIR / "gx"


@dataclass
class CheckResult:
    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    observed: str


@dataclass
class ValidationReport:
    layer: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def errors(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.severity == "error"]


def _observed(result) -> str:  # type: ignore[no-untyped-def]
    details = result.result or {}
    for key in ("unexpected_percent", "observed_value", "element_count"):
        if key in details and details[key] is not None:
            value = details[key]
            return f"{value:.3g}%" if key == "unexpected_percent" else str(value)
    return ""


def _run_suite(spec: dict, frame, context) -> list[CheckResult]:  # type: ignore[no-untyped-def]
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    suite = gx.ExpectationSuite(name=spec["name"])
    for item in spec["expectations"]:
        config = ExpectationConfiguration(
            type=item["type"], kwargs=item["kwargs"], meta=item.get("meta", {})
        )
        suite.add_expectation(config.to_domain_obj())
    asset = context.data_sources.add_pandas(spec["name"]).add_dataframe_asset("rows")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    outcome = batch.validate(suite, result_format="SUMMARY")
    return [
        CheckResult(
            suite=spec["name"],
            expectation=r.expectation_config.type,
            column=r.expectation_config.kwargs.get("column"),
            severity=(r.expectation_config.meta or {}).get("severity", "error"),
            success=bool(r.success),
            observed=_observed(r),
        )
        for r in outcome.results
    ]


def validate_layer(
    layer: str,
    con: duckdb.DuckDBPyConnection,
    params: dict[str, str],
    extra: list[dict] | None = None,
    progress: Callable[[str], None] | None = None,
    skip: Iterable[str] = (),
) -> ValidationReport:
    """Run every suite of gx/<layer>/ (plus `extra` suites) on `con`, but the suites of the
    tables in `skip` (absent optional sources: nothing to validate)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)  # no INFO chatter in logs
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    report = ValidationReport(layer=layer)
    skipped = {f"{layer}_{table}" for table in skip}
    specs = [json.loads(p.read_text()) for p in sorted((GX_DIR / layer).glob("*.json"))]
    specs = [spec for spec in specs if spec["name"] not in skipped]
    for spec in [*specs, *(extra or [])]:
        if progress:
            progress(spec["name"])
        frame = con.execute(spec["query"].format(**params)).df()
        report.results.extend(_run_suite(spec, frame, context))
    return report


def volume_suites(raw_counts: dict[str, int], previous: dict[str, int]) -> list[dict]:
    """Warn when a raw table's volume moves more than 2x against the previous run."""
    suites = []
    for table, before in previous.items():
        if table in raw_counts and before > 0:
            suites.append(
                {
                    "name": f"raw_{table}_volume",
                    "query": f"select {raw_counts[table]} as row_count",
                    "expectations": [
                        {
                            "type": "expect_column_values_to_be_between",
                            "kwargs": {
                                "column": "row_count",
                                "min_value": before // 2,
                                "max_value": before * 2,
                            },
                            "meta": {"severity": "warning", "why": "volume vs previous run"},
                        }
                    ],
                }
            )
    return suites


def load_previous_counts(state_file: Path) -> dict[str, int]:
    return json.loads(state_file.read_text()) if state_file.exists() else {}
