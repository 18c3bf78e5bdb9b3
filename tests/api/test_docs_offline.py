"""``/docs`` (Swagger UI) and ``/redoc`` work with no network: their assets are served by the app, and
in a real browser the pages draw the API's own schema."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from api.app import create_app
from api.tokens import TokenBook
from orggraph.settings import Settings
from orggraph.store import MemoryStore
from tests.api.conftest import KEY
from tests.api.test_web import base_url, browser, wait  # noqa: F401 - fixtures

OUTSIDE = re.compile(r"https?://(?!127\.0\.0\.1|localhost)")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(store=":memory:"), store=MemoryStore(KEY), tokens=TokenBook(None)))


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_docs_page_names_no_outside_address_and_every_asset_it_names_is_served(client: TestClient, page: str) -> None:
    answer = client.get(page)
    assert answer.status_code == 200
    html = answer.text
    assert not OUTSIDE.search(html), OUTSIDE.search(html)
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert served.content  # the file itself, not an empty answer


def test_swagger_ui_and_redoc_draw_the_schema_in_a_browser(browser: WebDriver, base_url: str) -> None:  # noqa: F811
    browser.get(f"{base_url}/docs")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .info .title"))
    assert "orggraph" in browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
    assert browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")  # the routes are listed
    browser.get(f"{base_url}/redoc")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
    assert "orggraph" in browser.find_element(By.CSS_SELECTOR, "h1").text
