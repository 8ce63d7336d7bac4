"""Bench step: the dashboard at scale. Publish a build database (the marts copied into a new
file, as `chw publish` does after its audit), then `chw dashboard` on it in its own process;
measure its wall time and peak memory, and the size of what it wrote: the index page, the
whole site and its file count. Targets (issue 20): index <= 2 MB, site <= 100 MB, <= 60 s."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from chw.bench.steps import run_step

INDEX_LIMIT_BYTES = 2 * 1024 * 1024
SITE_LIMIT_BYTES = 100 * 1024 * 1024
SECONDS_LIMIT = 60.0
PUBLISH_CODE = (
    "import sys; from pathlib import Path; from chw.publish import publish; "
    "from chw.settings import Paths; "
    "publish(Paths(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])), 'bench')"
)


@dataclass(frozen=True)
class DashboardMeasure:
    accounts: int
    publish_seconds: float
    seconds: float  # `chw dashboard`, process start to exit
    peak_rss_mb: float
    index_bytes: int
    site_bytes: int
    files: int

    def within_targets(self) -> bool:
        return (
            self.index_bytes <= INDEX_LIMIT_BYTES
            and self.site_bytes <= SITE_LIMIT_BYTES
            and self.seconds <= SECONDS_LIMIT
        )

    def summary(self) -> str:
        verdict = "within" if self.within_targets() else "NOT within"
        return (
            f"dashboard at {self.accounts:,} accounts: index.html "
            f"{self.index_bytes / 1e6:,.2f} MB, "
            f"site {self.site_bytes / 1e6:,.1f} MB in {self.files:,} files, written in "
            f"{self.seconds:,.1f} s at {self.peak_rss_mb:,.0f} MB peak ({verdict} the targets: "
            f"index <= 2 MB, site <= 100 MB, <= 60 s); publish {self.publish_seconds:,.1f} s"
        )


def site_size(site: Path) -> tuple[int, int]:
    """Bytes and number of files under a folder."""
    files = [p for p in site.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def _accounts(published: Path) -> int:
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute("select count(*) from marts.dim_accounts").fetchall()[0][0]
    finally:
        con.close()


def bench_dashboard(
    build_db: Path, work: Path, env: dict[str, str] | None = None
) -> DashboardMeasure:
    """Publish build_db into work/warehouse and write the dashboard into work/output/dashboard
    with `chw dashboard`, each in a child process; return the figures."""
    warehouse, output = work / "warehouse", work / "output"
    warehouse.mkdir(parents=True, exist_ok=True)
    build = warehouse / "build.duckdb"  # where Paths expects the build: a link, not a copy
    if build.resolve() != build_db.resolve():
        build.unlink(missing_ok=True)
        build.symlink_to(build_db.resolve())
    child_env = dict(env or os.environ) | {
        "CHW_WAREHOUSE_DIR": str(warehouse),
        "CHW_OUTPUT_DIR": str(output),
    }
    python = sys.executable
    publish = run_step(
        "publishing the build",
        [python, "-c", PUBLISH_CODE, str(work / "raw"), str(warehouse), str(output)],
        child_env,
    )
    chw = str(Path(python).with_name("chw"))
    dashboard = run_step("chw dashboard", [chw, "dashboard"], child_env)
    site = output / "dashboard"
    site_bytes, files = site_size(site)
    return DashboardMeasure(
        accounts=_accounts(warehouse / "health.duckdb"),
        publish_seconds=publish.seconds,
        seconds=dashboard.seconds,
        peak_rss_mb=dashboard.peak_rss_mb,
        index_bytes=(site / "index.html").stat().st_size,
        site_bytes=site_bytes,
        files=files,
    )


def main() -> None:
    """`python -m chw.bench.dashboard <build.duckdb> <work folder>`: this step alone."""
    measure = bench_dashboard(Path(sys.argv[1]), Path(sys.argv[2]))
    Console().print(measure.summary())


if __name__ == "__main__":
    main()
