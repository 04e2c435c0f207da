#!/usr/bin/env python3
"""Seeds a Closr SQLite database with many organizations, each with users holding active API keys,
and writes one `Authorization` header value per key to a file, for load tests that spread requests
over many keys (Benchmarks/auth-overhead.sh).

Usage: seed_keys.py DATABASE ORGANIZATIONS KEYS_PER_ORGANIZATION HEADERS_FILE

Writes rows exactly as Closr does: only the SHA-256 of each secret, a 12-character preview.
"""
import base64
import hashlib
import os
import sqlite3
import sys
import time


def main() -> None:
    database, organizations, keys_per_org, headers_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    now = int(time.time() * 1_000_000)
    connection = sqlite3.connect(database, timeout=30)
    connection.execute("PRAGMA busy_timeout = 30000")
    headers = []
    with connection:
        for org in range(organizations):
            org_id = f"orga_bench{org:06d}{os.urandom(4).hex()}"
            connection.execute(
                "INSERT INTO organizations (id, name, currency, date_created, date_updated) VALUES (?, ?, 'USD', ?, ?)",
                (org_id, f"Bench Org {org}", now, now),
            )
            for member in range(keys_per_org):
                user_id = f"user_bench{org:06d}{member:03d}{os.urandom(4).hex()}"
                connection.execute(
                    "INSERT INTO users (id, email, first_name, last_name, date_created, date_updated) VALUES (?, ?, ?, '', ?, ?)",
                    (user_id, f"user{member}@org{org}.bench.example", f"User{member}", now, now),
                )
                connection.execute(
                    "INSERT INTO memberships (id, organization_id, user_id, role_id, date_created, date_updated)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (f"memb_{os.urandom(10).hex()}", org_id, user_id, "admin" if member == 0 else "user", now, now),
                )
                secret = "closr_" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
                connection.execute(
                    "INSERT INTO api_keys (id, organization_id, user_id, created_by, label, secret_hash, preview, scopes,"
                    " date_created) VALUES (?, ?, ?, ?, 'bench', ?, ?, 'full', ?)",
                    (f"api_{os.urandom(10).hex()}", org_id, user_id, user_id,
                     hashlib.sha256(secret.encode()).hexdigest(), secret[:12], now),
                )
                headers.append("Basic " + base64.b64encode(f"{secret}:".encode()).decode())
    with open(headers_file, "w") as out:
        out.write("\n".join(headers) + "\n")


if __name__ == "__main__":
    main()
