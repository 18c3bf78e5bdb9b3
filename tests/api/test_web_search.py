"""The page's search box (查找, ``search.js``) in a real browser (Debian's Chromium, headless, driven by
Selenium), with the server, sign-in and helpers of ``tests/api/test_web.py``: results listed as one
types, kinds named in the page's language only, a choice opened in the liaison tab or the overview,
the box offered to a dispatcher and above only. Screenshots go to ``test-artifacts/web/``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec

from api.tokens import Role
from orggraph.model.kinds import NodeKind
from tests.api import test_web
from tests.api.test_web import chromium, shot, sign_in, texts, wait
from tests.queries.test_escalation_world import PEOPLE

#: This module's own server over the API test world (a module-scoped fixture of ``test_web.py``).
base_url = test_web.base_url

#: Internal names no label may show (the kinds' identifiers, in either case).
RAW = {k.value for k in NodeKind} | {k.label for k in NodeKind}


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = chromium()
    yield driver
    driver.quit()


def type_in(driver: WebDriver, text: str) -> None:
    box = driver.find_element(By.ID, "search-box")
    box.clear()
    box.send_keys(text)


def results(driver: WebDriver) -> list[str]:
    return texts(driver, "#search-results li")


def kinds(driver: WebDriver) -> list[str]:
    return texts(driver, "#search-results li .kind")


def test_a_dispatcher_finds_a_household_by_its_address_and_opens_its_liaison(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "D")
    wait(browser, ec.visibility_of_element_located((By.ID, "search-box")))
    assert browser.find_element(By.ID, "search-box").get_attribute("placeholder") == "查找：姓名、编码、地址、身份证号"
    type_in(browser, "幸福社区幸福里小区3号楼2单元502")
    wait(browser, lambda d: any("幸福里小区3号楼2单元502室" in r for r in results(d)))
    assert kinds(browser)[0] == "户"
    shot(browser, "search-address")
    browser.find_element(By.CSS_SELECTOR, "#search-results li[data-kind=household]").click()
    wait(browser, ec.visibility_of_element_located((By.ID, "liaison")))
    wait(browser, lambda d: "王芳" in d.find_element(By.ID, "liaison-list").text)
    assert browser.find_element(By.ID, "liaison-what").get_attribute("value") == "H2"
    assert browser.find_element(By.ID, "search-results").get_attribute("hidden") is not None


def test_a_name_lists_as_one_types_and_the_keyboard_opens_a_member(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "D")
    type_in(browser, "王")
    wait(browser, lambda d: any("王芳" in r for r in results(d)))
    line = next(r for r in results(browser) if "王芳" in r)
    masked = PEOPLE["王芳"][0][:4] + "*" * 10 + PEOPLE["王芳"][0][-4:]
    assert masked in line
    assert PEOPLE["王芳"][0] not in browser.page_source
    browser.find_element(By.ID, "search-box").send_keys("芳", Keys.ARROW_DOWN, Keys.ENTER)
    wait(browser, ec.visibility_of_element_located((By.ID, "liaison")))
    wait(browser, lambda d: "3号楼2单元502" in d.find_element(By.ID, "liaison-list").text)  # the household 王芳 contacts
    assert browser.find_element(By.ID, "liaison-kind").get_attribute("value") == "member"


def test_kinds_are_named_in_the_pages_language_only(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "D")
    type_in(browser, "幸福")
    wait(browser, lambda d: len(kinds(d)) > 3)
    chinese = set(kinds(browser))
    assert chinese <= {k.zh for k in NodeKind}
    assert not chinese & RAW
    browser.find_element(By.ID, "lang").click()
    type_in(browser, "幸福社")
    wait(browser, lambda d: kinds(d) and all(k.isascii() for k in kinds(d)))
    english = set(kinds(browser))
    assert "community" in english  # the English word, not NodeKind's value standing in for it
    assert not {k for k in english if k in {n.label for n in NodeKind}}
    assert browser.find_element(By.ID, "search-box").get_attribute("placeholder").startswith("Find")
    wait(browser, ec.visibility_of_element_located((By.ID, "search-results")))
    shot(browser, "search-en")
    type_in(browser, "zzzz")
    wait(browser, lambda d: results(d) == ["Nothing found"])
    browser.find_element(By.ID, "lang").click()  # back to Chinese for the tests that follow


def test_a_street_is_opened_in_the_overview(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "D")
    type_in(browser, "新华街道")
    wait(browser, lambda d: "街道" in kinds(d))
    browser.find_element(By.CSS_SELECTOR, "#search-results li[data-kind=street]").click()
    wait(browser, lambda d: texts(d, "#breadcrumb li") == ["下花园区", "新华街道"])
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="C1"]')))


def test_a_community_dispatcher_finds_nothing_outside_and_a_viewer_has_no_box(browser: WebDriver, base_url: str) -> None:
    sign_in(browser, base_url, Role.DISPATCHER, "C2")
    type_in(browser, "幸福里小区")
    wait(browser, lambda d: results(d) == ["没有找到"])
    sign_in(browser, base_url, Role.VIEWER, "D")
    assert not browser.find_element(By.ID, "search").is_displayed()
