"""The official Close Python client (`closeio` from PyPI) against a live Closr, changing nothing but
the base URL and the key."""
import time

import pytest
from closeio_api import API, APIError, ValidationError


@pytest.fixture()
def api(server):
    return API(server.base_url, api_key=server.api_key)


def test_me_names_the_user_and_organization(api):
    me = api.get("me")
    assert me["id"].startswith("user_")
    assert me["organizations"][0]["id"].startswith("orga_")
    assert me["memberships"][0]["organization_id"] == me["organizations"][0]["id"]
    labels = [status["label"] for status in me["organizations"][0]["lead_statuses"]]
    assert labels == ["Potential", "Bad Fit", "Qualified", "Customer"]


def test_a_wrong_key_raises_api_error_with_401(server):
    with pytest.raises(APIError) as raised:
        API(server.base_url, api_key="closr_wrong").get("me")
    assert raised.value.response.status_code == 401


def test_lead_with_nested_contacts_round_trip(api):
    lead = api.post("lead", {
        "name": "Acme Inc", "url": "https://acme.example", "description": "Rockets",
        "status": "Qualified",
        "contacts": [{"name": "Wile E. Coyote", "title": "CEO",
                      "emails": [{"type": "office", "email": "wile@acme.example"}],
                      "phones": [{"type": "mobile", "phone": "+1 555 555 0100"}]}],
        "addresses": [{"label": "business", "address_1": "1 Main St", "city": "Springfield", "country": "US"}],
    })
    assert lead["id"].startswith("lead_")
    assert lead["status_label"] == "Qualified"
    assert lead["contacts"][0]["emails"][0]["email"] == "wile@acme.example"
    assert lead["contacts"][0]["phones"][0]["phone"] == "+15555550100"
    assert lead["addresses"][0]["city"] == "Springfield"

    fetched = api.get("lead/" + lead["id"], params={"_fields": "id,name,contacts"})
    assert set(fetched) == {"id", "name", "contacts"}
    assert fetched["contacts"][0]["id"] == lead["contacts"][0]["id"]

    updated = api.put("lead/" + lead["id"], {"name": "Acme Corp", "status": "Customer"})
    assert updated["name"] == "Acme Corp"
    assert updated["status_label"] == "Customer"
    assert updated["description"] == "Rockets"

    found = api.get("lead", params={"query": 'name:"Acme Corp"', "_fields": "id"})
    assert [item["id"] for item in found["data"]] == [lead["id"]]
    by_email = api.get("lead", params={"query": "email_address:wile@acme.example"})
    assert lead["id"] in [item["id"] for item in by_email["data"]]

    assert api.delete("lead/" + lead["id"]) == {}
    with pytest.raises(APIError) as raised:
        api.get("lead/" + lead["id"])
    assert raised.value.response.status_code == 404


def test_listing_leads_pages_to_the_end(api):
    created = {api.post("lead", {"name": f"Paged {index}"})["id"] for index in range(23)}
    seen, skip = [], 0
    while True:
        page = api.get("lead", params={"query": "name:Paged", "_skip": skip, "_limit": 10, "_fields": "id"})
        seen += [item["id"] for item in page["data"]]
        assert page["total_results"] == 23
        if not page["has_more"]:
            break
        skip += 10
    assert len(seen) == 23 and set(seen) == created
    for lead_id in created:
        api.delete("lead/" + lead_id)


def test_contacts(api):
    lead = api.post("lead", {"name": "Contact Co"})
    contact = api.post("contact", {"lead_id": lead["id"], "name": "Ada", "emails": [{"email": "ada@contact.example"}]})
    assert contact["lead_id"] == lead["id"]
    assert contact["emails"] == [{"type": "office", "email": "ada@contact.example", "is_unsubscribed": False}]
    changed = api.put("contact/" + contact["id"], {"title": "CTO", "phones": [{"type": "office", "phone": "5555550199"}]})
    assert changed["title"] == "CTO" and changed["name"] == "Ada"
    assert changed["phones"][0]["phone"] == "+15555550199"
    listed = api.get("contact", params={"lead_id": lead["id"]})
    assert [item["id"] for item in listed["data"]] == [contact["id"]]
    assert api.delete("contact/" + contact["id"]) == {}
    orphan = api.post("contact", {"name": "Lone Ranger"})
    assert api.get("lead/" + orphan["lead_id"])["name"] == "Lone Ranger"


def test_opportunities_in_cents_with_status_by_label(api):
    lead = api.post("lead", {"name": "Deal Co"})
    opportunity = api.post("opportunity", {
        "lead_id": lead["id"], "value": 500000, "value_period": "monthly", "confidence": 50, "status": "Won",
        "note": "Big deal",
    })
    assert opportunity["status_type"] == "won"
    assert opportunity["value_formatted"] == "$5,000 monthly"
    assert opportunity["annualized_value"] == 6000000
    assert opportunity["expected_value"] == 250000
    assert opportunity["date_won"] is not None
    changed = api.put("opportunity/" + opportunity["id"], {"confidence": 90})
    assert changed["confidence"] == 90 and changed["value"] == 500000
    newest = api.get("opportunity", params={"_order_by": "-date_updated", "_limit": 5})
    assert newest["data"][0]["id"] == opportunity["id"]
    assert newest["total_value_monthly"] >= 500000
    assert api.delete("opportunity/" + opportunity["id"]) == {}


def test_statuses_and_pipelines(api):
    assert [status["type"] for status in api.get("status/opportunity")["data"]] == ["active", "won", "lost"]
    pipeline = api.get("pipeline")["data"][0]
    assert pipeline["name"] == "Sales"
    status = api.post("status/lead", {"label": "Nurture"})
    assert api.get("status/lead/" + status["id"])["label"] == "Nurture"
    assert api.delete("status/lead/" + status["id"]) == {}


def test_validation_errors_reach_the_client(api):
    with pytest.raises(ValidationError) as raised:
        api.post("lead", {"name": "Bad", "status_id": "stat_nope"})
    assert raised.value.field_errors == {"status_id": "Invalid status id."}
    with pytest.raises(ValidationError) as raised:
        api.post("opportunity", {"confidence": 250})
    assert "confidence" in raised.value.field_errors


def test_the_client_waits_out_429_and_retries(rate_limited_server):
    api = API(rate_limited_server.base_url, api_key=rate_limited_server.api_key)
    started = time.time()
    for _ in range(8):
        assert api.get("me")["id"].startswith("user_")
    # 8 requests at 3 a second cannot all fit in one window: the client slept through 429s.
    assert time.time() - started >= 1.0


def test_custom_fields_as_the_closeio_readme_uses_them(api):
    field = api.post("custom_field/lead", {"name": "Sector", "type": "choices", "choices": ["Software", "Hardware"]})
    assert field["id"] in [item["id"] for item in api.get("custom_fields/lead")["data"]]
    lead = api.post("lead", {"name": "Custom Co", "custom." + field["id"]: "Software"})
    assert lead["custom." + field["id"]] == "Software"
    found = api.get("lead", params={"query": 'name:"Custom Co"', "_fields": "id,custom"})
    assert found["data"][0]["custom"] == {"Sector": "Software"}
    with pytest.raises(ValidationError) as raised:
        api.put("lead/" + lead["id"], {"custom." + field["id"]: "Furniture"})
    assert "custom." + field["id"] in raised.value.field_errors
    api.delete("custom_field/lead/" + field["id"])


def test_notes_created_and_listed(api):
    lead = api.post("lead", {"name": "Note Co"})
    first = api.post("activity/note", {"lead_id": lead["id"], "note": "Spoke about rockets"})
    assert first["id"].startswith("acti_")
    assert first["_type"] == "Note"
    assert first["lead_id"] == lead["id"]
    assert first["note"] == "Spoke about rockets"
    assert first["user_id"] == api.get("me")["id"]
    assert first["date_created"] and first["date_updated"]
    second = api.post("activity/note", {"lead_id": lead["id"], "note": "Sent the price list"})

    assert api.get("activity/note/" + first["id"])["note"] == "Spoke about rockets"
    listed = api.get("activity/note", params={"lead_id": lead["id"]})
    assert [item["id"] for item in listed["data"]] == [second["id"], first["id"]]  # newest first
    assert {item["note"] for item in listed["data"]} == {"Spoke about rockets", "Sent the price list"}
    assert listed["has_more"] is False

    everything = api.get("activity", params={"lead_id": lead["id"]})
    types = {item["id"]: item["_type"] for item in everything["data"]}
    assert types[first["id"]] == "Note" and types[second["id"]] == "Note"
    assert list(types.values()).count("Created") == 1

    page = api.get("activity/note", params={"lead_id": lead["id"], "_limit": 1})
    assert len(page["data"]) == 1 and page["has_more"] is True

    with pytest.raises(APIError) as raised:
        api.get("activity/note/acti_doesnotexist0000000000")
    assert raised.value.response.status_code == 404


def test_tasks_created_listed_and_completed(api):
    lead = api.post("lead", {"name": "Task Co"})
    task = api.post("task", {"lead_id": lead["id"], "text": "Follow up on rockets", "date": "2027-01-15"})
    assert task["id"].startswith("task_")
    assert task["_type"] == "lead"
    assert task["lead_id"] == lead["id"]
    assert task["lead_name"] == "Task Co"
    assert task["text"] == "Follow up on rockets"
    assert task["date"].startswith("2027-01-15")
    assert task["is_complete"] is False
    assert task["assigned_to"] == api.get("me")["id"]
    other = api.post("task", {"_type": "lead", "lead_id": lead["id"], "text": "Send the contract", "date": "2027-02-01"})

    assert api.get("task/" + task["id"])["text"] == "Follow up on rockets"
    listed = api.get("task", params={"lead_id": lead["id"]})
    assert {item["id"] for item in listed["data"]} == {task["id"], other["id"]}

    done = api.put("task/" + task["id"], {"is_complete": True})
    assert done["is_complete"] is True
    assert done["text"] == "Follow up on rockets"
    assert done["date_updated"] >= task["date_updated"]
    changed = api.put("task/" + other["id"], {"text": "Send the signed contract"})
    assert changed["text"] == "Send the signed contract" and changed["is_complete"] is False

    incomplete = api.get("task", params={"lead_id": lead["id"], "is_complete": "false"})
    assert [item["id"] for item in incomplete["data"]] == [other["id"]]
    complete = api.get("task", params={"lead_id": lead["id"], "is_complete": "true"})
    assert [item["id"] for item in complete["data"]] == [task["id"]]
    assert api.get("task/" + task["id"])["is_complete"] is True
