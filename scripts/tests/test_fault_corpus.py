"""The fault corpus through the real CLI: every case's exit code, message, and publication
(byte-identical when the run fails, correct when it passes), with every raw row accepted or
quarantined. One small data set is published once; each case (or group of cases sharing a
run) copies it, applies its mutations and runs `chw`. The results table is written to
output/test-run/fault_corpus.md."""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import Workspace, make_workspace
from fault_cases import CASES
from fault_corpus import Case

from chw.audit import VOLATILE_MARTS
from chw.publish import content_fingerprint, file_sha256
from chw.settings import PROJECT_DIR

REPORT = PROJECT_DIR / "output" / "test-run" / "fault_corpus.md"
ROWS: list[dict[str, str]] = []


@dataclass
class Outcome:
    code: int
    stderr: str
    root: Path
    before: str | None
    after: str | None
    seconds: float

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


class Corpus:
    """Runs each group of cases once, on a copy of the published base workspace."""

    def __init__(self, base: Workspace, base_outcome: Outcome, tmp: Path) -> None:
        self.base, self.tmp = base, tmp
        self.outcomes = {"base": base_outcome}
        self.baseline = content_fingerprint(base.paths.published_db)

    def outcome(self, case: Case) -> Outcome:
        key = case.group or case.id
        if key not in self.outcomes:
            self.outcomes[key] = self._run(key, [c for c in CASES if (c.group or c.id) == key])
        return self.outcomes[key]

    def _run(self, key: str, cases: list[Case]) -> Outcome:
        first = cases[0]
        assert all(c.args == first.args and c.warehouse == first.warehouse for c in cases)
        # the quarantine group's paths hold a quote: paths must be quoted wherever SQL has them
        root = self.tmp / ("it's quoted" if key == "quarantine" else "plain") / key
        workspace = Workspace(root)
        shutil.copytree(self.base.paths.raw, workspace.paths.raw)
        self._copy_warehouse(first.warehouse, workspace.paths.warehouse)
        for case in cases:
            if case.mutate:
                case.mutate(workspace.paths.raw, workspace.paths.warehouse)
        before = file_sha256(workspace.paths.published_db)
        started = time.monotonic()
        result = workspace.chw(*(a.replace("{root}", str(root)) for a in first.args))
        return Outcome(
            result.returncode,
            result.stderr,
            root,
            before,
            file_sha256(workspace.paths.published_db),
            time.monotonic() - started,
        )

    def _copy_warehouse(self, mode: str, target: Path) -> None:
        source = self.base.paths.warehouse
        target.mkdir(parents=True)
        if mode == "none":
            return
        keep = {"health.duckdb", "state", ".pii_salt"}
        if mode == "copy":
            keep |= {"build.duckdb", "target"}
        for item in source.iterdir():
            if item.name in keep:
                copy = shutil.copytree if item.is_dir() else shutil.copy2
                copy(item, target / item.name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    base = make_workspace(tmp_path_factory.mktemp("corpus_base"), accounts=40, days=120)
    started = time.monotonic()
    result = base.chw("run")
    assert result.returncode == 0, result.stderr[-3000:]
    first = Outcome(
        0,
        result.stderr,
        base.root,
        None,
        file_sha256(base.paths.published_db),
        time.monotonic() - started,
    )
    yield Corpus(base, first, tmp_path_factory.mktemp("corpus_cases"))
    _write_report()


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def _marts_differ(corpus: Corpus, root: Path) -> list[str]:
    now = content_fingerprint(root / "warehouse" / "health.duckdb")
    differ = []
    for name, before in corpus.baseline.items():
        if name.split(".")[-1] in VOLATILE_MARTS:
            continue
        after = now.get(name, {})
        if set(after) != set(before) or not all(_close(after[k], before[k]) for k in before):
            differ.append(name)
    return differ


def _quarantine_reason(root: Path, source: str, marker: str) -> str | None:
    con = duckdb.connect(str(root / "warehouse" / "health.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select quarantine_reason from marts.fct_quarantined_rows "
            "where source_table = ? and lower(record_json) like ?",
            [source, f"%{marker}%"],
        ).fetchall()
    finally:
        con.close()
    return rows[0][0] if len(rows) == 1 else f"{len(rows)} quarantined rows"


def _published_correct(case: Case, outcome: Outcome, corpus: Corpus) -> list[str]:
    problems = []
    run = json.loads((outcome.root / "output" / "report" / "run.json").read_text())
    for counts in run["source_counts"]:
        if counts["raw_rows"] != counts["accepted_rows"] + counts["quarantined_rows"]:
            problems.append(f"{counts['source_table']}: raw != accepted + quarantined")
    if case.quarantined:
        source, marker, reason = case.quarantined
        found = _quarantine_reason(outcome.root, source, marker)
        if found is None or (reason and found != reason):
            problems.append(f"{marker}: quarantined as {found!r}, expected {reason or 'any'}")
    if case.marts_as_published:
        differ = _marts_differ(corpus, outcome.root)
        problems += [f"marts differ from the clean publication: {', '.join(differ)}"] * bool(differ)
    if case.check:
        problems += [p for p in [case.check(outcome.root)] if p]
    return problems


def verify(case: Case, outcome: Outcome, corpus: Corpus) -> tuple[list[str], str]:
    """Problems with the outcome (empty = as expected) and the publication's state."""
    problems = []
    if outcome.code != case.code:
        problems.append(f"exit {outcome.code}, expected {case.code}")
    if "Traceback" in outcome.stderr:
        problems.append("a traceback")
    lines = outcome.error_lines
    if len(lines) != (1 if case.code else 0):
        problems.append(f"{len(lines)} error lines")
    message = " ".join(lines).lower()
    problems += [f"message lacks {w!r}" for w in case.words if w.lower() not in message]
    if outcome.code != 0:
        state = "intact" if outcome.after == outcome.before else "CHANGED"
        problems += ["publication changed by a failed run"] * (state == "CHANGED")
    elif outcome.after is None:
        state = "missing"
        problems.append("nothing published")
    else:
        extra = _published_correct(case, outcome, corpus) if case.args[0] == "run" else []
        state = "published, correct" if not extra else "published, WRONG"
        problems += extra
    return problems, state


def _record(case: Case, outcome: Outcome, problems: list[str], state: str) -> None:
    message = outcome.error_lines[0].removeprefix("error: ") if outcome.error_lines else ""
    if case.needs:
        result = f"xfail ({case.needs})" if problems else "XPASS"
    else:
        result = "ok" if not problems else "FAIL: " + "; ".join(problems)
    ROWS.append(
        {
            "case": case.id,
            "run": case.group or case.id,
            "exit": f"{outcome.code}"
            + ("" if outcome.code == case.code else f" (want {case.code})"),
            "message": message.replace("|", "\\|"),
            "publication": state if case.args[0] == "run" else "untouched (generate)",
            "result": result,
            "seconds": f"{outcome.seconds:.0f}",
        }
    )


def _write_report() -> None:
    """The table of the cases run: fault_corpus.md for the whole corpus, else a partial one."""
    report = REPORT if len(ROWS) == len(CASES) else REPORT.with_suffix(".partial.md")
    report.parent.mkdir(parents=True, exist_ok=True)
    columns = ["case", "run", "exit", "message", "publication", "result", "seconds"]
    lines = [
        "# Fault corpus",
        "",
        f"{len(ROWS)} cases; cases of one run share it (seconds = that run's time).",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    lines += ["| " + " | ".join(row[c] for c in columns) + " |" for row in ROWS]
    report.write_text("\n".join(lines) + "\n")


def _param(case: Case):  # type: ignore[no-untyped-def]
    marks = [pytest.mark.xfail(strict=True, reason=case.needs)] if case.needs else []
    return pytest.param(case, id=case.id, marks=marks)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fault_case(case: Case, corpus: Corpus) -> None:
    outcome = corpus.outcome(case)
    problems, state = verify(case, outcome, corpus)
    _record(case, outcome, problems, state)
    assert not problems, f"{case.id}: {problems}; stderr: {outcome.stderr[-1500:]}"
