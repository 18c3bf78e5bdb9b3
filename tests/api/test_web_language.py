"""One language at a time: every tab of the page walked in Chinese and in English, each answer shown,
and no internal identifier (a kind's or a link's name, a JSON key) on screen; the Chinese page shows no
English word, the English page's own words (headers, buttons, labels) no Chinese. Screenshots of every
tab in both languages go to ``test-artifacts/web/``."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from api.tokens import Role
from orggraph.model import LinkKind, NodeKind
from tests.api import test_web
from tests.api.conftest import pid
from tests.api.test_web import TOKENS, shot, sign_in, texts, wait

base_url = test_web.base_url

#: Identifiers: snake_case keys and kinds, UPPER_SNAKE and one-word link kinds.
SNAKE = re.compile(r"(?<![\w/.:-])[a-z]+(?:_[a-z0-9]+)+(?![\w-])")
LINKS = re.compile(r"\b(?:" + "|".join(sorted((k.value for k in LinkKind), key=len, reverse=True)) + r")\b")
#: An English word on the Chinese page (codes such as OC1 or P1/3号楼 hold digits and are not words).
WORD = re.compile(r"(?<![A-Za-z0-9_*-])[A-Za-z]{3,}(?![A-Za-z0-9_])")
ALLOWED_ON_THE_CHINESE_PAGE = {"English", "Excel", "App"}
CJK = re.compile(r"[\u4e00-\u9fff]")
#: The English page's own words: headers, buttons, labels, titles, legends, the node panel's names.
CHROME = (
    "th, button:not(#lang), label > span, h3[data-t], #children-title, h4 > span, .legend, #totals .ratio, #cases-totals .ratio, "
    "#proposal-counts .ratio, #node-panel dt, #import-counts td:first-child, .step .level, #page, #cases-page"
)


def leaks(driver: WebDriver, lang: str, data: frozenset[str] = frozenset()) -> list[str]:
    """What the page shows that it should not in ``lang`` (``data``: words of the data shown, not the page's)."""
    text: str = driver.execute_script("return document.body.innerText")
    found = SNAKE.findall(text) + LINKS.findall(text)
    found += [k.value for k in NodeKind if "_" in k.value and k.value in text]
    if lang == "zh":
        found += [w for w in WORD.findall(text) if w not in ALLOWED_ON_THE_CHINESE_PAGE | data]
    else:
        chrome: list[str] = driver.execute_script(
            f"return [...document.querySelectorAll({CHROME!r})].filter(e => e.offsetParent !== null)"
            ".map(e => e.cloneNode(true)).map(e => { e.querySelectorAll('b').forEach(b => b.remove()); return e.textContent; })"
        )
        found += [line for line in chrome if CJK.search(line)]
    return found


#: One headless Chromium for the module (``test_web.py``'s).
browser = test_web.module_browser


@pytest.fixture(scope="module")
def a_case(base_url: str) -> str:
    """A case reported at H2, so the cases tab has one to show."""
    whole, _ = TOKENS.add(Role.DISPATCHER, "D", expires=None, note="browser test: language")
    body = {"household": "H2", "category": "物业纠纷", "description": "楼道灯坏了", "source": "hotline"}
    answer = httpx.post(
        f"{base_url}/v1/cases",
        json=body,
        headers={"Authorization": f"Bearer {whole}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def tab(driver: WebDriver, view: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'#tabs button[data-view="{view}"]').click()
    wait(driver, ec.visibility_of_element_located((By.ID, view)))


def look_up(driver: WebDriver, kind: str, what: str) -> None:
    Select(driver.find_element(By.ID, "liaison-kind")).select_by_value(kind)
    driver.find_element(By.ID, "liaison-what").clear()
    driver.find_element(By.ID, "liaison-what").send_keys(what)
    driver.execute_script("document.getElementById('liaison-list').replaceChildren()")
    driver.find_element(By.CSS_SELECTOR, "#liaison-form button").click()
    wait(driver, lambda d: texts(d, "#liaison-list li") or d.find_element(By.ID, "liaison-error").text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_tab_speaks_one_language(browser: WebDriver, base_url: str, a_case: str, tmp_path: Path, lang: str) -> None:
    browser.get(base_url + "/static/app.css")
    browser.execute_script("localStorage.setItem('orggraph.lang', arguments[0])", lang)
    sign_in(browser, base_url, Role.ADMIN, "D")
    seen: dict[str, list[str]] = {}

    def check(where: str, data: frozenset[str] = frozenset()) -> None:
        found = leaks(browser, lang, data)
        if found:
            seen[where] = found

    # overview: the district, a street, a community with its findings, a finding's place and who must fix it
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="S1"]')))
    wait(browser, lambda d: d.find_element(By.ID, "chart-map").get_attribute("data-drawn"))
    check("overview")
    shot(browser, f"lang-{lang}-overview")
    browser.find_element(By.CSS_SELECTOR, '.tile[data-code="S1"]').click()
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '.tile[data-code="C1"]'))).click()  # type: ignore[attr-defined]
    wait(browser, lambda d: len(texts(d, "#breadcrumb li")) == 3 and texts(d, "#findings tbody tr"))
    browser.find_element(By.CSS_SELECTOR, "#findings tbody td:nth-child(3) a").click()
    wait(browser, lambda d: texts(d, "#node-panel dt"))
    check("overview: a finding's place")
    browser.find_element(By.CSS_SELECTOR, "#findings tbody td:nth-child(5) a").click()
    wait(browser, lambda d: texts(d, "#node-panel dt"))
    check("overview: who must fix it")
    shot(browser, f"lang-{lang}-community")

    browser.find_element(By.ID, "search-box").send_keys("幸福")  # the search box: results with their kinds
    wait(browser, lambda d: texts(d, "#search-results li"))
    check("search")
    shot(browser, f"lang-{lang}-search")
    browser.find_element(By.ID, "search-box").clear()
    browser.find_element(By.TAG_NAME, "h1").click()

    tab(browser, "escalation")
    browser.find_element(By.ID, "household").send_keys("H2")
    browser.find_element(By.CSS_SELECTOR, "#escalation-form button").click()
    wait(browser, lambda d: texts(d, "#path .step"))
    check("escalation")
    shot(browser, f"lang-{lang}-escalation")

    tab(browser, "liaison")
    for kind, what in (
        ("household", "H2"),
        ("building", "P1/3号楼"),
        ("member", pid("王芳")),
        ("unit", "U3"),
        ("community", "C1"),
    ):
        look_up(browser, kind, what)
        assert not browser.find_element(By.ID, "liaison-error").text, (kind, what)
        check(f"liaison: {kind}")
        if kind == "member":
            shot(browser, f"lang-{lang}-liaison")

    tab(browser, "cases")
    wait(browser, lambda d: a_case in texts(d, "#case-list tbody td:first-child"))
    browser.find_element(By.CSS_SELECTOR, f'#case-list tbody tr[data-case="{a_case}"]').click()
    wait(browser, lambda d: texts(d, "#case-timeline tbody tr"))
    wait(browser, lambda d: d.find_element(By.ID, "chart-cases").get_attribute("data-drawn"))
    check("cases")
    shot(browser, f"lang-{lang}-cases")

    tab(browser, "proposals")
    for kind in ("contacts", "liaison"):
        Select(browser.find_element(By.ID, "proposal-kind")).select_by_value(kind)
        browser.execute_script("document.getElementById('proposal-counts').replaceChildren()")
        browser.find_element(By.ID, "proposal-run").click()
        wait(browser, lambda d: texts(d, "#proposal-counts .ratio"))
        check(f"proposals: {kind}")
        shot(browser, f"lang-{lang}-proposals-{kind}")

    tab(browser, "imports")
    roster = tmp_path / "住户.csv"
    roster.write_text(
        "户编码,所属网格编码,小区,楼栋,单元,室\nH77,G1,P1,5号楼,1单元,177\nH78,NOGRID,P1,5号楼,1单元,178\n", encoding="utf-8"
    )
    browser.find_element(By.ID, "import-files").send_keys(str(roster))
    browser.find_element(By.ID, "import-partial").click()
    browser.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    wait(browser, lambda d: texts(d, "#import-rejections tbody tr"))
    check("imports", data=frozenset({"csv", "NOGRID"}))  # the file's name and the code it gave
    shot(browser, f"lang-{lang}-imports")

    assert seen == {}
