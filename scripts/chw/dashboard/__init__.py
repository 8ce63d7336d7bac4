"""Static HTML dashboard: a portfolio page and one scorecard page for every account.

Self-contained and offline: `index.html` inlines its CSS, its script and its charts as
server-rendered SVG; `account.html` shows any account named after its `#`. The account list
and the scorecards are data files in `data/` (scripts holding JSON, loaded on demand: browsers
load scripts from file:// where they refuse fetch()), so the folder stays small at 10,000
accounts and works from file:// or any static host.

Every value is untrusted (account names come from a CRM): strings are cut to a sane length
before they are written (`formatting.clip`); Jinja2 autoescapes all text, SVG text goes through
`markupsafe.escape`, the scripts put data into the page as text (textContent), never as HTML,
and a Content-Security-Policy lets only the page's own script (by hash) and the scripts it
loads run, so even a missed escape could not run code.

The package: `formatting` (constants, formatters), `queries` (reading the marts), `charts`
(SVG), `pages` (the portfolio's view model), `scorecards` (the data of the account lists and
scorecards), `datafiles` (writing it); this module renders the templates in `templates/`.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from chw.dashboard.datafiles import write_data
from chw.dashboard.formatting import (
    ASSETS,
    BAND_TINTS,
    PAGE_SIZE,
    account_key,
    band_info,
    change_info,
    fmt_timestamp,
)
from chw.dashboard.pages import calibration_view, portfolio_view, quality_view
from chw.dashboard.queries import read_marts
from chw.dashboard.scorecards import at_risk_accounts

__all__ = ["account_key", "at_risk_accounts", "read_marts", "write_dashboard"]


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


def _csp(script: str) -> str:
    """Only this page's own script (by hash) may run, and the data scripts it adds
    ('strict-dynamic'; 'self' for browsers without it); no network, no inline handlers."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return (
        f"default-src 'none'; script-src 'sha256-{digest}' 'strict-dynamic' 'self'; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )


def _config(shards: int) -> dict[str, Any]:
    """What the scripts need to know: band labels and shapes, tints, paging, data files."""
    bands = {band or "none": asdict(band_info(band)) for band in ("red", "yellow", "green", None)}
    return {"bands": bands, "tints": BAND_TINTS, "page_size": PAGE_SIZE, "shards": shards}


def _script(page: str) -> str:
    return (ASSETS / "common.js").read_text() + (ASSETS / f"{page}.js").read_text()


def write_dashboard(
    published_db: Path,
    out_dir: Path,
    *,
    quality: dict[str, Any] | None = None,
    calibration: dict[str, Any] | None = None,
) -> Path:
    """Write out_dir/index.html, out_dir/account.html and out_dir/data/; return the index."""
    marts = read_marts(published_db)
    env = _environment()
    css = Markup((ASSETS / "dashboard.css").read_text())
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out_dir / "accounts", ignore_errors=True)  # one page per account, before
    config = _config(write_data(marts, out_dir / "data"))
    portfolio, published_at = portfolio_view(marts), marts.published_at
    del marts  # the pages need only their view models: free the rows before rendering
    script = _script("account")
    html = env.get_template("account.html.j2").render(
        css=css, csp=_csp(script), script=Markup(script), config=config
    )
    (out_dir / "account.html").write_text(html, encoding="utf-8")
    script = _script("index")
    index = out_dir / "index.html"
    html = env.get_template("index.html.j2").render(
        portfolio,
        quality=quality_view(quality, published_at),
        calibration=calibration_view(calibration),
        generated_at=fmt_timestamp(datetime.now(UTC)),
        css=css,
        csp=_csp(script),
        script=Markup(script),
        config=config,
    )
    index.write_text(html, encoding="utf-8")
    return index
