"""The static dashboard: escaping of untrusted values, the at-risk list, and a real browser.

A small fixture DuckDB file (no dbt) holds the published marts the dashboard reads, with
known bands and ARR so the expected at-risk order is known, and hostile account names. The
browser test runs at demo size (300 accounts, as `chw generate` makes by default), so the
account lists have several pages.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from chw.bench.dashboard import SECONDS_LIMIT, SITE_LIMIT_BYTES, bench_dashboard
from chw.dashboard import account_key, at_risk_accounts, read_marts, write_dashboard
from chw.dashboard.formatting import ASSETS, ELLIPSIS, MAX_NOTE_CHARS, MAX_TEXT_CHARS, PAGE_SIZE

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "output" / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = '"><img src=x onerror=alert(1)>'
AS_OF = date(2026, 6, 30)
DAYS = 40

# id, name, segment, band, final score, ARR, active customer, lifecycle
ACCOUNTS: list[tuple[str, str, str, str | None, float | None, float | None, bool | None, str]] = [
    ("A1", "Acme Corp", "enterprise", "red", 30.0, 500_000.0, True, "active"),
    ("A2", SCRIPT_NAME, "growth", "red", 35.0, 200_000.0, True, "active"),
    ("A3", IMG_NAME, "starter", "yellow", 55.0, 300_000.0, True, "active"),
    ("A4", "Globex & Sons", "growth", "yellow", 60.0, 50_000.0, True, "active"),
    ("A5", "Initech", "starter", "green", 85.0, 900_000.0, True, "active"),
    ("A6", "Churned Co", "enterprise", "red", 20.0, 1_000_000.0, False, "churned"),
    ("../evil<id>", "Umbrella (not scored)", "starter", None, None, None, None, "onboarding"),
]
EXPECTED_AT_RISK = ["A1", "A2", "A3", "A4"]
DEMO_ACCOUNTS = 300
FILLER_BANDS = {"red": 30.0, "yellow": 55.0, "green": 80.0}


def fillers(count: int) -> list[tuple[Any, ...]]:
    """Plain active accounts, bands in turn, ARR below every named account's."""
    bands = list(FILLER_BANDS)
    return [
        (
            f"F{i:04d}",
            f"Filler account {i:04d}",
            ("starter", "growth", "enterprise")[i % 3],
            bands[i % 3],
            FILLER_BANDS[bands[i % 3]],
            1_000.0 + i,
            True,
            "active",
        )
        for i in range(count)
    ]


def demo_accounts() -> list[tuple[Any, ...]]:
    return ACCOUNTS + fillers(DEMO_ACCOUNTS - len(ACCOUNTS))


def expected_demo_at_risk() -> list[str]:
    """Red, then yellow, each by ARR (the fillers' ARR is below every named account's)."""
    extra = fillers(DEMO_ACCOUNTS - len(ACCOUNTS))
    red = [a[0] for a in sorted(extra, key=lambda a: -a[5]) if a[3] == "red"]
    yellow = [a[0] for a in sorted(extra, key=lambda a: -a[5]) if a[3] == "yellow"]
    return ["A1", "A2", *red, "A3", "A4", *yellow]


COMPONENT_OFFSETS = {
    "engagement": -10,
    "satisfaction": 5,
    "experience": 0,
    "financial": 10,
    "support": -5,
}
METRICS = {
    "engagement": "active_days",
    "satisfaction": "nps",
    "experience": "journey_satisfaction_avg",
    "financial": "overdue_invoices",
    "support": "tickets_per_seat",
}
QUALITY = {
    "status": "passed",
    "run_at": "2026-07-01T06:15:00+00:00",
    "tests_passed": 123,
    "tests_failed": 0,
    "quarantined_rows": 17,
}
CALIBRATION = {
    "auc": 0.812,
    "auc_ci": [0.79, 0.83],
    "latent_auc": None,
    "band_lift": [
        {"band": "red", "accounts": 1200, "churn_rate": 0.21, "lift": 2.4},
        {"band": "green", "accounts": 3100, "churn_rate": 0.02, "lift": 0.3},
    ],
    "deciles": [{"decile": 1, "mean_score": 22.5, "churn_rate": 0.3}],
}

DDL = """
create schema marts;
create schema scoring_config;
create table marts.dim_accounts (
  account_id varchar, account_name varchar, parent_account_id varchar, segment varchar,
  industry varchar, region varchar, size_band varchar, csm_owner varchar,
  lifecycle_stage varchar, created_at timestamp, last_scored_date date,
  is_active_customer boolean, published_score double, published_band varchar,
  computed_score double, confidence varchar, trend_30d varchar, score_change_30d double,
  top_negative_drivers varchar, recommended_action varchar, is_overridden boolean,
  arr_usd double, seats integer, renewal_date date, days_to_renewal bigint);
create table marts.fct_account_health_daily (
  account_id varchar, score_date date, segment varchar, published_score double,
  published_band varchar, computed_score double, computed_band varchar,
  engagement_score double, satisfaction_score double, experience_score double,
  financial_score double, support_score double, coverage double, confidence varchar,
  is_overridden boolean, override_reason varchar, override_author varchar,
  override_valid_until date, score_change_7d double, score_change_30d double,
  trend_7d varchar, trend_30d varchar, top_negative_drivers varchar,
  weakest_component varchar, recommended_action varchar);
create table marts.fct_account_metric_daily (
  account_id varchar, score_date date, metric_name varchar, component varchar,
  raw_value double, metric_score double, metric_weight double, effective_weight double,
  contribution double, points_lost double, contribution_change_7d double,
  contribution_change_30d double);
create table scoring_config.scoring_metrics (
  metric_name varchar, component varchar, description varchar);
create table scoring_config.scoring_bands (segment varchar, red_below double, green_from double);
insert into scoring_config.scoring_bands values
  ('starter', 40, 70), ('growth', 45, 70), ('enterprise', 50, 75);
"""
SEGMENTS_SQL = """
create table marts.agg_segment_health_daily as
with scored as (
  select h.score_date, h.segment, h.published_band as band, a.arr_usd, h.published_score
  from marts.fct_account_health_daily as h
  join marts.dim_accounts as a using (account_id)
),
rows as (
  select * from scored
  union all
  select score_date, 'all', band, arr_usd, published_score from scored
)
select score_date, segment, count(*)::hugeint as accounts,
  count(*) filter (where band = 'red')::hugeint as red_accounts,
  count(*) filter (where band = 'yellow')::hugeint as yellow_accounts,
  count(*) filter (where band = 'green')::hugeint as green_accounts,
  sum(arr_usd) as arr_usd,
  coalesce(sum(arr_usd) filter (where band = 'red'), 0) as red_arr_usd,
  coalesce(sum(arr_usd) filter (where band = 'yellow'), 0) as yellow_arr_usd,
  coalesce(sum(arr_usd) filter (where band = 'green'), 0) as green_arr_usd,
  avg(published_score) as average_score
from rows group by all
"""


def _health_rows(account: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    account_id, _, segment, band, score, *_ = account
    overridden = account_id == "A2"
    rows = []
    for k in range(DAYS):
        day = AS_OF - timedelta(days=DAYS - 1 - k)
        value = score + 0.2 * (DAYS - 1 - k)  # falling by 0.2 a day
        components = [min(100.0, value + off) for off in COMPONENT_OFFSETS.values()]
        override = (
            ("trust me <script>x</script>", "<b>Mallory</b>", AS_OF + timedelta(days=30))
            if overridden
            else (None, None, None)
        )
        rows.append(
            (
                account_id,
                day,
                segment,
                value,
                band,
                value,
                band,
                *components,
                0.9,
                "high",
                overridden,
                *override,
                -1.4,
                -6.0,
                "down",
                "down",
                "nps, <img src=x onerror=alert(2)>",
                "engagement",
                "Personalise <now>",
            )
        )
    return rows


def _metric_rows(account_id: str, score: float) -> list[tuple[Any, ...]]:
    rows = []
    for component, metric in METRICS.items():
        metric_score = min(100.0, score + COMPONENT_OFFSETS[component])
        contribution = 0.2 * metric_score
        rows.append(
            (
                account_id,
                AS_OF,
                metric,
                component,
                3.5,
                metric_score,
                1.0,
                0.2,
                contribution,
                20 - contribution,
                -0.3,
                -1.2,
            )
        )
    return rows


def _dim_row(account: tuple[Any, ...]) -> tuple[Any, ...]:
    account_id, name, segment, band, score, arr, active, lifecycle = account
    scored = score is not None
    latest = ("high", "down", -6.0, "nps, csat", "Call them") if scored else (None,) * 5
    return (
        account_id,
        name,
        None,
        segment,
        "software",
        "emea",
        "smb",
        "Dana <Lee>",
        lifecycle,
        None,
        AS_OF if scored else None,
        active,
        score,
        band,
        score,
        *latest,
        account_id == "A2",
        arr,
        10,
        AS_OF + timedelta(days=90),
        90,
    )


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Rows into a table through a data frame (executemany takes a minute at demo size)."""
    columns = [c[0] for c in con.execute(f"select * from {table} limit 0").description]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)  # noqa: F841 (read by DuckDB)
    con.execute(f"insert into {table} select * from frame")


def build_fixture(path: Path, accounts: list[tuple[Any, ...]] | None = None) -> Path:
    accounts = accounts or ACCOUNTS
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        scored = [a for a in accounts if a[4] is not None]
        _insert(con, "marts.dim_accounts", [_dim_row(a) for a in accounts])
        _insert(
            con,
            "marts.fct_account_health_daily",
            [row for a in scored for row in _health_rows(a)],
        )
        _insert(
            con,
            "marts.fct_account_metric_daily",
            [row for a in scored for row in _metric_rows(a[0], a[4])],
        )
        _insert(
            con,
            "scoring_config.scoring_metrics",
            [(m, c, f"What {m} measures") for c, m in METRICS.items()],
        )
        con.execute(SEGMENTS_SQL)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dashboard")
    db = build_fixture(root / "published.duckdb")
    return write_dashboard(db, root / "site", quality=QUALITY, calibration=CALIBRATION)


@pytest.fixture(scope="module")
def demo_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo-dashboard")
    db = build_fixture(root / "published.duckdb", demo_accounts())
    return write_dashboard(db, root / "site", quality=QUALITY, calibration=CALIBRATION)


def read_data(path: Path) -> Any:
    """The JSON value a data file stores in window.chwData."""
    text = path.read_text()
    prefix = f'(window.chwData=window.chwData||{{}})["{path.stem}"]='
    assert text.startswith(prefix) and text.endswith(";\n"), path
    return json.loads(text[len(prefix) : -2])


def listed_names(site: Path) -> dict[str, str]:
    data = read_data(site / "data" / "accounts.js")
    column = data["columns"].index
    return {row[column("key")]: row[column("name")] for row in data["rows"]}


def test_at_risk_order_is_red_then_yellow_by_arr(dashboard: Path) -> None:
    marts = read_marts(dashboard.parent.parent / "published.duckdb")
    assert [a["account_id"] for a in at_risk_accounts(marts.accounts)] == EXPECTED_AT_RISK
    data = read_data(dashboard.parent / "data" / "accounts.js")
    keys = [data["rows"][i][0] for i in data["at_risk"]]
    assert keys == EXPECTED_AT_RISK


def test_the_site_is_two_pages_and_data_files_inside_the_output_folder(dashboard: Path) -> None:
    site = dashboard.parent
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert files == ["account.html", "data/accounts.js", "data/cards-0000.js", "index.html"]
    cards = read_data(site / "data" / "cards-0000.js")["cards"]
    assert sorted(cards) == sorted(account_key(a[0]) for a in ACCOUNTS)
    hostile = account_key("../evil<id>")
    assert "/" not in hostile and "." not in hostile and "<" not in hostile
    assert account_key("A1") == "A1"
    assert account_key("a/b") != account_key("a_b")


def test_a_rewrite_leaves_no_stale_file(tmp_path: Path) -> None:
    """Fewer accounts, fewer data files; the per-account pages of old versions go too."""
    site = tmp_path / "site"
    (site / "accounts").mkdir(parents=True)
    (site / "accounts" / "A1.html").write_text("an old scorecard")
    write_dashboard(build_fixture(tmp_path / "big.duckdb", demo_accounts()), site)
    assert len(list((site / "data").glob("cards-*.js"))) == 3
    write_dashboard(build_fixture(tmp_path / "small.duckdb"), site)
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert files == ["account.html", "data/accounts.js", "data/cards-0000.js", "index.html"]


def test_untrusted_values_are_escaped_everywhere(dashboard: Path) -> None:
    site = dashboard.parent
    for page in site.glob("*.html"):
        html = page.read_text()
        assert "<script>alert" not in html, page
        assert "<img src=x" not in html, page
        assert "<b>Mallory" not in html and "<now>" not in html and "<Lee>" not in html, page
        assert html.count("<script>") == 1, page  # only the page's own script
        csp = html.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
        assert csp.startswith("default-src &#39;none&#39;; script-src &#39;sha256-"), page
        assert "&#39;strict-dynamic&#39;" in csp and "connect-src" not in csp, page
    for script in ("common.js", "index.js", "account.js"):  # data goes in as text, always
        assert "innerHTML" not in (ASSETS / script).read_text(), script
    for data in (site / "data").glob("*.js"):
        assert "<" not in data.read_text() and ">" not in data.read_text(), data
    index = dashboard.read_text()  # the movers table is written by the generator
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert listed_names(site)["A2"] == SCRIPT_NAME  # the data keeps the text; pages show it
    card = read_data(site / "data" / "cards-0000.js")["cards"]["A2"]
    assert card["override"]["author"] == "<b>Mallory</b>"


def test_a_200000_character_name_is_cut_and_the_index_stays_small(tmp_path: Path) -> None:
    huge = "<script>alert(3)</script>" + "x" * 200_000
    account = ("A9", huge, "growth", "red", 33.0, 70_000.0, True, "active")
    db = build_fixture(tmp_path / "published.duckdb", [*ACCOUNTS, account])
    con = duckdb.connect(str(db))
    con.execute(
        "update marts.dim_accounts set csm_owner = $1, recommended_action = $1 "
        "where account_id = 'A9'",
        [huge],
    )
    con.execute(
        "update marts.fct_account_health_daily set override_reason = $1, is_overridden = true, "
        "recommended_action = $1 where account_id = 'A9'",
        [huge],
    )
    con.close()
    index = write_dashboard(db, tmp_path / "site")
    site = index.parent
    assert index.stat().st_size < 200_000
    assert sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) < 400_000
    name = listed_names(site)["A9"]
    assert len(name) == MAX_TEXT_CHARS and name.endswith(ELLIPSIS)
    assert name.startswith("<script>alert(3)</script>xxx")
    assert "<script>alert(3)" not in index.read_text()  # a mover: escaped by Jinja
    assert "&lt;script&gt;alert(3)&lt;/script&gt;xxx" in index.read_text()
    card = read_data(site / "data" / "cards-0000.js")["cards"]["A9"]
    assert len(card["csm"]) == MAX_TEXT_CHARS
    assert len(card["action"]) == MAX_NOTE_CHARS and card["action"].endswith(ELLIPSIS)
    assert len(card["override"]["reason"]) == MAX_NOTE_CHARS


def test_portfolio_shows_quality_and_calibration(dashboard: Path) -> None:
    index = dashboard.read_text()
    assert "Data quality: passed" in index
    assert "123 tests passed" in index and "17 rows quarantined" in index
    assert "2026-07-01 06:15 UTC" in index
    assert "Does the score predict churn?" in index and "0.812" in index
    assert "cdn" not in index.lower() and "https://" not in index  # nothing remote


def test_without_quality_or_calibration(tmp_path: Path) -> None:
    db = build_fixture(tmp_path / "published.duckdb")
    started = time.perf_counter()
    index = write_dashboard(db, tmp_path / "site").read_text()
    assert time.perf_counter() - started < 10
    assert "Data quality: not reported" in index
    assert 'id="calibration"' not in index


def test_the_bench_step_publishes_a_build_and_measures_chw_dashboard(tmp_path: Path) -> None:
    """What `make bench` runs after its full build, here on a small build database."""
    build = build_fixture(tmp_path / "bench-build.duckdb")
    measure = bench_dashboard(build, tmp_path / "work")
    site = tmp_path / "work" / "output" / "dashboard"
    assert measure.accounts == len(ACCOUNTS)
    assert measure.index_bytes == (site / "index.html").stat().st_size
    assert measure.files == 4 and measure.site_bytes > measure.index_bytes
    assert 0 < measure.seconds < SECONDS_LIMIT and measure.peak_rss_mb > 0
    assert measure.within_targets()
    assert "index.html" in measure.summary() and "within the targets" in measure.summary()
    big_site = replace(measure, site_bytes=SITE_LIMIT_BYTES + 1)
    assert not big_site.within_targets() and "NOT within" in big_site.summary()


@pytest.mark.browser
@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium: run `make browser` "
    "(apt-get install -y chromium)",
)
def test_dashboard_in_a_real_browser(demo_dashboard: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.set_default_timeout(10_000)
            page.on(
                "console",
                lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else problems.append(r.url),
            )
            page.goto(demo_dashboard.as_uri())
            _check_portfolio(page)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            _check_at_risk_paging(page)
            _check_search_and_paging(page)
            _check_scorecard_link(page)
            page.screenshot(path=str(ARTIFACTS / "scorecard.png"), full_page=True)
            scorecard = demo_dashboard.parent / "account.html"
            for account in ACCOUNTS:  # every named scorecard loads cleanly, hostile ones too
                page.goto(f"{scorecard.as_uri()}#{account_key(account[0])}")  # hashchange
                sync_api.expect(page.locator("#account-name")).to_have_text(account[1])
                sync_api.expect(page).to_have_title(f"{account[1]} \u2014 health scorecard")
            page.goto(f"{scorecard.as_uri()}#no-such-account")
            not_found = sync_api.expect(page.locator("#not-found"))
            not_found.to_contain_text("No account has the key no-such-account")
        finally:
            browser.close()
    assert problems == []


def _rows_of(page: Any, table: str) -> list[str]:
    return page.locator(f"{table} tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.accountKey)"
    )


def _check_portfolio(page: Any) -> None:
    for chart in ("#chart-distribution", "#chart-bands", "#chart-histogram", "#segments", "#arr"):
        shapes = page.locator(f"{chart} svg[role=img] > *").count()
        assert shapes > 3, f"{chart} rendered no SVG content"
        box = page.locator(f"{chart} svg[role=img]").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50, chart
    assert page.locator("#chart-bands svg [data-band=red]").count() == 1
    names = page.locator("#at-risk-table a.account-link").all_inner_texts()
    assert names[:2] == ["Acme Corp", SCRIPT_NAME]
    assert "passed" in page.locator("#dq-status").inner_text()
    assert page.locator("#run-at").inner_text() == "2026-07-01 06:15 UTC"


def _check_at_risk_paging(page: Any) -> None:
    expected = expected_demo_at_risk()
    pages = math.ceil(len(expected) / PAGE_SIZE)
    assert len(expected) > PAGE_SIZE
    assert _rows_of(page, "#at-risk-table") == expected[:PAGE_SIZE]
    assert page.locator("#at-risk-page").inner_text() == f"Page 1 of {pages}"
    assert page.locator("#at-risk-prev").is_disabled()
    page.click("#at-risk-next")
    assert _rows_of(page, "#at-risk-table") == expected[PAGE_SIZE : 2 * PAGE_SIZE]
    first = page.locator("#at-risk-table tbody tr td").first.inner_text()
    assert first == str(PAGE_SIZE + 1)  # rank numbers continue across pages
    page.click("#at-risk-prev")
    assert _rows_of(page, "#at-risk-table")[0] == "A1"


def _check_search_and_paging(page: Any) -> None:
    rows = "#account-directory tbody tr"
    pages = math.ceil(DEMO_ACCOUNTS / PAGE_SIZE)
    assert page.locator(rows).count() == PAGE_SIZE
    assert (
        page.locator("#search-count").inner_text() == f"{DEMO_ACCOUNTS} of {DEMO_ACCOUNTS} accounts"
    )
    assert page.locator("#directory-page").inner_text() == f"Page 1 of {pages}"
    seen = set(_rows_of(page, "#account-directory"))
    for _ in range(pages - 1):
        page.click("#directory-next")
        seen |= set(_rows_of(page, "#account-directory"))
    assert page.locator("#directory-next").is_disabled()
    assert len(seen) == DEMO_ACCOUNTS  # every account is on exactly one page
    page.fill("#account-search", "globex")
    assert page.locator(rows).count() == 1
    assert page.locator(rows).all_inner_texts()[0].startswith("Globex & Sons")
    assert page.locator("#directory-page").inner_text() == "Page 1 of 1"
    page.fill("#account-search", "alert(1)</script")
    assert page.locator(f"{rows} a").all_inner_texts() == [SCRIPT_NAME]
    page.fill("#account-search", "filler account 01")
    assert page.locator("#search-count").inner_text() == f"100 of {DEMO_ACCOUNTS} accounts"
    assert page.locator("#directory-page").inner_text() == "Page 1 of 2"
    page.click("#directory-next")
    assert page.locator(rows).count() == 50
    page.fill("#account-search", "")
    assert page.locator(rows).count() == PAGE_SIZE


def _check_scorecard_link(page: Any) -> None:
    page.locator("#at-risk-table a.account-link").nth(1).click()
    page.wait_for_load_state()
    assert page.url.endswith("/account.html#A2")
    assert page.locator("#account-name").inner_text() == SCRIPT_NAME
    assert page.locator(".component .score").all_inner_texts() == [
        "25.0",
        "40.0",
        "35.0",
        "45.0",
        "30.0",
    ]
    assert page.locator(".component.red").count() == 4  # growth: red below 45
    override = page.locator("#override").inner_text()
    assert "<b>Mallory</b>" in override and "trust me <script>x</script>" in override
    assert page.locator("#sparkline svg polyline").count() == 1
    assert page.locator("#metric-table tbody tr").count() == 10  # 5 components + 5 metrics
    assert "What active_days measures" in page.locator("#metric-table").inner_text()
    assert "90 days" in page.locator("#days-to-renewal").inner_text()
    assert page.locator("#drivers-table tbody tr").count() == 5
    page.locator("#back-link").click()
    page.wait_for_load_state()
    assert page.url.endswith("/index.html")
