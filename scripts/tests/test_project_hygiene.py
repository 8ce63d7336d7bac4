"""dbt project hygiene (issue 18 item 9), to the standard of dbt's project evaluator: groups
and owners, access levels, documented macros, doc blocks for shared descriptions that say
what the code does, and source freshness that is quiet after a fresh demo but errors on a
stale stream."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import Workspace

from chw import freshness
from chw.generate import generate
from chw.settings import PROJECT_DIR

PACKAGE = "customer_health"
Manifest = dict[str, Any]


def _dbt(args: list[str], env: dict[str, str], target_path: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("dbt")), *args]
    command += ["--project-dir", str(PROJECT_DIR), "--target-path", str(target_path)]
    command += ["--log-path", str(target_path / "logs")]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=600, cwd=PROJECT_DIR
    )


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    """`dbt parse` of the project: dbt 1.11 enforces groups and access here."""
    workspace = Workspace(tmp_path_factory.mktemp("hygiene"))
    env = {**workspace.env(), **workspace.paths.dbt_env(), "DO_NOT_TRACK": "1"}
    target = workspace.root / "target"
    result = _dbt(["parse"], env, target)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((target / "manifest.json").read_text())


def _models(manifest: Manifest) -> list[dict[str, Any]]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == PACKAGE
    ]


def test_every_model_has_an_owned_group_and_its_layers_access(manifest: Manifest) -> None:
    groups = {g["name"]: g for g in manifest["groups"].values()}
    expected = {"marts": {"public"}, "intermediate": {"private", "protected"}}
    wrong = []
    for node in _models(manifest):
        layer = node["original_file_path"].split("/")[1]
        if node["group"] not in groups or node["access"] not in expected.get(
            layer, {"private", "protected", "public"}
        ):
            wrong.append((node["name"], node["group"], node["access"]))
    assert not wrong, wrong
    unowned = [name for name, g in groups.items() if not (g["owner"].get("name") or "").strip()]
    assert groups and not unowned, unowned


MACRO_SIGNATURE = re.compile(r"\{%-?\s*(?:macro|test)\s+\w+\s*\((.*?)\)\s*-?%\}", re.S)


def _signature(macro_sql: str) -> list[str]:
    """Argument names of a macro, from its definition."""
    match = MACRO_SIGNATURE.search(macro_sql)
    assert match, macro_sql[:80]
    names, depth, current = [], 0, ""
    for char in match.group(1) + ",":
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            if current.strip():
                names.append(current.split("=")[0].strip())
            current = ""
        else:
            current += char
    return names


def test_every_macro_is_documented_with_its_arguments(manifest: Manifest) -> None:
    ours = [
        m
        for m in manifest["macros"].values()
        if m["package_name"] == PACKAGE and m["original_file_path"].startswith("macros/")
    ]
    undocumented = [m["name"] for m in ours if not m["description"].strip()]
    wrong_arguments = [
        m["name"]
        for m in ours
        if [a["name"] for a in m["arguments"]] != _signature(m["macro_sql"])
        or any(not a.get("description") for a in m["arguments"])
    ]
    print(f"\n{len(ours)} macros, {len(undocumented)} undocumented")
    assert len(ours) > 100
    assert not undocumented, undocumented
    assert not wrong_arguments, wrong_arguments


def test_descriptions_shared_by_three_files_come_from_doc_blocks(manifest: Manifest) -> None:
    """A column text pasted into 3+ YAML files drifts (the `_loaded_at` one did): one doc block."""
    files: dict[str, set[str]] = defaultdict(set)
    pasted: dict[str, set[str]] = defaultdict(set)
    nodes = [*_models(manifest), *manifest["sources"].values()]
    for node in nodes:
        path = (node.get("patch_path") or node["original_file_path"]).split("://")[-1]
        for column in node["columns"].values():
            text = " ".join((column.get("description") or "").split())
            if text:
                files[text].add(path)
                if not column.get("doc_blocks"):
                    pasted[text].add(path)
    repeated = {text for text, paths in files.items() if len(paths) >= 3}
    offenders = sorted(text[:60] for text in repeated if pasted[text])
    print(f"\n{len(repeated)} texts in 3+ files, {len(offenders)} pasted rather than doc blocks")
    assert not offenders, offenders


def test_loaded_at_says_which_copy_the_code_keeps(manifest: Manifest) -> None:
    """Product events keep the FIRST delivery (keep_order loaded_at asc); the rest the latest."""
    by_name = {node["name"]: node for node in _models(manifest)}
    checked = 0
    for name, node in by_name.items():
        if not name.startswith("base_") or "loaded_at" not in node["columns"]:
            continue
        first_wins = "loaded_at asc" in node["raw_code"]
        staging = by_name[name.replace("base_", "stg_", 1)]
        for model in (node, staging):
            text = " ".join(model["columns"]["loaded_at"]["description"].split())
            assert ("first delivery" in text) == first_wins, (model["name"], text)
            assert ("latest load is accepted" in text) != first_wins, (model["name"], text)
            checked += 1
    assert "first delivery" in by_name["stg_product__product_events"]["description"]
    assert checked >= 20


def _freshness(workspace: Workspace) -> tuple[int, dict[str, str]]:
    env = {**workspace.env(), **workspace.paths.dbt_env(), "DO_NOT_TRACK": "1"}
    (workspace.paths.warehouse / "tmp").mkdir(parents=True, exist_ok=True)
    target = workspace.paths.warehouse / "target"
    result = _dbt(["source", "freshness"], env, target)
    results = json.loads((target / "sources.json").read_text())["results"]
    return result.returncode, {r["unique_id"].split(".", 2)[2]: r["status"] for r in results}


def test_source_freshness_is_quiet_after_a_demo_and_errors_on_a_stale_stream(
    tmp_path: Path,
) -> None:
    """Data ending yesterday (as `make demo` makes it), one optional table absent."""
    workspace = Workspace(tmp_path)
    generate(workspace.paths.raw, accounts=80, days=200, seed=7)
    assert not (workspace.paths.raw / "account_metric_values.parquet").exists()

    code, statuses = _freshness(workspace)
    print(f"\nafter a demo: {statuses}")
    assert code == 0 and set(statuses.values()) == {"pass"}, statuses
    assert {"product.product_events", "provided.account_metric_values"} <= set(statuses)

    events = workspace.paths.raw / "product_events.parquet"
    stale = tmp_path / "stale.parquet"
    duckdb.execute(
        f"copy (select * replace (_loaded_at - interval 5 day as _loaded_at) "
        f"from read_parquet('{events}')) to '{stale}' (format parquet)"
    )
    stale.replace(events)
    code, statuses = _freshness(workspace)
    print(f"product events 5 days late: {statuses}")
    assert code != 0 and statuses.pop("product.product_events") == "error"
    assert set(statuses.values()) == {"pass"}, statuses


def test_the_report_judges_freshness_by_the_same_limits(manifest: Manifest, tmp_path: Path) -> None:
    """The data-quality report's freshness table uses the sources YAML's limits, as dbt does."""
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    limits = freshness.source_limits(path)
    events, accounts = limits["product.product_events"], limits["crm.accounts"]
    assert (events.warn_hours, events.error_hours) == (48.0, 96.0)
    assert [events.status(h) for h in (30, 50, 100)] == ["fresh", "late", "stale"]
    assert accounts.status(24 * 40) == "not checked"
