"""The data-quality report of a run: Markdown for CI logs, HTML for people."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

Run = dict[str, Any]


def load_run(report_dir: Path) -> Run:
    return json.loads((report_dir / "run.json").read_text())


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    if not rows:
        return ["_none_", ""]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _cell(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value if value is not None else "").replace("|", "\\|")


Section = tuple[str, list[str], list[list[object]]]


def _sections(run: Run) -> list[Section]:
    """The report's tables: what came in, then what the checks said."""
    return _input_sections(run) + _check_sections(run)


def _input_sections(run: Run) -> list[Section]:
    return [
        (
            "Notices: absent sources (partial sources; the metrics they feed are N/A)",
            ["source", "notice"],
            [
                [table, "absent (no file or no rows): not an error"]
                for table in run.get("absent_sources", [])
            ],
        ),
        (
            "Connector adapters (docs/adapters.md): raw tables filled by a connector",
            ["source", "connector"],
            [[table, connector] for table, connector in run.get("connector_tables", {}).items()],
        ),
        (
            "Rows per source: raw = accepted + quarantined",
            ["source", "raw", "accepted", "quarantined", "balanced"],
            [
                [
                    c["source_table"],
                    c["raw_rows"],
                    c["accepted_rows"],
                    c["quarantined_rows"],
                    "yes" if c["raw_rows"] == c["accepted_rows"] + c["quarantined_rows"] else "NO",
                ]
                for c in run.get("source_counts", [])
            ],
        ),
        (
            "Quarantined rows by reason",
            ["source", "reason", "rows"],
            [
                [q["source_table"], q["reason"], q["rows"]]
                for q in run.get("quarantine_by_reason", [])
            ],
        ),
    ]


def _check_sections(run: Run) -> list[Section]:
    dbt = run.get("dbt_counts", {})
    gx = run.get("gx", [])
    return [
        (
            "dbt results",
            ["resource", "status", "count"],
            [[*key.split(":", 1), n] for key, n in sorted(dbt.items())],
        ),
        ("dbt failures", ["failure"], [[f] for f in run.get("dbt_failures", [])]),
        (
            "Great Expectations",
            ["layer", "suite", "expectation", "column", "severity", "result", "observed"],
            [
                [
                    g["layer"],
                    g["suite"],
                    g["expectation"],
                    g["column"] or "",
                    g["severity"],
                    "pass" if g["success"] else "FAIL",
                    g["observed"],
                ]
                for g in gx
            ],
        ),
        (
            "Freshness",
            ["source", "latest row loaded at (UTC)", "age (hours)", "status"],
            [
                [f["source_table"], f["latest_loaded_at"], f["age_hours"], f["status"]]
                for f in run.get("freshness", [])
            ],
        ),
        (
            "Publication audit (against the last good publication)",
            ["check", "subject", "observed", "limit", "result"],
            [
                [
                    a["check"],
                    a["subject"],
                    a["observed"],
                    a["limit"],
                    "pass" if a["passed"] else "FAIL",
                ]
                for a in run.get("audit", [])
            ],
        ),
        (
            "Published marts",
            ["table", "rows"],
            [[t, n] for t, n in sorted(run.get("published_rows", {}).items())],
        ),
    ]


def _headline(run: Run) -> list[str]:
    dbt = run.get("dbt_counts", {})
    passed = sum(n for k, n in dbt.items() if k.endswith(":pass") or k.endswith(":success"))
    failed = sum(n for k, n in dbt.items() if k.endswith(":fail") or k.endswith(":error"))
    gx = run.get("gx", [])
    quarantined = sum(c["quarantined_rows"] for c in run.get("source_counts", []))
    return [
        f"- status: **{run['status']}**" + (f": {run['message']}" if run.get("message") else ""),
        f"- run: {run['run_id']} (started {run['started_at']}, finished {run.get('finished_at')})",
        f"- dbt nodes passed: {passed:,}; failed: {failed:,}",
        f"- GX expectations passed: {sum(1 for g in gx if g['success']):,} of {len(gx):,}",
        f"- rows quarantined: {quarantined:,}",
    ]


def to_markdown(run: Run) -> str:
    lines = ["# Data-quality report", "", *_headline(run), ""]
    for title, headers, rows in _sections(run):
        lines += [f"## {title}", "", *_table(headers, rows)]
    return "\n".join(lines)


def to_html(run: Run) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Data-quality report</title><style>",
        "body{font:14px system-ui,sans-serif;margin:2rem;max-width:75rem;color:#222}",
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;",
        "padding:.25rem .5rem;text-align:left}th{background:#f3f3f3}",
        ".FAIL,.NO,.failed,.stale{color:#b00020;font-weight:bold}.passed{color:#1b7a3a}",
        "</style></head><body><h1>Data-quality report</h1><ul>",
    ]
    parts += [
        f"<li>{esc(line.removeprefix('- ').replace('**', ''))}</li>" for line in _headline(run)
    ]
    parts.append("</ul>")
    for title, headers, rows in _sections(run):
        parts.append(f"<h2>{esc(title)}</h2>")
        if not rows:
            parts.append("<p><em>none</em></p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>")
        for row in rows:
            cells = "".join(f"<td class='{esc(_cell(v))}'>{esc(_cell(v))}</td>" for v in row)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(report_dir: Path) -> tuple[Path, Path]:
    """Render run.json in report_dir to data_quality.md and data_quality.html."""
    run = load_run(report_dir)
    markdown = report_dir / "data_quality.md"
    page = report_dir / "data_quality.html"
    markdown.write_text(to_markdown(run))
    page.write_text(to_html(run))
    return markdown, page
