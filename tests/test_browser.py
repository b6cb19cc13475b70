"""A person using the site in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, installed by ``.ci/run``) driven by Selenium against ``kg serve``.

It opens Mirosław Grewiński's page, follows a link to an event, runs a stored query from its form
(choosing a voivodeship in the dropdown) and checks the rendered table; it also runs the query editor
(YASGUI, bundled: the browser has no network). Screenshots go to ``$KG_SCREENSHOTS`` (default: a
temporary directory); ``KG_SCREENSHOTS=docs/screenshots`` refreshes the ones in the docs.
Skipped when Chromium, its driver or Selenium is missing.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from test_serve import kg_server

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    webdriver = None

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.server


@pytest.fixture(scope="module", autouse=True)
def require_browser():
    """Skip without Chromium, its driver or Selenium; fail instead where CI installs them (KG_REQUIRE_SERVERS)."""
    reason = ("selenium is not installed" if webdriver is None else
              None if CHROMIUM and DRIVER else "Debian's chromium and chromium-driver are not installed")
    if reason:
        if os.environ.get("KG_REQUIRE_SERVERS"):
            pytest.fail(f"{reason} (KG_REQUIRE_SERVERS is set)")
        pytest.skip(reason)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900"]


@pytest.fixture(scope="module")
def server(built_store, tmp_path_factory):
    with kg_server(tmp_path_factory.mktemp("browser"), "--store", str(built_store)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where the screenshots go: KG_SCREENSHOTS to keep them, else pytest's temporary directory (the
    last three runs' are kept, older ones removed)."""
    target = Path(os.environ.get("KG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    target.mkdir(parents=True, exist_ok=True)
    return target


def screenshot(driver, path: Path) -> None:
    """A full-page PNG (the window grows to the page, up to 3000 px)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 700), 3000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    assert path.stat().st_size > 10_000


def wait(driver, condition, seconds: float = 15):
    return WebDriverWait(driver, seconds).until(condition)


def test_person_event_and_stored_query(server, browser, shots):
    browser.get(server + "id/person/miroslaw-grewinski")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Mirosław Grewiński")
    quotes = [q.text for q in browser.find_elements(By.CSS_SELECTOR, "blockquote.evidence")]
    assert any("wystąpienie prof. Mirosława Grewińskiego" in q for q in quotes)
    screenshot(browser, shots / "person.png")

    link = browser.find_element(By.CSS_SELECTOR, 'a[href="/id/event/2015-03-31-konferencja-po-kl-lublin"]')
    link.click()
    wait(browser, lambda d: d.current_url.endswith("/id/event/2015-03-31-konferencja-po-kl-lublin"))
    assert "Konferencja" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href="/id/person/miroslaw-grewinski"]')
    screenshot(browser, shots / "event.png")

    browser.get(server + "queries")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/queries/region-actors"]').click()
    wait(browser, lambda d: d.find_elements(By.ID, "param-region"))
    assert not browser.find_elements(By.CSS_SELECTOR, "table.results")  # a required parameter: no run yet
    Select(browser.find_element(By.ID, "param-region")).select_by_value("lubelskie")
    browser.find_element(By.ID, "run").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "table.results tbody tr"))
    assert "region=lubelskie" in browser.current_url
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.results th")]
    assert "name" in headers
    column = headers.index("name")
    names = {row.find_elements(By.TAG_NAME, "td")[column].find_element(By.CSS_SELECTOR, ".literal").text
             for row in browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")}
    assert {"Aleksandra Warmińska", "Regionalny Ośrodek Polityki Społecznej w Lublinie"} <= names
    assert "Wojewódzki Urząd Pracy w Szczecinie" not in names  # another voivodeship
    screenshot(browser, shots / "stored-query.png")


def test_query_editor_and_views(server, browser, shots):
    browser.get(server + "sparql")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton"))
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    assert "Mirosław Grewiński" in browser.find_element(By.CSS_SELECTOR, ".yasr table").text
    screenshot(browser, shots / "sparql-editor.png")
    for page, name in (("views/chart", "chart.png"), ("views/network", "network.png")):
        browser.get(server + page)
        assert browser.find_elements(By.CSS_SELECTOR, "svg")
        screenshot(browser, shots / name)
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe
