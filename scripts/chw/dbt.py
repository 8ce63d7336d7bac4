"""Drive dbt in-process through its Python API (dbtRunner)."""

from __future__ import annotations

import contextlib
import gc
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from chw import pii
from chw.errors import ChwError, ExitCode
from chw.settings import PROJECT_DIR, Paths

# dbt's header lines that say where an error happened, not what it was.
_HEADERS = ("Runtime Error", "Database Error", "Compilation Error", "Failure in", "Error in")


@dataclass
class DbtOutcome:
    """What one dbt invocation did: counts by resource type and status, and the failures."""

    success: bool
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def count(self, resource_type: str, status: str) -> int:
        return self.counts[(resource_type, status)]


# dbt events that close a node (run, tested, seeded, skipped or a no-op).
_NODE_DONE = frozenset(
    {
        "LogModelResult",
        "LogTestResult",
        "LogSeedResult",
        "LogSnapshotResult",
        "LogFunctionResult",
        "LogNodeNoOpResult",
        "SkippingDetails",
    }
)


@dataclass
class BuildProgress:
    """Where a dbt invocation is: nodes done out of the total, and the node last started."""

    done: int = 0
    total: int = 0
    current: str = ""

    def update(self, event_name: str, data: object) -> bool:
        """Take one dbt event into account; True when the progress changed."""
        if event_name == "LogStartLine":
            node = getattr(data, "node_info", None)
            self.current = node.node_name if node else self.current
        elif event_name in _NODE_DONE:
            self.done += 1
        else:
            return False
        self.total = max(self.total, int(getattr(data, "total", 0) or 0), self.done)
        return True

    def line(self) -> str:
        """`37/120 int_account_health_scored`: for a live progress line."""
        return f"{self.done}/{self.total} {self.current}".rstrip()


def _release_duckdb() -> None:
    """dbt-duckdb keeps its database open in-process; close it so this process can reopen
    the file (read-only, for GX and publish) with another configuration."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        with contextlib.suppress(Exception):
            environment.close()
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def run_dbt(
    args: list[str],
    paths: Paths,
    target: str = "duckdb",
    on_node: Callable[[str, str], None] | None = None,
    on_progress: Callable[[BuildProgress], None] | None = None,
) -> DbtOutcome:
    """Run `dbt <args>` against the project; call on_node(name, status) as nodes finish and
    on_progress(progress) as nodes start and finish."""
    from dbt.cli.main import dbtRunner

    os.environ.update(paths.dbt_env())
    os.environ[pii.SALT_ENV] = pii.salt(paths)
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    os.environ.setdefault("DO_NOT_TRACK", "1")
    (paths.warehouse / "tmp").mkdir(parents=True, exist_ok=True)

    progress = BuildProgress()

    def callback(event) -> None:  # type: ignore[no-untyped-def]
        if on_progress and progress.update(event.info.name, event.data):
            on_progress(progress)
        if on_node and event.info.name in ("LogModelResult", "LogTestResult", "LogSeedResult"):
            data = event.data
            name = getattr(data, "node_info", None)
            on_node(name.node_name if name else "", getattr(data, "status", ""))

    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target",
        target,
        "--log-path",
        str(paths.warehouse / "logs"),
        "--target-path",
        str(paths.warehouse / "target"),
        "--quiet",
        "--log-level",
        "none",  # errors reach the user as one line from chw; dbt.log keeps every detail
        "--log-level-file",
        "debug",
    ]
    try:
        result = dbtRunner(callbacks=[callback]).invoke(full_args)
    finally:
        _release_duckdb()
    if result.exception is not None:
        raise ChwError(f"dbt {args[0]} failed: {cause(str(result.exception))}", ExitCode.BUILD)
    outcome = DbtOutcome(success=bool(result.success))
    for node_result in getattr(result.result, "results", None) or []:
        node = node_result.node
        status = str(node_result.status)
        outcome.counts[(node.resource_type, status)] += 1
        if status in ("error", "fail"):
            outcome.failures.append(
                f"{node.resource_type} {node.name}: {cause(node_result.message or '')}"
            )
    return outcome


def cause(message: str) -> str:
    """The underlying error of a dbt message, on one line: dbt's header ("Runtime Error in
    model x (path)") names the node, the database's own line after it names the cause."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    causes = [line for line in lines if not line.startswith(_HEADERS)]
    return (causes or lines or ["no message"])[0]
