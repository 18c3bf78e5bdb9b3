"""The import tab's blank rosters (名册模板) in a real browser (Debian's Chromium, headless, driven by
Selenium), with the server, sign-in and helpers of ``tests/api/test_web.py``: one download per roster kind,
labelled in the page's language, saved with its Chinese file name. Screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from api.tokens import Role
from importers.readers import read_file
from importers.rosters import COLUMNS, RosterKind
from tests.api import test_web
from tests.api.test_web import shot, sign_in, texts, wait

#: This module's own server over the API test world (a module-scoped fixture of ``test_web.py``).
base_url = test_web.base_url


browser = test_web.browser


def buttons(driver: WebDriver) -> list[str]:
    return texts(driver, "#import-templates button")


def test_an_importer_downloads_a_template_labelled_in_the_pages_language(
    browser: WebDriver, base_url: str, tmp_path: Path
) -> None:
    sign_in(browser, base_url, Role.IMPORTER, "C1")
    browser.find_element(By.CSS_SELECTOR, '#tabs button[data-view="imports"]').click()
    wait(browser, lambda d: len(buttons(d)) == len(RosterKind))
    assert buttons(browser) == [k.zh for k in RosterKind]
    shot(browser, "import-templates")
    browser.find_element(By.CSS_SELECTOR, '#import-templates button[data-kind="members"]').click()
    saved = tmp_path / "党员名册模板.xlsx"
    wait(browser, lambda _: saved.is_file() and saved.stat().st_size > 0)
    wait(browser, lambda d: "党员名册模板.xlsx" in d.find_element(By.ID, "template-status").text)
    sheets = read_file(saved)
    assert sheets[0].sheet == "党员"
    assert sheets[0].rows[0][1] == [c.zh for c in COLUMNS[RosterKind.MEMBERS]]
    browser.find_element(By.ID, "lang").click()
    wait(browser, lambda d: "Party members" in buttons(d))
    assert buttons(browser)[0] == "Areas"
    assert "Headers, instructions" in browser.find_element(By.ID, "template-status").text
    shot(browser, "import-templates-en")
    browser.find_element(By.ID, "lang").click()  # the page's language is kept: back to Chinese for the next test
    wait(browser, lambda d: buttons(d)[0] == "区域")
