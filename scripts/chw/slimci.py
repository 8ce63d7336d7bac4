"""Slim CI: build only what a change touches, deferring everything else to production.

`dbt build --select state:modified+ --defer --state <prod manifest dir>` against the `ci`
target: a database of its own (`<warehouse>/ci/ci.duckdb`) with the production build database
attached read-only under the name the production manifest gives it (the file's stem, `build`),
so a deferred `ref()` (`"build"."marts"."dim_accounts"`) reads production and nothing in it is
written. See docs/ci.md.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from chw import pii
from chw.dbt import DbtOutcome, run_dbt
from chw.errors import ChwError, ExitCode
from chw.settings import Paths

SELECTOR = "state:modified+"


@dataclass(frozen=True)
class SlimResult:
    """What a slim build ran (run_results.json) and where it wrote."""

    outcome: DbtOutcome
    ran: list[str]  # unique ids of the nodes dbt executed
    ci_db: Path
    target_dir: Path


def ci_paths(paths: Paths) -> Paths:
    """The CI build's own folder: database, logs and target/ (never the production ones)."""
    return Paths(raw=paths.raw, warehouse=paths.warehouse / "ci", output=paths.output)


def prod_database(state: Path) -> str:
    """The database name production's relations carry in its manifest (DuckDB: file stem)."""
    manifest = state / "manifest.json"
    if not manifest.is_file():
        raise ChwError(
            f"{manifest}: no production manifest (save warehouse/target/manifest.json of a "
            "production build there)",
            ExitCode.NOT_FOUND,
        )
    try:
        nodes = json.loads(manifest.read_text())["nodes"].values()
    except (ValueError, KeyError) as exc:
        raise ChwError(f"{manifest}: not a dbt manifest ({exc})", ExitCode.BAD_INPUT) from None
    databases = {node["database"] for node in nodes if node.get("resource_type") == "model"}
    if len(databases) != 1:
        raise ChwError(
            f"{manifest}: expected one database, found {sorted(databases)}", ExitCode.BAD_INPUT
        )
    return databases.pop()


def ci_state(state: Path, ci: Paths, prod: str, ci_name: str) -> Path:
    """Production's manifest as the CI build compares with it. On DuckDB a source is a file
    (meta external_location) and its `database` is only the target's name, so production's
    `build` would mark every source, and so every model, modified; those sources are
    recorded under the CI database's name instead. Nothing else changes."""
    manifest = json.loads((state / "manifest.json").read_text())
    for source in manifest["sources"].values():
        if source.get("meta", {}).get("external_location") and source["database"] == prod:
            source["database"] = ci_name
    folder = ci.warehouse / "state"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def slim_build(paths: Paths, state: Path, prod_db: Path, dbt_vars: str | None = None) -> SlimResult:
    """Build the modified nodes and their children in a fresh CI database."""
    state = state.resolve()
    database = prod_database(state)
    if not prod_db.is_file():
        raise ChwError(f"{prod_db}: no production build database to defer to", ExitCode.NOT_FOUND)
    ci = ci_paths(paths)
    ci_db = ci.warehouse / "ci.duckdb"
    if Path(ci_db).stem == database:
        raise ChwError(
            f"the CI database may not be named like production ({database})", ExitCode.USAGE
        )
    # every slim build starts clean: what it builds is the change, nothing left from before
    shutil.rmtree(ci.warehouse, ignore_errors=True)
    ci.warehouse.mkdir(parents=True)
    os.environ.update(
        CHW_CI_DUCKDB_PATH=str(ci_db),
        CHW_PROD_DUCKDB_PATH=str(prod_db.resolve()),
        CHW_PROD_DATABASE=database,
    )
    # the same PII salt as production, so hashed keys join with the deferred relations
    os.environ[pii.SALT_ENV] = pii.salt(paths)
    compared = ci_state(state, ci, database, ci_db.stem)
    # the configuration seeds (a few KB) first: unit tests read them from the target by name
    seeded = run_dbt(["seed", *(["--vars", dbt_vars] if dbt_vars else [])], ci, target="ci")
    if not seeded.success:
        raise ChwError(f"slim CI: dbt seed failed: {seeded.failures[:1]}", ExitCode.BUILD)
    args = ["build", "--select", SELECTOR, "--defer", "--state", str(compared)]
    args += ["--vars", dbt_vars] if dbt_vars else []
    outcome = run_dbt(args, ci, target="ci")
    results = ci.warehouse / "target" / "run_results.json"
    ran = [r["unique_id"] for r in json.loads(results.read_text())["results"]]
    return SlimResult(outcome, ran, ci_db, ci.warehouse / "target")
