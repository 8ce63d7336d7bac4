"""`make lint` lints the SQL that runs, incremental branches included (chw.lintsql).

A copy of the project gets an `{% if is_incremental() %}` branch in the product events base
model, with a violation (an upper-case keyword) inside it: the first-build pass cannot see it
(the branch is not compiled), the incremental pass must report it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from chw.project import copy_project
from chw.settings import PROJECT_DIR

MODEL = Path("models/staging/product/base/base_product__product_events.sql")
CLEAN = Path("models/marts/health/fct_account_health_daily.sql")
ANCHOR = "    {{ touched_days_rows(raw, 'occurred_at', new_batch_days(raw, 'occurred_at')) }}"
INCREMENTAL_LINE = "        SELECT * from {{ raw }}"
BRANCH = "\n".join(
    ["    {% if is_incremental() %}", INCREMENTAL_LINE, "    {% else %}", ANCHOR, "    {% endif %}"]
)


def test_violation_in_an_incremental_branch_is_reported(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.copy2(PROJECT_DIR / ".sqlfluff", project / ".sqlfluff")
    model = project / MODEL
    source = model.read_text()
    assert ANCHOR in source
    source = source.replace(ANCHOR, BRANCH)
    model.write_text(source)
    line = source[: source.index(INCREMENTAL_LINE)].count("\n") + 1

    env = {"CHW_PROJECT_DIR": str(project), "CHW_LINT_DIR": str(tmp_path / "lint")}
    result = subprocess.run(
        [sys.executable, "-m", "chw.lintsql", str(MODEL), str(CLEAN)],
        env={**os.environ, **env},
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    print(output)
    first_build, incremental = output.split("== sqlfluff, SQL as compiled for an incremental run")
    assert result.returncode == 1, output[-3000:]
    assert "CP01" not in first_build, "the first build compiles the other branch"
    assert f"L: {line:3d} | P:   9 | CP01" in incremental, incremental
    assert str(CLEAN) not in output  # only the injected file fails
