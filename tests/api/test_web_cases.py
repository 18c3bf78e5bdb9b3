"""The page's 事件 (Cases) tab in a real browser (Debian's Chromium, headless, driven by Selenium), with the
server, sign-in and helpers of ``tests/api/test_web.py``: report a case from the form, open it, move it on
to 办结 by the buttons its status allows, see overdue cases marked and filtered, read the rates per
community; a viewer reads the metrics and is told why the list is not theirs; markup stays text.

One browser and one server for the module; the cases the tests make accumulate in it, so each test makes
its own and looks for them by id. Screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

import api.service
from api.tokens import Role
from tests.api import test_web
from tests.api.test_web import TOKENS, shot, sign_in, texts, wait

#: This module's own server over the API test world (a module-scoped fixture of ``test_web.py``).
base_url = test_web.base_url

MARKUP = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module", autouse=True)
def no_clock() -> Iterator[None]:
    """The server's case clock does not tick while the module runs: an overdue case stays as reported."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api.service, "TICK_EVERY", 10**9)
        yield


#: One headless Chromium for the module (``test_web.py``'s).
browser = test_web.module_browser


@pytest.fixture(scope="module")
def desk(base_url: str) -> Iterator[httpx.Client]:
    """The API as a district dispatcher, to set cases up."""
    whole, _ = TOKENS.add(Role.DISPATCHER, "D", expires=None, note="browser test: cases")
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {whole}"}, timeout=10) as client:
        yield client


def report(desk: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"household": "H2", "category": "物业纠纷", "description": "楼道漏水", "source": "hotline", **fields}
    answer = desk.post("/v1/cases", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


def open_tab(driver: WebDriver, base_url: str, role: Role, scope: str = "D") -> None:
    """Signed in (in Chinese) with a new token of ``role``, on the 事件 tab."""
    driver.get(base_url + "/static/app.css")
    driver.execute_script("localStorage.clear()")  # the language a test switched to
    sign_in(driver, base_url, role, scope)
    driver.find_element(By.CSS_SELECTOR, '#tabs button[data-view="cases"]').click()
    wait(driver, ec.visibility_of_element_located((By.ID, "cases")))


def status(driver: WebDriver) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, "#case-detail h3 .status").text)


def actions(driver: WebDriver) -> list[str]:
    found: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('#case-actions button')].map(b => b.dataset.event)"
    )
    return found


def listed(driver: WebDriver) -> list[str]:
    found: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('#case-list tbody tr[data-case]')].map(r => r.dataset.case)"
    )
    return found


def timeline(driver: WebDriver) -> list[str]:
    return texts(driver, "#case-timeline tbody td:nth-child(2)")


def test_a_dispatcher_reports_a_case_and_moves_it_on_to_resolved(browser: WebDriver, base_url: str, desk: httpx.Client) -> None:
    before = desk.get("/v1/cases").json()["total"]
    open_tab(browser, base_url, Role.DISPATCHER)
    wait(browser, lambda d: len(Select(d.find_element(By.ID, "case-category")).options) > 1)
    browser.find_element(By.ID, "case-where").send_keys("幸福里小区3号楼2单元502室")
    Select(browser.find_element(By.ID, "case-category")).select_by_value("物业纠纷")
    Select(browser.find_element(By.ID, "case-source")).select_by_value("walk_in")
    browser.find_element(By.ID, "case-contact").send_keys("139 1234 5678")
    browser.find_element(By.ID, "case-description").send_keys("楼道漏水，三天未修")
    shot(browser, "cases-report")
    # a double click
    browser.execute_script("const b = document.querySelector('#case-form button[type=submit]'); b.click(); b.click();")
    wait(browser, lambda d: "已登记" in d.find_element(By.ID, "case-form-status").text)
    case = browser.find_element(By.CSS_SELECTOR, "#case-detail h3").text.split(" · ")[0]
    assert case in browser.find_element(By.ID, "case-form-status").text
    wait(browser, lambda d: case in listed(d))
    assert desk.get("/v1/cases").json()["total"] == before + 1  # one case for the double click

    browser.find_element(By.CSS_SELECTOR, f'#case-list tr[data-case="{case}"]').click()  # open it from the list
    wait(browser, lambda d: timeline(d) == ["立案派单"])
    assert status(browser) == "派单"
    assert actions(browser) == ["accept", "hand_on"]  # no 办结 while dispatched: a wrong move cannot be made
    detail = browser.find_element(By.ID, "case-detail").text
    assert "楼道漏水，三天未修" in detail
    assert "幸福里小区3号楼2单元502室" in detail
    assert "来访" in detail
    assert "139****5678" in detail
    current = texts(browser, "#case-path .step.current")
    assert len(current) == 1
    assert "当前" in current[0]
    assert "王芳" in current[0]
    assert "王芳" in browser.find_element(By.CSS_SELECTOR, "#case-timeline tbody tr td:nth-child(3)").text
    shot(browser, "cases-dispatched")

    browser.find_element(By.ID, "case-note").send_keys("<b>收到</b>")
    browser.find_element(By.CSS_SELECTOR, '#case-actions button[data-event="accept"]').click()
    wait(browser, lambda d: status(d) == "已受理")
    assert timeline(browser) == ["立案派单", "受理"]
    assert "<b>收到</b>" in texts(browser, "#case-timeline tbody tr:nth-child(2) td")[3]  # a note is text, not markup
    assert actions(browser) == ["act", "resolve", "hand_on"]
    browser.find_element(By.CSS_SELECTOR, '#case-actions button[data-event="act"]').click()
    wait(browser, lambda d: status(d) == "处置中")
    assert timeline(browser) == ["立案派单", "受理", "开始处置"]
    assert actions(browser) == ["resolve", "hand_on"]
    browser.find_element(By.CSS_SELECTOR, '#case-actions button[data-event="resolve"]').click()
    wait(browser, lambda d: status(d) == "已办结")
    assert timeline(browser) == ["立案派单", "受理", "开始处置", "办结"]
    assert actions(browser) == ["rate", "close", "reopen"]
    wait(browser, lambda d: case not in listed(d))  # the list of open cases is refreshed
    shot(browser, "cases-resolved")
    Select(browser.find_element(By.ID, "case-rating")).select_by_value("basically")
    browser.find_element(By.CSS_SELECTOR, '#case-actions button[data-event="rate"]').click()
    wait(browser, lambda d: status(d) == "已结案")
    assert "基本满意" in texts(browser, "#case-timeline tbody tr:last-child td")[3]
    assert actions(browser) == ["reopen"]  # rated: not again


def test_an_overdue_case_is_marked_and_the_toggle_shows_only_those(browser: WebDriver, base_url: str, desk: httpx.Client) -> None:
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    late = report(desk, household="H1", reported_at=earlier, description="路灯不亮")["id"]
    fresh = report(desk, household="H4", description="垃圾未清")["id"]
    open_tab(browser, base_url, Role.DISPATCHER)
    wait(browser, lambda d: {late, fresh} <= set(listed(d)))
    row = browser.find_element(By.CSS_SELECTOR, f'#case-list tr[data-case="{late}"]')
    assert "overdue" in (row.get_attribute("class") or "")
    assert "超时" in row.text  # the word, not only the colour
    assert "超时" not in browser.find_element(By.CSS_SELECTOR, f'#case-list tr[data-case="{fresh}"]').text
    shot(browser, "cases-overdue")
    browser.find_element(By.ID, "cases-overdue").click()
    wait(browser, lambda d: fresh not in listed(d))
    assert late in listed(browser)
    assert all("超时" in line for line in texts(browser, "#case-list tbody tr"))
    browser.find_element(By.CSS_SELECTOR, f'#case-list tr[data-case="{late}"]').click()
    wait(browser, lambda d: status(d) == "派单")
    assert "超时" in browser.find_element(By.CSS_SELECTOR, "#case-detail h3").text
    browser.find_element(By.ID, "cases-overdue").click()
    wait(browser, lambda d: fresh in listed(d))
    browser.find_element(By.ID, "lang").click()  # the English beside it
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '#tabs button[data-view="cases"]').text == "Cases")
    assert "overdue" in browser.find_element(By.CSS_SELECTOR, f'#case-list tr[data-case="{late}"]').text
    assert "Overdue only" in browser.find_element(By.ID, "cases").text
    assert browser.find_element(By.CSS_SELECTOR, '#case-actions button[data-event="accept"]').text == "Accept"


def test_the_metrics_rank_the_communities_with_their_rates(browser: WebDriver, base_url: str, desk: httpx.Client) -> None:
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    report(desk, household="H2", reported_at=earlier, description="电梯故障")
    other = report(desk, household="H9", description="噪音扰民")["id"]  # 和平社区, nothing overdue there
    metrics = desk.get("/v1/cases/metrics").json()
    names = [c["name"] for c in sorted(metrics["communities"], key=lambda c: (-c["overdue_now"], c["score"]))]
    assert len(names) == 2
    open_tab(browser, base_url, Role.DISPATCHER)
    # most overdue first, then the lowest score
    wait(browser, lambda d: texts(d, "#cases-communities tbody td:first-child") == names)
    assert names[0] == "幸福社区"
    here = next(c for c in metrics["communities"] if c["name"] == "幸福社区")
    first = texts(browser, "#cases-communities tbody tr:first-child td")
    assert first[1] == f"{here['overdue_now']} 超时"
    assert first[2] == str(here["received"])
    assert [cell.endswith("%") for cell in first[3:6]] == [v is not None for v in here["rates"].values()]
    assert first[6] == f"{here['score']:g}" or abs(float(first[6]) - here["score"]) < 0.06
    headers = texts(browser, "#cases-communities thead th")
    assert headers[3:7] == ["响应率", "解决率", "满意率", "得分"]
    totals = browser.find_element(By.ID, "cases-totals").text
    assert "权重" in totals
    assert "10/50/40" in totals
    assert "当前超时" in totals
    assert str(metrics["received"]) in totals
    shot(browser, "cases-metrics")
    browser.find_element(By.XPATH, f'//table[@id="cases-communities"]//a[text()="{names[1]}"]').click()  # its cases only
    wait(browser, lambda d: listed(d) == [other])
    assert names[1] in browser.find_element(By.ID, "cases-area").text
    browser.find_element(By.CSS_SELECTOR, "#cases-area a").click()
    wait(browser, lambda d: len(listed(d)) > 1)


def test_a_viewer_reads_the_metrics_and_is_told_the_list_is_not_theirs(
    browser: WebDriver, base_url: str, desk: httpx.Client
) -> None:
    report(desk, household="H2", description="占道经营")
    open_tab(browser, base_url, Role.VIEWER)
    wait(browser, lambda d: "幸福社区" in texts(d, "#cases-communities tbody td:first-child"))
    wait(browser, lambda d: d.find_element(By.ID, "cases-error").text)
    message = browser.find_element(By.ID, "cases-error").text
    assert "dispatcher" in message
    assert "无权" in message
    assert not browser.find_element(By.ID, "case-list").is_displayed()
    assert not browser.find_element(By.ID, "case-report").is_displayed()
    assert "权重" in browser.find_element(By.ID, "cases-totals").text
    shot(browser, "cases-viewer")


def test_markup_in_a_description_is_shown_as_text(browser: WebDriver, base_url: str, desk: httpx.Client) -> None:
    case = report(desk, household="H2", description=f"楼下{MARKUP}")["id"]
    open_tab(browser, base_url, Role.DISPATCHER)
    wait(browser, lambda d: case in listed(d))
    browser.find_element(By.CSS_SELECTOR, f'#case-list tr[data-case="{case}"]').click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#case-detail .description").text == f"楼下{MARKUP}")
    assert not browser.find_elements(By.CSS_SELECTOR, "#cases img")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    shot(browser, "cases-markup")


def test_a_move_someone_else_made_first_is_refused_in_chinese(browser: WebDriver, base_url: str, desk: httpx.Client) -> None:
    case = report(desk, household="H4", description="井盖松动")["id"]
    open_tab(browser, base_url, Role.DISPATCHER)
    wait(browser, lambda d: case in listed(d))
    browser.find_element(By.CSS_SELECTOR, f'#case-list tr[data-case="{case}"]').click()
    wait(browser, lambda d: actions(d) == ["accept", "hand_on"])
    assert desk.post(f"/v1/cases/{case}/events", json={"type": "accept"}).status_code == 200  # another desk, first
    browser.find_element(By.CSS_SELECTOR, '#case-actions button[data-event="accept"]').click()
    wait(browser, lambda d: "不能受理" in d.find_element(By.ID, "case-action-error").text)
    assert status(browser) == "已受理"  # shown as it is now, with the moves it allows
    assert actions(browser) == ["act", "resolve", "hand_on"]
    shot(browser, "cases-conflict")
