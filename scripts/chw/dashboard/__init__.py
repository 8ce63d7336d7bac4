"""Static HTML dashboard and per-account scorecards, written from the published marts.

Self-contained: every page inlines its CSS, its (tiny) script and its charts as server-rendered
SVG, so the folder works offline, from file:// or from any static host. Every value is
untrusted (account names come from a CRM): Jinja2 autoescapes all text, SVG text goes through
`markupsafe.escape`, and a Content-Security-Policy allows only the page's own script (by hash),
so even a missed escape could not run code.

The package: `formatting` (constants, formatters), `queries` (reading the marts), `charts`
(SVG), `pages` (view models); this module renders the Jinja templates in `templates/`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from chw.dashboard.formatting import ASSETS, account_filename, band_info, change_info, fmt_timestamp
from chw.dashboard.pages import (
    account_view,
    at_risk_accounts,
    calibration_view,
    portfolio_view,
    quality_view,
)
from chw.dashboard.queries import read_marts

__all__ = ["account_filename", "at_risk_accounts", "read_marts", "write_dashboard"]


# --------------------------------------------------------------------------- rendering


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ASSETS),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals |= {"band_info": band_info, "change_info": change_info}
    return env


def _csp(script: str | None) -> str:
    """Only this page's own script (by hash) may run; no network, no inline handlers."""
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        script_src = f"'sha256-{digest}'"
    else:
        script_src = "'none'"
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def write_dashboard(
    published_db: Path,
    out_dir: Path,
    *,
    quality: dict[str, Any] | None = None,
    calibration: dict[str, Any] | None = None,
) -> Path:
    """Write out_dir/index.html and out_dir/accounts/<id>.html; return the index path."""
    marts = read_marts(published_db)
    env = _environment()
    css = Markup((ASSETS / "dashboard.css").read_text())
    script = (ASSETS / "dashboard.js").read_text()
    pages = out_dir / "accounts"
    pages.mkdir(parents=True, exist_ok=True)
    for stale in pages.glob("*.html"):
        stale.unlink()

    account_template = env.get_template("account.html.j2")
    for account in marts.accounts:
        html = account_template.render(
            account_view(account, marts), css=css, csp=_csp(None), script=None
        )
        (pages / account_filename(account["account_id"])).write_text(html, encoding="utf-8")

    index = out_dir / "index.html"
    html = env.get_template("index.html.j2").render(
        portfolio_view(marts),
        quality=quality_view(quality, marts.published_at),
        calibration=calibration_view(calibration),
        generated_at=fmt_timestamp(datetime.now(UTC)),
        css=css,
        csp=_csp(script),
        script=Markup(script),
    )
    index.write_text(html, encoding="utf-8")
    return index
