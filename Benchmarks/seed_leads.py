#!/usr/bin/env python3
"""Seeds a Closr SQLite database's first organization with N leads, each with 2 contacts and 1
opportunity, written as Closr writes them (same columns, JSON shapes, microsecond timestamps).
Prints how long it took and writes a sample of lead ids (one per line) for load tests.

Usage: seed_leads.py DATABASE N IDS_FILE [SAMPLE=1000]
"""
import json
import os
import random
import sqlite3
import sys
import time

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def closr_id(prefix, millis):
    """prefix_ + base62(48-bit ms || 80 random bits), 22 characters, as ClosrID.make."""
    value = (millis & 0xFFFFFFFFFFFF) << 80 | random.getrandbits(80)
    digits = []
    for _ in range(22):
        value, remainder = divmod(value, 62)
        digits.append(ALPHABET[remainder])
    return prefix + "_" + "".join(reversed(digits))


def main():
    database, count, ids_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sample = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    started = time.time()
    db = sqlite3.connect(database, timeout=60)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    org, user = db.execute(
        "SELECT organization_id, user_id FROM memberships WHERE role_id = 'admin' ORDER BY date_created LIMIT 1").fetchone()
    lead_status = db.execute(
        "SELECT id FROM statuses WHERE organization_id = ? AND kind = 'lead' ORDER BY position LIMIT 1", (org,)).fetchone()[0]
    opp_status = db.execute(
        "SELECT id FROM statuses WHERE organization_id = ? AND kind = 'opportunity' ORDER BY position LIMIT 1", (org,)).fetchone()[0]
    base = int(time.time() * 1_000_000) - count * 1000
    ids = []
    batch = 20_000
    for start in range(0, count, batch):
        leads, contacts, opportunities = [], [], []
        for index in range(start, min(start + batch, count)):
            micros = base + index * 1000
            lead = closr_id("lead", micros // 1000)
            leads.append((lead, org, f"Company {index}", "", f"https://company{index}.example", lead_status,
                          json.dumps([{"address_1": f"{index} Main St", "address_2": None, "city": "Springfield",
                                       "country": "US", "label": "business", "state": "CA", "zipcode": "90000"}],
                                     separators=(",", ":")),
                          "{}", user, user, micros, micros))
            for person in range(2):
                contacts.append((closr_id("cont", micros // 1000), org, lead, f"Person {index}-{person}", "Buyer",
                                 json.dumps([{"type": "office", "email": f"p{person}@company{index}.example",
                                              "is_unsubscribed": False}], separators=(",", ":")),
                                 json.dumps([{"type": "office", "phone": f"+1555{index % 10_000_000:07d}"}], separators=(",", ":")),
                                 "[]", "{}", user, user, micros, micros))
            opportunities.append((closr_id("oppo", micros // 1000), org, lead, opp_status, 100_000 + index % 900_000,
                                  "one_time", "USD", 50, "", None, user, None, "{}", user, user, micros, micros))
            if len(ids) < sample and random.random() < sample / count * 1.2:
                ids.append(lead)
        with db:
            db.executemany("INSERT INTO leads (id, organization_id, name, description, url, status_id, addresses, custom,"
                           " created_by, updated_by, date_created, date_updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", leads)
            db.executemany("INSERT INTO contacts (id, organization_id, lead_id, name, title, emails, phones, urls, custom,"
                           " created_by, updated_by, date_created, date_updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", contacts)
            db.executemany("INSERT INTO opportunities (id, organization_id, lead_id, status_id, value, value_period,"
                           " value_currency, confidence, note, date_won, user_id, contact_id, custom, created_by,"
                           " updated_by, date_created, date_updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", opportunities)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    random.shuffle(ids)  # requests then jump around the database instead of walking it in order
    with open(ids_file, "w") as out:
        out.write("\n".join(ids) + "\n")
    print(f"seeded {count} leads, {2 * count} contacts, {count} opportunities in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
