"""The web console in a real browser (headless Chromium driven by Selenium): sign in with the admin's
first-start password, generate an API key on Settings → Integrations, read it from the COPY NOW panel and
use it against the API (200), close the panel, revoke the key with the trash icon and its confirmation,
and see the API refuse it (401). Screenshots of the keys card and the leads page at 1280 and 390 pixels
wide go to Compat/browser-artifacts/ on every run.

Same requirements as test_browser_tracker.py (chromium, chromedriver, selenium; skipped without them
unless CLOSR_REQUIRE_BROWSER=1).
"""
import uuid

import pytest
import requests

from conftest import ClosrServer
from test_browser_tracker import ARTIFACTS, artifacts_on_failure, browser_available, driver, wait_for  # noqa: F401 (fixtures)

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


@pytest.fixture(scope="module")
def console_server():
    running = ClosrServer("--rate-limit", "off")
    yield running
    running.stop()


def screenshot(driver, name, width):
    driver.set_window_size(width, 900)
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 600)")
    driver.set_window_size(width, min(int(height) + 120, 4000))
    path = ARTIFACTS / f"{name}-{width}.png"
    assert driver.save_screenshot(str(path)), path
    return path


def test_sign_in_generate_copy_use_revoke(driver, console_server):
    server = console_server
    root = f"http://127.0.0.1:{server.port}"
    assert server.password, "closr serve printed no first-start password"
    me = f"{root}/api/v1/me/"
    with artifacts_on_failure(driver, server, "console-keys"):
        driver.get(root + "/")
        wait_for("the sign-in page", lambda: "/login" in driver.current_url)
        # The keyboard alone: type, tab, type, Enter.
        driver.find_element(By.ID, "email").send_keys("admin@example.com", Keys.TAB, server.password, Keys.ENTER)
        wait_for("the leads page", lambda: driver.current_url.endswith("/leads"))
        assert "Leads" in driver.title

        driver.get(root + "/settings/integrations")
        label = f"Zapier {uuid.uuid4().hex[:6]}"
        driver.find_element(By.ID, "label").send_keys(label)
        driver.find_element(By.ID, "generate").click()
        panel = wait_for("the COPY NOW panel", lambda: driver.find_elements(By.ID, "copy-now"))[0]
        assert "COPY NOW" in panel.text
        key = driver.find_element(By.ID, "new-key").text.strip()
        assert key.startswith("closr_") and len(key) == 49, key
        assert requests.get(me, auth=(key, ""), timeout=30).status_code == 200

        driver.find_element(By.ID, "done").click()
        wait_for("the card without the panel", lambda: not driver.find_elements(By.ID, "copy-now"))
        assert key not in driver.page_source and key[:12] in driver.page_source
        screenshot(driver, "keys-card", 1280)
        screenshot(driver, "keys-card", 390)
        driver.set_window_size(1280, 900)

        row = driver.find_element(By.XPATH, f"//tr[td[contains(., '{label}')]]")
        row.find_element(By.CSS_SELECTOR, "form.revoke button").click()
        alert = wait_for("the confirmation", lambda: _alert(driver))
        assert label in alert.text
        alert.accept()
        wait_for("the key gone from the list", lambda: label not in driver.page_source)
        assert requests.get(me, auth=(key, ""), timeout=30).status_code == 401

        requests.post(f"{root}/api/v1/lead/", auth=(server.api_key, ""), json={"name": "Console Co"}, timeout=30)
        driver.get(root + "/leads")
        assert "Console Co" in driver.page_source
        screenshot(driver, "leads", 1280)
        screenshot(driver, "leads", 390)


def _alert(driver):
    try:
        return driver.switch_to.alert
    except Exception:
        return None
