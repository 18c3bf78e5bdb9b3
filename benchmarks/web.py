"""The planners' page's budgets (issue: web page), in Debian's Chromium (headless, Selenium) against
``orggraph serve`` over the generated district in an embedded store, both on this machine.

* ``overview_s`` — from pressing "sign in" (a planner token of the whole district) until the district's
  streets are drawn with their ratios;
* ``drill_street_ms`` / ``drill_community_ms`` — from clicking a street's (then a community's) tile
  until its communities (its grids) and its findings are shown;
* ``export_street_s`` — from pressing "export" on a street until the .xlsx of its findings is saved;
* ``map_drill_street_ms`` / ``map_drill_community_ms`` — from asking the treemap to drill into a street
  (its communities are in the summary) and then into one of its communities (its grids are fetched)
  until the chart has drawn it;
* ``trend_district_s`` / ``trend_street_s`` — from signing in (from clicking a street's tile) until the
  twelve month-end trend of the district (the street) is drawn; the ``_first`` figures are the first
  run's, when the server computes it; ``trend_street_again_ms`` — the street's trend asked again.

The overview counts as shown when the streets' tiles, the bars and the treemap are drawn.

Needs ``chromium`` and ``chromium-driver`` (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from api.tokens import Role, TokenBook
from benchmarks.api import Server, _build
from benchmarks.measure import rounded
from orggraph.generator import Scale


def _browser(downloads: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which("chromium"))
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(str(shutil.which("chromedriver"))), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def _until(driver: Any, script: str, timeout: float = 120) -> float:
    """Seconds until ``script`` (JavaScript returning a truthy value) holds, polled every 5 ms."""
    started = time.perf_counter()
    while not driver.execute_script(script):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(script)
        time.sleep(0.005)
    return time.perf_counter() - started


STREET_SHOWN = (
    "return document.querySelectorAll('#breadcrumb li').length === 2 && document.querySelectorAll('.tile').length > 0"
    " && document.querySelector('#page').textContent.length > 0"
)


DRAWN = "return document.getElementById(arguments[0]).dataset.drawn === arguments[1]"


def _until_drawn(driver: Any, chart: str, mark: str, timeout: float = 600) -> float:
    """Seconds until the chart ``chart`` says it has drawn ``mark`` (charts.js sets ``data-drawn``)."""
    started = time.perf_counter()
    while not driver.execute_script(DRAWN, chart, mark):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{chart} never drew {mark}")
        time.sleep(0.005)
    return time.perf_counter() - started


def _one_run(driver: Any, base: str, token: str, downloads: Path, district: str, streets: list[str]) -> dict[str, float]:
    driver.get(base + "/static/app.css")
    driver.execute_script("sessionStorage.clear()")
    driver.get(base + "/")
    _until(driver, "return document.getElementById('token') !== null")
    driver.execute_script("document.getElementById('token').value = arguments[0]", token)
    started = time.perf_counter()
    driver.execute_script("document.querySelector('#signin-form button').click()")
    _until(driver, f"return document.querySelectorAll('.tile').length === {len(streets)}")
    _until(driver, "return ['chart-bars', 'chart-map'].every(id => document.getElementById(id).dataset.drawn !== undefined)")
    overview = time.perf_counter() - started
    _until_drawn(driver, "chart-trend", f"trend:{district}")
    trend_district = time.perf_counter() - started
    street_code = streets[0]
    community = driver.execute_script("return state.summary.communities.find(c => c.street === arguments[0]).code", street_code)
    started = time.perf_counter()
    driver.execute_script("document.getElementById('chart-map').zoomInto(arguments[0])", street_code)
    _until_drawn(driver, "chart-map", f"map:{street_code}")
    map_street = time.perf_counter() - started
    started = time.perf_counter()
    driver.execute_script("document.getElementById('chart-map').zoomInto(arguments[0])", community)  # its grids fetched
    _until_drawn(driver, "chart-map", f"map:{community}")
    map_community = time.perf_counter() - started
    started = time.perf_counter()
    driver.execute_script(f"document.querySelector('.tile[data-code=\"{street_code}\"]').click()")
    street = _until(driver, STREET_SHOWN)
    _until_drawn(driver, "chart-trend", f"trend:{street_code}")
    trend_street = time.perf_counter() - started
    for saved in downloads.iterdir():
        saved.unlink()  # Chrome saves the next export under the same name
    driver.find_element("id", "export").click()  # a real click: a download needs a user's gesture
    started = time.perf_counter()
    while not any(p.suffix == ".xlsx" for p in downloads.iterdir()):
        if time.perf_counter() - started > 120:
            status = driver.execute_script("return document.getElementById('export-status').textContent")
            names = sorted(p.name for p in downloads.iterdir())
            raise TimeoutError(f"the export saved no file in 120 s; the page says: {status!r}; saved: {names}")
        time.sleep(0.01)
    export = time.perf_counter() - started
    driver.execute_script("document.querySelector('.tile').click()")
    community_drill = _until(
        driver, "return document.querySelectorAll('#breadcrumb li').length === 3 && document.querySelectorAll('.tile').length > 0"
    )
    driver.execute_script("document.querySelector('#breadcrumb a').click()")  # back to the district
    _until(driver, "return document.querySelectorAll('#breadcrumb li').length === 1")
    started = time.perf_counter()
    driver.execute_script(f"document.querySelector('.tile[data-code=\"{street_code}\"]').click()")
    _until_drawn(driver, "chart-trend", f"trend:{street_code}")
    trend_street_again = time.perf_counter() - started
    return {
        "overview_s": overview,
        "drill_street_ms": street * 1000,
        "export_street_s": export,
        "drill_community_ms": community_drill * 1000,
        "map_drill_street_ms": map_street * 1000,
        "map_drill_community_ms": map_community * 1000,
        "trend_district_s": trend_district,
        "trend_street_s": trend_street,
        "trend_street_again_ms": trend_street_again * 1000,
    }


def run(scale: Scale, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"suite": "web", "scale": scale.value, "repeat": repeat}
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        figures["skipped"] = "chromium and chromium-driver are not installed"
        return figures
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store, _, district, _, streets = _build(folder, scale)
        planner, _ = TokenBook(Path(str(store) + ".tokens")).add(Role.PLANNER, district, expires=None, note="benchmark")
        server = Server(store, 1)
        downloads = folder / "downloads"
        downloads.mkdir()
        driver = None
        try:
            server.wait_warm(planner, "/v1/coverage/summary")
            driver = _browser(downloads)
            runs = [_one_run(driver, server.base, planner, downloads, district, streets) for _ in range(repeat)]
        finally:
            if driver is not None:
                driver.quit()
            server.stop()
    for key in runs[0]:
        figures[key] = rounded(statistics.median(r[key] for r in runs), 3)
    # a trend is computed once per store revision and area: only the first run asks for it the first time
    figures["trend_district_first_s"] = rounded(runs[0]["trend_district_s"], 3)
    figures["trend_street_first_s"] = rounded(runs[0]["trend_street_s"], 3)
    figures["runs"] = [{k: rounded(v, 3) for k, v in r.items()} for r in runs]
    figures["budgets"] = {
        "overview_s": "<= 1.5",
        "drill_street_ms": "<= 300",
        "drill_community_ms": "<= 300",
        "export_street_s": "<= 2",
        "map_drill_street_ms": "<= 300",
        "map_drill_community_ms": "<= 300",
        "trend_district_first_s": "<= 3",
        "trend_street_first_s": "<= 3",
        "trend_street_again_ms": "<= 300",
    }
    return figures
