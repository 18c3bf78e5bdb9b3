"""The planners' page in a real browser: Debian's Chromium, headless, driven by Selenium, against the app
served by uvicorn on 127.0.0.1 over the API test world. Screenshots go to ``test-artifacts/web/``.

Without Chromium and its driver the tests are skipped, except in CI (``CI`` set), where they fail:
``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from python_calamine import CalamineWorkbook

from api.app import create_app
from api.tokens import Role, TokenBook
from orggraph.settings import Settings
from orggraph.store import GraphStore, MemoryStore
from tests.api.conftest import KEY, api_world
from tests.queries.test_escalation_world import PEOPLE

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium and chromium-driver (.ci/run installs them)", pytrace=False)
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ARTIFACTS = Path(os.environ.get("ORGGRAPH_TEST_ARTIFACTS", "test-artifacts")) / "web"
TOKENS = TokenBook(None)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    yield from serve(api_world(MemoryStore(KEY)))


def serve(store: GraphStore) -> Iterator[str]:
    """The app over ``store`` served by uvicorn on a free port of 127.0.0.1 (its tokens: :data:`TOKENS`)."""
    app = create_app(Settings(store=":memory:"), store=store, tokens=TOKENS)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def chromium(downloads: Path | None = None) -> WebDriver:
    """Headless Chromium as the page's tests drive it; downloads land in ``downloads`` when given."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    if downloads is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    if downloads is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(0)
    return driver


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    driver = chromium(tmp_path)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def module_browser() -> Iterator[WebDriver]:
    """One headless Chromium for a whole module (nothing is downloaded with it)."""
    driver = chromium()
    yield driver
    driver.quit()


def wait(driver: WebDriver, condition: object, seconds: float = 10) -> object:
    """Until ``condition`` holds; a page re-rendering meanwhile (stale elements) is waited out."""
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException]).until(condition)  # type: ignore[arg-type]


def shot(driver: WebDriver, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def sign_in(driver: WebDriver, base_url: str, role: Role, scope: str) -> None:
    whole, _ = TOKENS.add(role, scope, expires=None, note="browser test")
    driver.get(base_url + "/static/app.css")  # same origin, no script: forget a token kept from before
    driver.execute_script("sessionStorage.clear()")
    driver.get(base_url + "/")
    wait(driver, ec.element_to_be_clickable((By.ID, "token")))
    driver.find_element(By.ID, "token").send_keys(whole)
    shot(driver, "signin")
    driver.find_element(By.CSS_SELECTOR, "#signin-form button").click()
    wait(driver, ec.visibility_of_element_located((By.ID, "overview")))


def texts(driver: WebDriver, selector: str) -> list[str]:
    """The text of every element ``selector`` finds, read at once in the page (no stale elements)."""
    found: list[str] = driver.execute_script(f"return [...document.querySelectorAll({selector!r})].map(e => e.textContent)")
    return found


def crumbs(driver: WebDriver) -> list[str]:
    return texts(driver, "#breadcrumb li")


def test_a_planner_drills_down_two_levels_reads_the_findings_and_exports_them(
    browser: WebDriver, base_url: str, tmp_path: Path
) -> None:
    sign_in(browser, base_url, Role.PLANNER, "D")
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="S1"]')))
    assert crumbs(browser) == ["下花园区"]
    shot(browser, "overview-district")
    Select(browser.find_element(By.ID, "colour-by")).select_by_value("households_contacted")
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '.tile[data-code="S1"] .score').text == "33.3%")
    browser.find_element(By.CSS_SELECTOR, '.tile[data-code="S1"]').click()
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="C1"]')))
    browser.find_element(By.CSS_SELECTOR, '.tile[data-code="C1"]').click()
    wait(browser, lambda d: crumbs(d) == ["下花园区", "新华街道", "幸福社区"])
    wait(
        browser,
        lambda d: "户未联系" in d.find_element(By.ID, "findings").text or "联系" in d.find_element(By.ID, "findings").text,
    )
    shot(browser, "overview-community")
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="G1"]'))).click()  # type: ignore[attr-defined]
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="P1/5号楼"]')))
    assert crumbs(browser) == ["下花园区", "新华街道", "幸福社区", "第一网格"]
    shot(browser, "overview-grid")
    browser.find_element(By.CSS_SELECTOR, "#breadcrumb a").click()  # back to the district in one step
    wait(browser, lambda d: crumbs(d) == ["下花园区"])
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="S1"]'))).click()  # type: ignore[attr-defined]
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="C1"]'))).click()  # type: ignore[attr-defined]
    wait(browser, lambda d: crumbs(d) == ["下花园区", "新华街道", "幸福社区"])
    Select(browser.find_element(By.ID, "severity")).select_by_value("high")
    wait(browser, lambda d: set(texts(d, "#findings tbody td:first-child")) == {"高"})
    Select(browser.find_element(By.ID, "severity")).select_by_value("")
    wait(browser, lambda d: set(texts(d, "#findings tbody td:first-child")) != {"高"})
    browser.find_element(By.CSS_SELECTOR, "#findings tbody td:nth-child(5) a").click()  # who must fix it
    wait(browser, lambda d: "党组织" in d.find_element(By.ID, "node-panel").text)
    assert "party_org" not in browser.find_element(By.ID, "node-panel").text  # the kind's name, not its identifier
    shot(browser, "finding-responsible")
    browser.find_element(By.ID, "export").click()
    wait(browser, lambda _: any(p.suffix == ".xlsx" for p in tmp_path.iterdir()))
    download = next(p for p in tmp_path.iterdir() if p.suffix == ".xlsx")
    time.sleep(0.5)  # the file is renamed into place when complete
    rows = CalamineWorkbook.from_path(str(download)).get_sheet_by_index(0).to_python()
    assert len(rows) > 1
    assert any("household-uncontacted" in str(row) for row in rows)
    browser.find_element(By.ID, "lang").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#tabs button").text == "Coverage")
    shot(browser, "overview-community-en")


def test_a_dispatcher_follows_an_escalation_path(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "S1")
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="escalation"]').click()
    wait(browser, lambda d: len(Select(d.find_element(By.ID, "category")).options) > 1)
    browser.find_element(By.ID, "household").send_keys("幸福里小区3号楼2单元502室")
    Select(browser.find_element(By.ID, "category")).select_by_value("物业纠纷")
    browser.find_element(By.CSS_SELECTOR, "#escalation-form button").click()
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "#path .step")))
    steps = [s.text for s in browser.find_elements(By.CSS_SELECTOR, "#path .step:not(.skipped)")]
    assert "王芳" in steps[0]
    assert "13800130001" in steps[0]  # a dispatcher reaches the contacting member
    assert any("孙伟" in s for s in steps)
    shot(browser, "escalation")
    masked = PEOPLE["王芳"][0][:4] + "*" * 10 + PEOPLE["王芳"][0][-4:]  # a member, by masked ID number: their home
    browser.find_element(By.ID, "household").clear()
    browser.find_element(By.ID, "household").send_keys(masked)
    browser.find_element(By.CSS_SELECTOR, "#escalation-form button").click()
    wait(browser, lambda d: "3号楼2单元501" in d.find_element(By.CSS_SELECTOR, "#path h3").text)


def test_a_street_planner_sees_nothing_of_another_street(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.PLANNER, "S1")
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="C1"]')))
    assert crumbs(browser) == ["新华街道"]
    assert [t.get_attribute("data-code") for t in browser.find_elements(By.CSS_SELECTOR, ".tile")] == ["C1"]
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "建设街道" not in page
    assert "和平" not in page
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="escalation"]').click()
    browser.find_element(By.ID, "household").send_keys("H9")
    wait(browser, lambda d: len(Select(d.find_element(By.ID, "category")).options) > 1)
    browser.find_element(By.CSS_SELECTOR, "#escalation-form button").click()
    wait(browser, lambda d: d.find_element(By.ID, "escalation-error").text)
    assert "H9" in browser.find_element(By.ID, "escalation-error").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#path .step")
    shot(browser, "other-street")


def visible_tabs(driver: WebDriver) -> list[str]:
    found: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('#tabs button')].filter(b => !b.hidden).map(b => b.dataset.view)"
    )
    return found


def test_a_viewer_is_offered_the_overview_and_the_cases_metrics_only(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.VIEWER, "S1")
    assert visible_tabs(browser) == ["overview", "cases"]
    assert "查看" in browser.find_element(By.ID, "whoami").text
    assert not browser.find_element(By.ID, "export").is_displayed()  # a planner's: not offered to be refused


OVERLAPS = """
const boxes = [...document.querySelectorAll('#graph text')].map(t => t.getBBox());
const hits = [];
boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
  if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) hits.push([a, b]);
}));
return [boxes.length, hits.length];
"""


def test_the_liaison_graph_lays_its_labels_out_without_overlaps(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "D")
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="liaison"]').click()
    for count in (3, 9, 24):  # one column, two, and as many as are drawn
        label = "联系人{}号 · 幸福里小区3号楼2单元50{}室"
        around = [{"kind": "person", "label": label.format(i, i), "role": "联系户（1+10）"} for i in range(count)]
        browser.execute_script("drawGraph('幸福里小区3号楼2单元502室 · 一个很长的地址用来测试', arguments[0])", around)
        labels, overlaps = browser.execute_script(OVERLAPS)
        assert labels == 2 * count + 1
        assert overlaps == 0, count
    shot(browser, "liaison-graph-24")


def test_liaison_search_draws_who_serves_a_household(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "C1")
    assert visible_tabs(browser) == ["overview", "escalation", "liaison", "cases"]
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="liaison"]').click()
    browser.find_element(By.ID, "liaison-what").send_keys("H2")
    browser.find_element(By.CSS_SELECTOR, "#liaison-form button").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#graph circle")) > 3)
    assert any("王芳" in line for line in texts(browser, "#liaison-list li"))
    shot(browser, "liaison")
    Select(browser.find_element(By.ID, "liaison-kind")).select_by_value("building")
    browser.find_element(By.ID, "liaison-what").clear()
    browser.find_element(By.ID, "liaison-what").send_keys("P1/3号楼")
    browser.find_element(By.CSS_SELECTOR, "#liaison-form button").click()
    wait(browser, lambda d: any("李强" in line and "楼栋党小组长" in line for line in texts(d, "#liaison-list li")))
    Select(browser.find_element(By.ID, "liaison-kind")).select_by_value("unit")
    browser.find_element(By.ID, "liaison-what").clear()
    browser.find_element(By.ID, "liaison-what").send_keys("U3")
    browser.find_element(By.CSS_SELECTOR, "#liaison-form button").click()
    wait(browser, lambda d: any("法律共建项目" in line for line in texts(d, "#liaison-list li")))


def test_a_planner_sees_a_proposal_and_downloads_its_roster(browser: WebDriver, base_url: str, tmp_path: Path) -> None:
    sign_in(browser, base_url, Role.PLANNER, "C1")
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="proposals"]').click()
    browser.find_element(By.ID, "proposal-run").click()
    wait(browser, lambda d: texts(d, "#proposal-table tbody tr"))
    shot(browser, "proposals")
    browser.find_element(By.ID, "proposal-roster").click()  # the 联系户 roster names members by person code
    wait(browser, lambda _: any(p.suffix == ".xlsx" for p in tmp_path.iterdir()))
    Select(browser.find_element(By.ID, "proposal-kind")).select_by_value("liaison")
    browser.find_element(By.ID, "proposal-roster").click()
    wait(browser, lambda d: "管理员" in d.find_element(By.ID, "proposal-status").text)  # whole ID numbers: admin only


def test_an_importer_dry_runs_a_roster_then_applies_it(browser: WebDriver, base_url: str, tmp_path: Path) -> None:
    roster = tmp_path / "住户.csv"
    roster.write_text(
        "户编码,所属网格编码,小区,楼栋,单元,室\nH77,G1,P1,5号楼,1单元,177\nH78,NOGRID,P1,5号楼,1单元,178\n", encoding="gb18030"
    )
    sign_in(browser, base_url, Role.IMPORTER, "C1")
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="imports"]').click()
    browser.find_element(By.ID, "import-files").send_keys(str(roster))
    browser.find_element(By.ID, "import-partial").click()
    browser.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    wait(browser, lambda d: texts(d, "#import-rejections tbody tr"))
    assert not browser.find_element(By.ID, "import-apply").is_enabled()  # atomic: a rejected row stops it
    shot(browser, "import-dry-run")
    browser.find_element(By.ID, "import-best").click()
    browser.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    wait(browser, lambda d: d.find_element(By.ID, "import-apply").is_enabled())
    browser.find_element(By.ID, "import-apply").click()
    wait(browser, lambda d: "已写入" in d.find_element(By.ID, "import-verdict").text)  # the page speaks Chinese
    shot(browser, "import-applied")


def test_the_map_drills_from_the_district_to_a_communitys_grids_and_the_charts_are_drawn(
    browser: WebDriver, base_url: str
) -> None:
    sign_in(browser, base_url, Role.VIEWER, "D")
    for chart in ("chart-bars", "chart-map"):
        wait(browser, lambda d, c=chart: d.find_element(By.ID, c).get_attribute("data-drawn"))
    wait(browser, lambda d: d.find_element(By.ID, "chart-trend").get_attribute("data-drawn") == "trend:D")
    legend = texts(browser, "#legend .swatch")
    assert legend[0] == "< 60%"
    assert len(legend) == 6  # five bands and "nothing to count"
    root = "return echarts.getInstanceByDom(document.getElementById('chart-map')).getModel().getSeriesByIndex(0).getViewRoot()"
    browser.execute_script("document.getElementById('chart-map').zoomInto('S1')")
    wait(browser, lambda d: d.find_element(By.ID, "chart-map").get_attribute("data-drawn") == "map:S1")
    assert browser.execute_script(root + ".name") == "新华街道"
    browser.execute_script("document.getElementById('chart-map').zoomInto('C1')")  # its grids are asked for now
    wait(browser, lambda d: d.find_element(By.ID, "chart-map").get_attribute("data-drawn") == "map:C1")
    assert browser.execute_script(root + ".name") == "幸福社区"
    assert "第一网格" in browser.execute_script(root + ".children.map(c => c.name)")
    assert crumbs(browser) == ["下花园区"]  # the map drills by itself; the page stays where it is
    shot(browser, "overview-map-community")


def test_charts_drawn_while_their_tab_was_hidden_fill_their_box_when_it_is_shown(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "D")
    wait(browser, lambda d: d.find_element(By.ID, "chart-bars").get_attribute("data-drawn"))
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="escalation"]').click()
    browser.set_window_size(1100, 900)  # the hidden charts are fitted to boxes of no size …
    browser.find_element(By.ID, "lang").click()  # … and drawn again, hidden
    browser.find_element(By.ID, "lang").click()
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="overview"]').click()
    width = "return echarts.getInstanceByDom(document.getElementById(arguments[0])).getWidth()"
    for chart in ("chart-bars", "chart-map"):
        box = browser.execute_script(f"return document.getElementById('{chart}').clientWidth")
        assert browser.execute_script(width, chart) == box
        assert browser.execute_script(width, chart) > 100
    browser.set_window_size(1280, 1000)
