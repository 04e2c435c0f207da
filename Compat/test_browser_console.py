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


def sign_in(driver, root, password):
    """Signs the admin in from the sign-in page, with the keyboard only."""
    driver.get(root + "/login")
    driver.find_element(By.ID, "email").send_keys("admin@example.com", Keys.TAB, password, Keys.ENTER)
    wait_for("the leads page", lambda: driver.current_url.endswith("/leads"))


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



def test_create_a_lead_with_a_note_in_the_ui_and_find_it_through_the_api(driver, console_server):
    server = console_server
    root = f"http://127.0.0.1:{server.port}"
    name = f"Console Co {uuid.uuid4().hex[:6]}"
    note = f"Met at the trade fair ({uuid.uuid4().hex[:6]}); wants a demo."
    with artifacts_on_failure(driver, server, "console-lead"):
        sign_in(driver, root, server.password)
        driver.find_element(By.ID, "new-lead").click()
        driver.find_element(By.ID, "lead-name-input").send_keys(name)
        driver.find_element(By.ID, "lead-url").send_keys("https://console.example")
        driver.find_element(By.ID, "contact-name").send_keys("Grace Hopper")
        driver.find_element(By.ID, "contact-email").send_keys("grace@console.example")
        driver.find_element(By.ID, "save-lead").click()
        wait_for("the lead page", lambda: "/lead/lead_" in driver.current_url)
        assert driver.find_element(By.ID, "lead-name").text == name
        driver.find_element(By.ID, "note").send_keys(note)
        driver.find_element(By.ID, "add-note").click()
        wait_for("the note in the timeline", lambda: note in driver.page_source)
        driver.find_element(By.ID, "task-text").send_keys("Send the demo link")
        driver.find_element(By.ID, "add-task").click()
        wait_for("the task", lambda: "Send the demo link" in driver.page_source)
        driver.find_element(By.ID, "opportunity-value").send_keys("1200.50")
        driver.find_element(By.ID, "add-opportunity").click()
        wait_for("the opportunity", lambda: "1,200.50" in driver.page_source or "1200.50" in driver.page_source)

        lead_id = driver.current_url.rstrip("/").rsplit("/", 1)[-1]
        admin = (server.api_key, "")
        lead = requests.get(f"{root}/api/v1/lead/{lead_id}/", auth=admin, timeout=30).json()
        assert lead["name"] == name and lead["contacts"][0]["emails"][0]["email"] == "grace@console.example"
        assert lead["html_url"].endswith(f"/lead/{lead_id}/")
        assert [o["value"] for o in lead["opportunities"]] == [120050]
        notes = requests.get(f"{root}/api/v1/activity/note/", auth=admin, params={"lead_id": lead_id}, timeout=30).json()["data"]
        assert [n["note"] for n in notes] == [note]
        found = requests.get(f"{root}/api/v1/lead/", auth=admin, params={"query": f'name:"{name}"'}, timeout=30).json()["data"]
        assert [l["id"] for l in found] == [lead_id]
        screenshot(driver, "lead-page", 1280)
        screenshot(driver, "lead-page", 390)
        driver.set_window_size(1280, 900)
        driver.get(root + "/leads")
        assert name in driver.page_source
        screenshot(driver, "leads", 1280)


def _alert(driver):
    try:
        return driver.switch_to.alert
    except Exception:
        return None


def test_an_invited_teammate_signs_in_through_the_link(driver, console_server):
    server = console_server
    root = f"http://127.0.0.1:{server.port}"
    email = f"grace.{uuid.uuid4().hex[:6]}@example.com"
    with artifacts_on_failure(driver, server, "console-invite"):
        sign_in(driver, root, server.password)
        driver.get(root + "/settings/team")
        driver.find_element(By.ID, "invite-email").send_keys(email)
        driver.find_element(By.ID, "invite").click()
        link = wait_for("the invitation link", lambda: driver.find_elements(By.ID, "invite-link"))[0].text.strip()
        assert link.startswith(root + "/invite/inv_"), link
        screenshot(driver, "team", 1280)
        driver.set_window_size(1280, 900)
        driver.delete_all_cookies()  # the teammate's own browser

        driver.get(link)
        driver.find_element(By.ID, "first-name").send_keys("Grace")
        driver.find_element(By.ID, "last-name").send_keys("Hopper")
        driver.find_element(By.ID, "new-password").send_keys("a long enough password", Keys.ENTER)
        wait_for("the leads page as the teammate", lambda: driver.current_url.endswith("/leads"))
        assert email in driver.page_source
        members = requests.get(f"{root}/api/v1/membership/", auth=(server.api_key, ""), timeout=30).json()["data"]
        assert any(m["user_email"] == email and m["user_full_name"] == "Grace Hopper" for m in members)
        driver.get(link)
        assert "no longer works" in driver.page_source
