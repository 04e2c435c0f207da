"""The Singer tap `tap-closeio` (PyPI) against a live Closr: discovery, then syncs of every stream it
discovers, each stream's records checked against what the server itself lists.

The tap hard-codes Close's address as the module global `tap_closeio.http.BASE_URL` (read afresh on
every request by `tap_closeio.http.url`); it has no config key or environment variable for it. So the
installed tap runs unchanged through `python -c RUN_TAP`, which sets that one global to Closr's
`/api/v1/` and then calls the tap's own `main()` with the usual Singer arguments.

What the tap asks of the server (tap-closeio 1.6.6, singer-python 5.13.2), all GET with HTTP Basic auth
(the key as user name, empty password):
- discovery: `event/` with no parameters; a 400 drops `event_log` from the catalog, any other error fails
  discovery.
- custom_fields: `custom_fields/lead/`, then leads: `lead/` with `query=date_updated>="<minute>"
  sort:date_updated`, tasks: `task/`, users: `user/`, each paged with `_limit=100&_skip=N` while
  `has_more` is true; records need a non-null `date_updated` (bookmark, compared as a string).
- activities: `activity/` with `date_created__gt` and `date_created__lt` (`YYYY-MM-DDTHH:MM:SS`, no
  zone), one 15-day window at a time from the start date less a day up to now, each window paged as
  above; records need `date_created`.
- event_log: `event/` with `date_updated__gte=YYYY-MM-DDTHH:MM:SS`, then the same with
  `_cursor=<cursor_next>` until a page is empty or `cursor_next` is empty; `cursor_next` must be present,
  and `previous_data` wherever `data` is; records need `date_updated`.
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

import pytest

from conftest import AdminAPI, ClosrServer

STREAMS = ["custom_fields", "leads", "activities", "tasks", "users", "event_log"]
START_DATE = "2020-01-01T00:00:00Z"
RUN_TAP = (
    "import sys, tap_closeio, tap_closeio.http as http; "
    "http.BASE_URL = sys.argv.pop(1); sys.argv[0] = 'tap-closeio'; tap_closeio.main()"
)
# Enough changes to one lead that the event log (at most 50 events a page) takes more than one page.
LEAD_REVISIONS = 55


class Closr(AdminAPI):
    """requests against the server, as the truth the tap's output is held to."""

    def skip_paged(self, path, params=None):
        """Every item of a `_skip`/`_limit` list, walked as the tap walks it."""
        items, skip = [], 0
        while True:
            page = self.call("GET", path, params={**(params or {}), "_skip": skip, "_limit": 100})
            items += page["data"]
            if not page.get("has_more"):
                return items
            skip += len(page["data"])

    def events(self):
        """Every event since the tap's start date, following `cursor_next`."""
        items, cursor = [], None
        while True:
            params = {"date_updated__gte": START_DATE[:19]}
            if cursor:
                params["_cursor"] = cursor
            page = self.call("GET", "event/", params=params)
            items += page["data"]
            cursor = page.get("cursor_next")
            if not page["data"] or not cursor:
                return items

    def truth(self, stream):
        if stream == "leads":
            return self.skip_paged("lead/")
        if stream == "custom_fields":
            return self.skip_paged("custom_fields/lead/")
        if stream == "activities":
            return self.skip_paged("activity/")
        if stream == "tasks":
            return self.skip_paged("task/")
        if stream == "users":
            return self.skip_paged("user/")
        if stream == "event_log":
            return self.events()
        raise AssertionError(stream)


class TapRun:
    def __init__(self, completed):
        self.returncode = completed.returncode
        self.stderr = completed.stderr
        self.records = {}
        self.schemas = []
        self.states = []
        for line in completed.stdout.splitlines():
            if not line.strip():
                continue
            message = json.loads(line)
            if message["type"] == "RECORD":
                self.records.setdefault(message["stream"], []).append(message["record"])
            elif message["type"] == "SCHEMA":
                self.schemas.append(message["stream"])
            elif message["type"] == "STATE":
                self.states.append(message["value"])
        self.error_lines = [line for line in self.stderr.splitlines() if line.startswith(("ERROR", "CRITICAL"))]

    def ids(self, stream):
        return [record["id"] for record in self.records.get(stream, [])]

    def assert_clean(self):
        log = "\n".join(self.stderr.splitlines()[-40:])
        assert self.returncode == 0, f"tap-closeio exited {self.returncode}:\n{log}"
        assert self.error_lines == [], f"tap-closeio logged errors:\n{log}"


class Tap:
    """Runs the installed tap-closeio against one server, in a folder of its own."""

    def __init__(self, server, **config):
        self.server = server
        self.folder = tempfile.TemporaryDirectory(prefix="closr-tap-")
        self.config = self._write("config.json", {"api_key": server.api_key, "start_date": START_DATE, **config})
        self._catalog = None

    def _write(self, name, value):
        path = os.path.join(self.folder.name, name)
        with open(path, "w") as file:
            json.dump(value, file)
        return path

    def run(self, *args):
        completed = subprocess.run(
            [sys.executable, "-c", RUN_TAP, self.server.base_url, "--config", self.config, *args],
            capture_output=True, text=True, timeout=300,
        )
        return completed

    def catalog(self):
        if self._catalog is None:
            completed = self.run("--discover")
            assert completed.returncode == 0, f"discovery failed:\n{completed.stderr[-4000:]}"
            self._catalog = json.loads(completed.stdout)
        return self._catalog

    def sync(self, streams, state=None):
        """A sync with exactly `streams` selected, the Singer way: `selected: true` in the metadata of
        each stream's breadcrumb `[]` (the tap's CatalogEntry.is_selected also reads `schema.selected`)."""
        catalog = json.loads(json.dumps(self.catalog()))
        for entry in catalog["streams"]:
            for item in entry["metadata"]:
                if item["breadcrumb"] == []:
                    item["metadata"]["selected"] = entry["tap_stream_id"] in streams
        args = ["--catalog", self._write("catalog.json", catalog)]
        if state is not None:
            args += ["--state", self._write("state.json", state)]
        return TapRun(self.run(*args))


@pytest.fixture(scope="module")
def tap_server():
    # A server of its own, so that every count below is of this file's data alone.
    running = ClosrServer("--rate-limit", "off")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def closr(tap_server):
    return Closr(tap_server)


@pytest.fixture(scope="module")
def seeded(closr):
    """3 leads with contacts, 1 lead custom field (set on one lead), 2 notes, 1 call, 2 tasks, and enough
    lead updates to page the event log."""
    field = closr.post("custom_field/lead/", {"name": "Tap Tier", "type": "text"})
    leads = [
        closr.post("lead/", {
            "name": f"Tap Lead {index}",
            "contacts": [{"name": f"Contact {index}", "emails": [{"type": "office", "email": f"c{index}@tap.example"}]}],
        })
        for index in range(3)
    ]
    closr.put("lead/" + leads[0]["id"], {"custom." + field["id"]: "Gold"})
    for revision in range(LEAD_REVISIONS):
        closr.put("lead/" + leads[2]["id"], {"description": f"Revision {revision}"})
    notes = [
        closr.post("activity/note/", {"lead_id": leads[0]["id"], "note": "Spoke about rockets"}),
        closr.post("activity/note/", {"lead_id": leads[1]["id"], "note": "Sent the price list"}),
    ]
    call = closr.post("activity/call/", {
        "lead_id": leads[2]["id"], "direction": "outbound", "duration": 90, "note": "Left a voicemail",
    })
    tasks = [
        closr.post("task/", {"lead_id": leads[0]["id"], "text": "Follow up on rockets", "date": "2027-01-15"}),
        closr.post("task/", {"lead_id": leads[1]["id"], "text": "Send the contract", "date": "2027-02-01T09:30:00+00:00"}),
    ]
    return {
        "field": field, "leads": leads, "notes": notes, "call": call, "tasks": tasks,
        "activity_ids": {notes[0]["id"], notes[1]["id"], call["id"]},
    }


@pytest.fixture(scope="module")
def tap(tap_server, seeded):
    return Tap(tap_server)


def parse_time(value):
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_discovery_finds_every_stream(tap):
    catalog = tap.catalog()
    assert [entry["tap_stream_id"] for entry in catalog["streams"]] == STREAMS
    for entry in catalog["streams"]:
        assert entry["key_properties"] == ["id"]
        top = [item["metadata"] for item in entry["metadata"] if item["breadcrumb"] == []]
        assert top and top[0]["forced-replication-method"] == "INCREMENTAL"


def check_stream(stream, run, closr, seeded):
    """The stream's records are exactly the server's list (ids, no duplicates), and hold what was seeded."""
    ids = run.ids(stream)
    truth = closr.truth(stream)
    assert len(ids) == len(set(ids)), f"{stream}: the tap emitted duplicates"
    assert sorted(ids) == sorted(item["id"] for item in truth), f"{stream}: tap {len(ids)} vs server {len(truth)}"
    records = {record["id"]: record for record in run.records.get(stream, [])}
    if stream == "leads":
        assert set(ids) == {lead["id"] for lead in seeded["leads"]}
        gold = records[seeded["leads"][0]["id"]]
        # The tap folds `custom.cf_…` keys into a `custom_fields` list.
        assert gold["custom_fields"] == [{"id": seeded["field"]["id"], "value": "Gold"}]
        assert [contact["name"] for contact in records[seeded["leads"][1]["id"]]["contacts"]] == ["Contact 1"]
        assert all(record["date_updated"].endswith("Z") for record in records.values())
    elif stream == "custom_fields":
        assert records[seeded["field"]["id"]]["name"] == "Tap Tier"
    elif stream == "activities":
        assert seeded["activity_ids"] <= set(ids)
        assert [records[note["id"]]["_type"] for note in seeded["notes"]] == ["Note", "Note"]
        assert records[seeded["call"]["id"]]["_type"] == "Call"
        assert records[seeded["call"]["id"]]["duration"] == 90
        # One `Created` activity for each lead made through the API, as Close writes: 3 + 3 in all before
        # the incremental sync below adds a note.
        created = [record["lead_id"] for record in records.values() if record["_type"] == "Created"]
        assert sorted(created) == sorted(lead["id"] for lead in seeded["leads"])
    elif stream == "tasks":
        assert set(ids) == {task["id"] for task in seeded["tasks"]}
        assert records[seeded["tasks"][0]["id"]]["text"] == "Follow up on rockets"
    elif stream == "users":
        assert len(ids) >= 1 and all(user_id.startswith("user_") for user_id in ids)
    elif stream == "event_log":
        assert len(ids) > 50  # more than one page
        created = {(record["object_type"], record["object_id"]) for record in records.values() if record["action"] == "created"}
        assert {("lead", lead["id"]) for lead in seeded["leads"]} <= created
        assert ("custom_field.lead", seeded["field"]["id"]) in created
        updates = [record for record in records.values()
                   if record["object_id"] == seeded["leads"][2]["id"] and record["action"] == "updated"]
        assert len(updates) == LEAD_REVISIONS
        # The tap re-serialises `data` and `previous_data` as JSON text.
        assert all(isinstance(record["data"], str) and isinstance(record["previous_data"], str) for record in updates)
        assert {json.loads(record["data"]).get("description") for record in updates} == {
            f"Revision {revision}" for revision in range(LEAD_REVISIONS)}


@pytest.mark.parametrize("stream", STREAMS)
def test_each_stream_alone_syncs_what_the_server_lists(stream, tap, closr, seeded):
    run = tap.sync([stream])
    run.assert_clean()
    assert run.schemas == [stream]
    assert set(run.records) <= {stream}
    check_stream(stream, run, closr, seeded)


def test_a_full_sync_of_the_whole_catalog_then_an_incremental_one(tap, closr, seeded):
    run = tap.sync(STREAMS)
    run.assert_clean()
    assert run.schemas == STREAMS
    for stream in STREAMS:
        check_stream(stream, run, closr, seeded)

    state = run.states[-1]
    assert state["currently_syncing"] is None
    bookmark_keys = {"custom_fields": "date_updated", "leads": "date_updated", "activities": "date_created",
                     "tasks": "date_updated", "users": "date_updated", "event_log": "date_updated"}
    for stream, key in bookmark_keys.items():
        assert key in state["bookmarks"][stream], (stream, state)
        if stream != "event_log":  # the tap holds that one five minutes back
            newest = max(parse_time(record[key]) for record in run.records[stream])
            assert parse_time(state["bookmarks"][stream][key]) == newest, (stream, state["bookmarks"][stream])

    # Changes after the first sync reach the next one, which starts from the saved state.
    lead = seeded["leads"][1]
    closr.put("lead/" + lead["id"], {"description": "Changed after the first sync"})
    note = closr.post("activity/note/", {"lead_id": lead["id"], "note": "Written after the first sync"})
    task = seeded["tasks"][0]
    closr.put("task/" + task["id"], {"is_complete": True})

    again = tap.sync(STREAMS, state=state)
    again.assert_clean()
    leads = {record["id"]: record for record in again.records.get("leads", [])}
    assert leads[lead["id"]]["description"] == "Changed after the first sync"
    assert note["id"] in again.ids("activities")
    tasks = {record["id"]: record for record in again.records.get("tasks", [])}
    assert tasks[task["id"]]["is_complete"] is True
    changed = {(record["object_id"], record["action"]) for record in again.records.get("event_log", [])}
    assert (lead["id"], "updated") in changed and (note["id"], "created") in changed


def test_the_tap_keeps_to_the_rate_limit(rate_limited_server):
    """At 3 requests a second the tap reads `X-Rate-Limit-Remaining: 0` and sleeps for
    `X-Rate-Limit-Reset` seconds, or on a 429 for the body's `rate_reset`; either way every stream
    completes. (`date_window` makes the activities stream two requests instead of about 170.)"""
    tap = Tap(rate_limited_server, date_window=3650)
    run = tap.sync(STREAMS)
    run.assert_clean()
    assert run.schemas == STREAMS
    assert len(run.records["users"]) == 1
    assert "leads" not in run.records and "activities" not in run.records
