"""Closr's web tracker and inbound forms in a real browser (headless Chromium driven by Selenium).

A small static site on its own port of 127.0.0.1 (another origin than the server) includes
`<script async src=".../tracker.js" data-key="INBOUND_KEY">`; a visitor reads two pages, then posts the
contact form, a plain HTML form whose action is the server's `/api/leads/inbound`. Through the admin API
the new lead then has the contact typed into the form, one FormSubmission with its values, and the
visitor's earlier page views, linked by the `_visitor_id` the tracker put into the form. A second test
checks the other side of CORS: with the site's origin not allowed, the browser's page views are refused
and nothing is stored.

Needs `chromium` and `chromedriver` (Debian's chromium and chromium-driver) and the `selenium` package;
without them the module is skipped, unless CLOSR_REQUIRE_BROWSER=1 (as `.ci/run` sets), where every test
fails saying what is missing. On a failure a screenshot goes to Compat/browser-artifacts/ and the
browser's console log and the server's stderr are printed.
"""
import contextlib
import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import AdminAPI, ClosrServer

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    webdriver = None

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent / "browser-artifacts"
REQUIRED = os.environ.get("CLOSR_REQUIRE_BROWSER") == "1"
MISSING = [name for name, present in [
    (CHROMIUM, os.access(CHROMIUM, os.X_OK)),
    (CHROMEDRIVER, os.access(CHROMEDRIVER, os.X_OK)),
    ("the selenium package", webdriver is not None),
] if not present]
if MISSING and not REQUIRED:
    pytest.skip("browser tests need " + ", ".join(MISSING) + " (CLOSR_REQUIRE_BROWSER=1 makes this a failure)",
                allow_module_level=True)

VISITOR_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Runs in the site's page: the tracker's own request, by hand, so the test sees what the browser made of it
# (a CORS refusal is a TypeError, never a status).
FETCH_PAGE_VIEW = """
const [url, key, visitorId, done] = arguments;
fetch(url, {method: 'POST', mode: 'cors', credentials: 'omit',
            headers: {'content-type': 'application/json', 'x-api-key': key},
            body: JSON.stringify({visitor_id: visitorId, url: location.href, referrer: '', title: document.title})})
  .then(response => done({ok: response.ok, status: response.status}), error => done({error: String(error)}));
"""


@pytest.fixture(scope="module", autouse=True)
def browser_available():
    if MISSING:
        pytest.fail("CLOSR_REQUIRE_BROWSER=1 but missing: " + ", ".join(MISSING)
                    + " (apt-get install chromium chromium-driver; pip install selenium)", pytrace=False)


@pytest.fixture(scope="module")
def tracker_server():
    running = ClosrServer("--rate-limit", "off")
    yield running
    running.stop()


class Admin(AdminAPI):
    """The admin API, with the inbound settings and page views the browser tests read."""

    def allow_origins(self, *origins):
        settings = self.call("PUT", "inbound_settings/", json={"allowed_origins": list(origins)})
        assert settings["allowed_origins"] == list(origins), settings
        return settings

    def page_views(self, **params):
        return self.get("page_view/", **params)["data"]


def create_inbound_key(server):
    """`closr keys create` as an operator runs it; the key is the closr_ token of its last line naming one."""
    result = subprocess.run(
        [os.environ["CLOSR_BIN"], "keys", "create", "--label", "site", "--scope", "inbound",
         "--database", server.database],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, f"keys create failed ({result.returncode}): {result.stderr}{result.stdout}"
    lines = [line for line in result.stdout.splitlines() if "closr_" in line]
    assert lines, f"keys create printed no key: {result.stdout!r}"
    return re.search(r"closr_\S+", lines[-1]).group(0)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def page(title, tracker, body=""):
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="icon" href="data:,">{tracker}</head><body>{body}</body></html>')


@pytest.fixture(scope="module")
def site(tracker_server):
    """The customer's site: static pages on another port, its origin allowed, an inbound key in its tags."""
    admin = Admin(tracker_server)
    key = create_inbound_key(tracker_server)
    folder = tempfile.TemporaryDirectory(prefix="closr-site-")
    http = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=folder.name))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{http.server_address[1]}"
    closr = f"http://127.0.0.1:{tracker_server.port}"
    tracker = f'<script async src="{closr}/tracker.js" data-key="{key}"></script>'
    form = f"""
<h1>Contact us</h1>
<form method="post" action="{closr}/api/leads/inbound">
  <input type="hidden" name="_api_key" value="{key}">
  <input type="hidden" name="_redirect" value="{origin}/thanks.html">
  <input type="hidden" name="_honeypot" value="">
  <label>First name <input name="first_name"></label>
  <label>Last name <input name="last_name"></label>
  <label>Email <input type="email" name="email"></label>
  <label>Company <input name="company"></label>
  <label>Message <textarea name="message"></textarea></label>
  <button type="submit" id="send">Send</button>
</form>"""
    pages = {
        "index.html": page("Home – Tracker test", tracker, "<h1>Home</h1>"),
        "pricing.html": page("Pricing – Tracker test", tracker, "<h1>Pricing</h1>"),
        "contact.html": page("Contact – Tracker test", tracker, form),
        "thanks.html": page("Thanks", "", "<h1>Thanks, we'll be in touch.</h1>"),
    }
    for name, text in pages.items():
        Path(folder.name, name).write_text(text, encoding="utf-8")
    admin.allow_origins(origin)
    titles = {name: re.search(r"<title>(.*?)</title>", text).group(1) for name, text in pages.items()}
    yield SimpleNamespace(admin=admin, key=key, origin=origin, closr=closr, titles=titles,
                          url=lambda name: f"{origin}/{name}")
    http.shutdown()
    http.server_close()
    folder.cleanup()


@pytest.fixture()
def driver():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    browser.set_page_load_timeout(30)
    browser.set_script_timeout(15)
    yield browser
    browser.quit()


@contextlib.contextmanager
def artifacts_on_failure(driver, server, name):
    """On any failure inside: a screenshot, the browser's console and the server's stderr, then re-raise."""
    try:
        yield
    except BaseException:
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.png"
            driver.save_screenshot(str(path))
            print(f"screenshot: {path} (page {driver.current_url})")
        except Exception as error:
            print(f"no screenshot: {error!r}")
        try:
            entries = driver.get_log("browser")
            print(f"browser console: {len(entries)} entries")
            for entry in entries:
                print(f"console {entry.get('level')}: {entry.get('message')}")
        except Exception as error:
            print(f"no browser console log: {error!r}")
        print("closr serve stderr (tail):\n" + server.log()[-4000:])
        raise


def wait_for(what, probe, timeout=10.0):
    """probe()'s first truthy value, polled for up to timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what} (last: {value!r})")
        time.sleep(0.2)


def tracker_visitor_id(driver):
    """The tracker's visitor id, once the async script ran."""
    visitor_id = wait_for("window.closr.visitorId", lambda: driver.execute_script(
        "return window.closr && window.closr.visitorId"))
    assert VISITOR_ID.fullmatch(visitor_id), visitor_id
    return visitor_id


def test_tracked_visitor_becomes_a_lead_with_page_views_and_form_submission(driver, site, tracker_server):
    admin = site.admin
    email = f"ada.{uuid.uuid4().hex[:12]}@tracker.example"
    message = f"Please call me about the engine ({uuid.uuid4().hex[:8]})."
    with artifacts_on_failure(driver, tracker_server, "tracked-visitor"):
        driver.get(site.url("index.html"))
        visitor_id = tracker_visitor_id(driver)
        cookie = driver.get_cookie("closr_vid")
        assert cookie and cookie["value"] == visitor_id, cookie
        assert driver.execute_script("return localStorage.getItem('closr_vid')") == visitor_id
        wait_for("the home page's view", lambda: len(admin.page_views(visitor_id=visitor_id)) >= 1)

        driver.get(site.url("pricing.html"))
        assert tracker_visitor_id(driver) == visitor_id, "the visitor id changed between pages"
        wait_for("the pricing page's view", lambda: len(admin.page_views(visitor_id=visitor_id)) >= 2)

        driver.get(site.url("contact.html"))
        assert tracker_visitor_id(driver) == visitor_id
        stamped = wait_for("the form's hidden _visitor_id", lambda: driver.execute_script(
            "const input = document.querySelector('form input[name=\"_visitor_id\"]');"
            "return input && input.type === 'hidden' && input.value"))
        assert stamped == visitor_id
        for name, value in [("first_name", "Ada"), ("last_name", "Lovelace"), ("email", email),
                            ("company", "Analytical Engines"), ("message", message)]:
            driver.find_element(By.NAME, name).send_keys(value)
        driver.find_element(By.ID, "send").click()
        wait_for("the redirect to thanks.html", lambda: driver.current_url == site.url("thanks.html"))
        assert driver.title == "Thanks"

    leads = admin.get("lead/", query=f'email:"{email}"')["data"]
    assert len(leads) == 1, leads
    lead_id = leads[0]["id"]
    lead = admin.get(f"lead/{lead_id}/")
    contacts = lead["contacts"]
    assert len(contacts) == 1, contacts
    assert contacts[0]["name"] == "Ada Lovelace"
    assert email in [entry["email"] for entry in contacts[0]["emails"]], contacts[0]["emails"]

    views = admin.page_views(lead_id=lead_id)
    assert len(views) >= 2, views
    assert {view["visitor_id"] for view in views} == {visitor_id}, views
    assert all(view["lead_id"] == lead_id for view in views), views
    by_url = {view["url"]: view for view in views}
    for name in ["index.html", "pricing.html"]:
        assert site.url(name) in by_url, f"no page view of {name} on the lead: {sorted(by_url)}"
        assert by_url[site.url(name)]["title"] == site.titles[name], by_url[site.url(name)]
        assert by_url[site.url(name)]["date_created"], by_url[site.url(name)]

    submissions = admin.get("activity/form_submission/", lead_id=lead_id)
    assert len(submissions["data"]) == 1, submissions
    submission = submissions["data"][0]
    assert submission["_type"] == "FormSubmission"
    assert submission["lead_id"] == lead_id
    values = submission["values_by_name"]
    assert values.get("message") == message, values
    assert values.get("email") == email, values
    assert "_api_key" not in values, "the form's API key was kept as a submitted value"


def test_page_views_from_an_origin_not_allowed_are_refused(driver, site, tracker_server):
    admin = site.admin
    endpoint = f"{site.closr}/api/tracker/page_view/"
    admin.allow_origins("https://example.invalid")
    try:
        with artifacts_on_failure(driver, tracker_server, "origin-refused"):
            driver.get(site.url("index.html"))
            visitor_id = tracker_visitor_id(driver)
            refused = driver.execute_async_script(FETCH_PAGE_VIEW, endpoint, site.key, visitor_id)
            assert "error" in refused or not refused["ok"], f"a page view from {site.origin} was accepted: {refused}"
            time.sleep(1.5)  # the tracker's own view on load, were it wrongly accepted, has landed by now
            assert admin.page_views(visitor_id=visitor_id) == [], "a refused origin's page view was stored"
    finally:
        admin.allow_origins(site.origin)

    # The control: the same request from the same page goes through once the origin is allowed again.
    with artifacts_on_failure(driver, tracker_server, "origin-allowed-again"):
        accepted = driver.execute_async_script(FETCH_PAGE_VIEW, endpoint, site.key, visitor_id)
        assert accepted.get("status") == 201, accepted
        views = wait_for("the allowed page view", lambda: admin.page_views(visitor_id=visitor_id))
        assert [view["url"] for view in views] == [site.url("index.html")], views
