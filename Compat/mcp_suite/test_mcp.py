"""The Python MCP client (PyPI `mcp`) over both transports: stdio, through `closr mcp --url … --api-key …`
in front of a live `closr serve`, and Streamable HTTP, at that server's own `/mcp`. On each: tools listed
by scope, each core tool called and its data checked, bad arguments and unknown ids as tool errors, a
read_only key offered no write tools, a revoked key refused. Then what only HTTP has: Close's
`Close-API-Key` and `Close-Scope` headers, the ignored query string, calls counted as the key's.

Runs in its own virtualenv (mcp_suite/requirements.txt); `.ci/run` creates it.
"""
import asyncio
import base64
import json
import os
import subprocess
import uuid

import pytest
import requests

from conftest import ClosrServer

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

READ_TOOLS = {"org_info", "org_users", "search", "paginate_search", "lead_search", "activity_search", "list_leads", "fetch_lead", "get_lead", "fetch_contact", "fetch_opportunity",
              "fetch", "find_opportunities", "list_opportunities", "list_contacts", "find_tasks", "find_notes", "find_lead_statuses",
              "find_pipelines_and_opportunity_statuses", "find_lead_custom_fields"}
WRITE_TOOLS = {"create_lead", "create_address", "create_contact", "create_opportunity", "create_task", "create_note", "update_lead",
               "update_contact", "update_opportunity", "update_task", "update_note", "delete_lead", "delete_contact",
               "delete_opportunity", "delete_task", "delete_note"}


@pytest.fixture(scope="module")
def server():
    running = ClosrServer("--rate-limit", "off")
    yield running
    running.stop()


def make_key(server, scope):
    response = requests.post(server.base_url + "api_key/", auth=(server.api_key, ""), json={"label": f"mcp {scope}", "scopes": [scope]}, timeout=30)
    assert response.status_code in (200, 201), response.text
    return response.json()["id"], response.json()["key"]


@pytest.fixture(params=["stdio", "http"])
def transport(request):
    return request.param


def mcp_url(server, query=""):
    return server.base_url.replace("/api/v1/", "/mcp") + query


def run(server, key, body, transport="stdio", headers=None, query=""):
    """Runs `body(session)` in an MCP session for `key`: with `closr mcp` over stdio, or with the server's
    `/mcp` over Streamable HTTP (the key as HTTP Basic, as Close's REST clients send it, with
    `Close-Scope: mcp.write_destructive`, unless `headers` says otherwise)."""
    async def session_on(read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await body(session)

    async def main():
        if transport == "stdio":
            parameters = StdioServerParameters(command=os.environ["CLOSR_BIN"], args=["mcp", "--url", server.base_url, "--api-key", key])
            async with stdio_client(parameters) as (read, write):
                return await session_on(read, write)
        sent = headers if headers is not None else {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode(),
                                                    "Close-Scope": "mcp.write_destructive"}
        async with create_mcp_http_client(headers=sent) as http:
            async with streamable_http_client(mcp_url(server, query), http_client=http) as (read, write):
                return await session_on(read, write)
    return asyncio.run(main())


def field(model, snake, camel):
    """A result's member under the client's naming: snake_case from mcp 2, camelCase before."""
    return getattr(model, snake) if hasattr(model, snake) else getattr(model, camel)


def data(result):
    assert not field(result, "is_error", "isError"), [c.text for c in result.content]
    structured = field(result, "structured_content", "structuredContent")
    assert structured is not None
    # The text carries the same JSON, for clients that read only text.
    assert json.loads(result.content[-1].text) == structured
    return structured


def error_text(result):
    assert field(result, "is_error", "isError")
    return " ".join(c.text for c in result.content)


def test_tools_are_listed_with_schemas_and_called_end_to_end(server, transport):
    async def body(session):
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert READ_TOOLS | WRITE_TOOLS <= set(tools), sorted(set(READ_TOOLS | WRITE_TOOLS) - set(tools))
        schemas = {name: field(tool, "input_schema", "inputSchema") for name, tool in tools.items()}
        assert all(schema["type"] == "object" for schema in schemas.values())
        assert schemas["fetch_lead"]["required"] == ["id"]

        org = data(await session.call_tool("org_info", {}))
        assert org["organization"]["id"].startswith("orga_") and org["user"]["email"]
        assert data(await session.call_tool("org_users", {}))["users"]

        name = f"Acme {uuid.uuid4().hex[:8]}"
        created = data(await session.call_tool("create_lead", {
            "name": name, "url": "https://acme.example",
            "contacts": [{"name": "Wile E.", "title": "CEO", "emails": [{"email": "wile@acme.example"}]}]}))
        lead = created["lead"]
        assert lead["name"] == name and lead["contacts"][0]["emails"][0]["email"] == "wile@acme.example"

        found = data(await session.call_tool("lead_search", {"name": name}))
        assert [l["id"] for l in found["leads"]] == [lead["id"]]
        assert data(await session.call_tool("list_leads", {"full_text": name.split()[1]}))["leads"][0]["id"] == lead["id"]
        fetched = data(await session.call_tool("fetch_lead", {"id": lead["id"]}))["object"]
        assert fetched["url"] == "https://acme.example"
        assert data(await session.call_tool("get_lead", {"id": lead["id"]}))["object"]["id"] == lead["id"]

        updated = data(await session.call_tool("update_lead", {"id": lead["id"], "description": "Roadrunner supplies"}))["object"]
        assert updated["description"] == "Roadrunner supplies"
        assert data(await session.call_tool("fetch", {"id": lead["id"]}))["object"]["description"] == "Roadrunner supplies"

        contact = data(await session.call_tool("create_contact", {"lead_id": lead["id"], "name": "Road Runner", "phones": [{"phone": "+14155550100"}]}))["contact"]
        assert data(await session.call_tool("fetch_contact", {"id": contact["id"]}))["object"]["name"] == "Road Runner"
        assert data(await session.call_tool("update_contact", {"id": contact["id"], "title": "Bird"}))["object"]["title"] == "Bird"
        assert len(data(await session.call_tool("list_contacts", {"lead_id": lead["id"]}))["contacts"]) == 2

        statuses = data(await session.call_tool("find_pipelines_and_opportunity_statuses", {}))["pipelines"]
        active = next(s for p in statuses for s in p["statuses"] if s["type"] == "active")
        opportunity = data(await session.call_tool("create_opportunity", {
            "lead_id": lead["id"], "status_id": active["id"], "value": 250000, "value_period": "monthly", "confidence": 70}))["opportunity"]
        assert opportunity["value"] == 250000 and opportunity["value_in_currency_units"] == 2500
        listed = data(await session.call_tool("find_opportunities", {"lead_id": lead["id"], "status_type": "active"}))
        assert [(o["value"], o["confidence"], o["status_label"]) for o in listed["opportunities"]] == [(250000, 70, active["label"])]
        assert data(await session.call_tool("update_opportunity", {"id": opportunity["id"], "confidence": 90}))["object"]["confidence"] == 90
        assert data(await session.call_tool("fetch_opportunity", {"id": opportunity["id"]}))["object"]["confidence"] == 90
        assert data(await session.call_tool("list_opportunities", {"status_type": "active"}))["opportunities"]

        task = data(await session.call_tool("create_task", {"lead_id": lead["id"], "text": "Call back", "due_date": "2031-01-02", "priority": "high"}))["task"]
        assert task["priority"] == "high" and task["date"] == "2031-01-02"
        assert data(await session.call_tool("update_task", {"id": task["id"], "is_complete": True}))["object"]["is_complete"] is True
        assert [t["id"] for t in data(await session.call_tool("find_tasks", {"lead_id": lead["id"], "is_complete": True}))["tasks"]] == [task["id"]]
        note = data(await session.call_tool("create_note", {"lead_id": lead["id"], "note": "Met at the canyon"}))["note"]
        assert data(await session.call_tool("update_note", {"id": note["id"], "note": "Met twice"}))["object"]["note"] == "Met twice"
        assert [n["id"] for n in data(await session.call_tool("find_notes", {"lead_id": lead["id"]}))["notes"]] == [note["id"]]
        found = data(await session.call_tool("activity_search", {"lead_ids": [lead["id"]], "activity_types": ["activity.note"]}))["activities"]
        assert [a["id"] for a in found] == [note["id"]]
        addressed = data(await session.call_tool("create_address", {"lead_id": lead["id"], "label": "business", "address_1": "1 Canyon Rd",
                                                                     "city": "Tucson", "state": "AZ", "zipcode": "85701", "country": "US"}))["lead"]
        assert addressed["addresses"][-1]["city"] == "Tucson"
        assert data(await session.call_tool("find_lead_statuses", {}))["lead_statuses"]
        assert "custom_fields" in data(await session.call_tool("find_lead_custom_fields", {}))

        for tool, object_id in [("delete_note", note["id"]), ("delete_task", task["id"]), ("delete_opportunity", opportunity["id"]),
                                ("delete_contact", contact["id"]), ("delete_lead", lead["id"])]:
            assert data(await session.call_tool(tool, {"id": object_id}))["deleted"] == object_id
        assert "Lead not found" in error_text(await session.call_tool("fetch_lead", {"id": lead["id"]}))

        # Paging: a cursor to the next page until there is none.
        for index in range(5):
            data(await session.call_tool("create_lead", {"name": f"Pager {name} {index}"}))
        seen, cursor = [], None
        while True:
            arguments = {"full_text": name.split()[1], "limit": 2} | ({"cursor": cursor} if cursor else {})
            page = data(await session.call_tool("lead_search", arguments))
            seen += [l["name"] for l in page["leads"]]
            cursor = page["cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(f"Pager {name} {i}" for i in range(5))

        # Close's search pair: short results, then paginate_search with the cursor and search_id.
        page = data(await session.call_tool("search", {"query": name.split()[1], "limit": 2}))
        assert page["total_results"] == 5 and page["search_id"].startswith("srch_")
        titles = [r["title"] for r in page["results"]]
        assert all(r["id"].startswith("lead_") and r["url"] == f"/lead/{r['id']}/" and r["preview"] for r in page["results"])
        while page["cursor"] is not None:
            page = data(await session.call_tool("paginate_search", {"cursor": page["cursor"], "search_id": page["search_id"], "limit": 2}))
            titles += [r["title"] for r in page["results"]]
        assert sorted(titles) == sorted(f"Pager {name} {i}" for i in range(5))
        first = data(await session.call_tool("lead_search", {"full_text": name.split()[1], "limit": 3}))
        rest = data(await session.call_tool("paginate_search", {"cursor": first["cursor"], "search_id": first["search_id"]}))
        assert len(first["leads"]) + len(rest["leads"]) == 5 and rest["cursor"] is None
        assert "smart views" in error_text(await session.call_tool("paginate_search", {"cursor": "0", "smart_view_id": "save_x"}))
        assert "search_id" in error_text(await session.call_tool("paginate_search", {"cursor": "0", "search_id": "share_nope"}))

    run(server, server.api_key, body, transport)

    # Every call was an ordinary use of the key: in the audit trail with its key id.
    events = requests.get(server.base_url + "event/", auth=(server.api_key, ""), params={"object_type": "lead", "action": "created"}, timeout=30).json()["data"]
    assert any(event["api_key_id"] for event in events)


def test_bad_arguments_are_tool_errors_and_the_process_lives_on(server, transport):
    async def body(session):
        assert "required" in error_text(await session.call_tool("fetch_lead", {}))
        assert "must be a string" in error_text(await session.call_tool("fetch_lead", {"id": 42}))
        assert "not an id" in error_text(await session.call_tool("fetch_lead", {"id": "../../me"}))
        assert "Lead not found" in error_text(await session.call_tool("fetch_lead", {"id": "lead_doesnotexist"}))
        assert "Unknown argument" in error_text(await session.call_tool("lead_search", {"colour": "red"}))
        assert "from 0 to 100" in error_text(await session.call_tool("create_opportunity", {"lead_id": "lead_x", "confidence": 900}))
        assert "longer than" in error_text(await session.call_tool("lead_search", {"name": "x" * 5000}))
        assert "Unknown tool" in error_text(await session.call_tool("no_such_tool", {}))
        assert "status" in error_text(await session.call_tool("create_lead", {"name": "X", "status_id": "stat_nope"})).lower()
        assert "cursor" in error_text(await session.call_tool("list_leads", {"cursor": "banana"}))
        # Still serving after all that.
        assert data(await session.call_tool("org_info", {}))["organization"]

    run(server, server.api_key, body, transport)


def test_a_read_only_key_sees_only_read_tools_and_a_revoked_key_is_refused(server, transport):
    _, read_only = make_key(server, "read_only")

    async def listed(session):
        names = {tool.name for tool in (await session.list_tools()).tools}
        refused = await session.call_tool("create_lead", {"name": "Nope"})
        return names, refused

    names, refused = run(server, read_only, listed, transport)
    assert READ_TOOLS <= names and not (names & WRITE_TOOLS), sorted(names & WRITE_TOOLS)
    assert field(refused, "is_error", "isError")

    key_id, revoked = make_key(server, "full")
    assert requests.delete(server.base_url + f"api_key/{key_id}/", auth=(server.api_key, ""), timeout=30).status_code == 200
    if transport == "http":
        async def never(session):
            raise AssertionError("a revoked key got a session")
        with pytest.raises(BaseException) as refusal:
            run(server, revoked, never, transport)
        assert "revoked" in repr(refusal.value), repr(refusal.value)
        answer = requests.post(mcp_url(server), auth=(revoked, ""), json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30)
        assert answer.status_code == 401 and "revoked" in answer.json()["error"]["message"]
        return
    result = subprocess.run([os.environ["CLOSR_BIN"], "mcp", "--url", server.base_url, "--api-key", revoked],
                            input="", capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "closr:" in result.stderr, result.stderr


def test_huge_lines_are_answered_at_once_and_the_process_serves_on(server):
    """Raw JSON-RPC lines: a 3 MB argument gets its tool error and a 6 MB line a parse error, each right
    away (the SDK's own stdio reader took seconds per megabyte), and the process goes on serving."""
    process = subprocess.Popen([os.environ["CLOSR_BIN"], "mcp", "--url", server.base_url, "--api-key", server.api_key],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(line):
        process.stdin.write(line + b"\n")
        process.stdin.flush()

    def receive():
        return json.loads(process.stdout.readline())

    send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}).encode())
    assert "result" in receive()
    send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}).encode())
    send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "lead_search", "arguments": {"name": "x" * 3_000_000}}}).encode())
    answer = receive()
    assert answer["id"] == 2 and answer["result"]["isError"] is True and "longer than" in answer["result"]["content"][0]["text"]
    send(b"x" * 6_000_000)
    assert receive()["error"]["code"] == -32700
    send(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}).encode())
    assert len(receive()["result"]["tools"]) >= len(READ_TOOLS | WRITE_TOOLS)
    process.stdin.close()
    assert process.wait(timeout=30) == 0


def test_close_headers_pick_the_scope_and_the_query_string_is_ignored(server):
    """Close's documented set-up: `Close-API-Key` (the raw key) and `Close-Scope`, at `/mcp?1`."""
    def names_with(scope):
        async def listed(session):
            return {tool.name for tool in (await session.list_tools()).tools}
        return run(server, None, listed, "http", headers={"Close-API-Key": server.api_key, "Close-Scope": scope}, query="?1")

    read = names_with("mcp.read")
    assert READ_TOOLS <= read and not (read & WRITE_TOOLS)
    safe = names_with("mcp.write_safe")
    assert {"create_lead", "create_note"} <= safe and not {name for name in safe if name.startswith(("update_", "delete_"))}
    assert READ_TOOLS | WRITE_TOOLS <= names_with("mcp.write_destructive")
    # Without Close-Scope an agent may only read.
    async def listed(session):
        return {tool.name for tool in (await session.list_tools()).tools}
    assert run(server, None, listed, "http", headers={"Close-API-Key": server.api_key}) == read

    async def refused_write(session):
        return await session.call_tool("delete_lead", {"id": "lead_x"})
    assert "Unknown tool" in error_text(run(server, None, refused_write, "http", headers={"Close-API-Key": server.api_key, "Close-Scope": "mcp.read"}))

    bad = requests.post(mcp_url(server), headers={"Close-API-Key": server.api_key, "Close-Scope": "mcp.everything"},
                        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30)
    assert bad.status_code == 400 and "mcp.read" in bad.json()["error"]["message"]
    assert requests.get(mcp_url(server), headers={"Close-API-Key": server.api_key}, timeout=30).status_code == 405


def test_http_tool_calls_are_the_keys_api_requests(server):
    """A tool's calls over `/mcp` are requests of the caller's key: the created lead's event names the key,
    and the key's last use is recorded."""
    key_id, key = make_key(server, "full")
    name = f"Audited {uuid.uuid4().hex[:8]}"

    async def create(session):
        return data(await session.call_tool("create_lead", {"name": name}))["lead"]
    lead = run(server, key, create, "http", headers={"x-api-key": key, "Close-Scope": "mcp.write_safe"})
    events = requests.get(server.base_url + "event/", auth=(server.api_key, ""), params={"object_type": "lead", "object_id": lead["id"]}, timeout=30).json()["data"]
    assert [event["api_key_id"] for event in events if event["action"] == "created"] == [key_id]
    keys = requests.get(server.base_url + "api_key/", auth=(server.api_key, ""), timeout=30).json()["data"]
    assert next(k for k in keys if k["id"] == key_id)["last_used"]
