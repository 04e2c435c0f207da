#!/usr/bin/env python3
"""Inbound posts survive `kill -9`: a post answered 2xx is in the database after a restart.

Starts a fresh `closr serve` on a fresh SQLite file (or a new PostgreSQL schema with --postgres URL),
makes an inbound-scoped key with `closr keys create --scope inbound`, and runs THREADS threads, each
posting inbound leads (JSON, a new email every post) in a loop over one keep-alive connection and
recording the lead_id of every 2xx answer. After SECONDS seconds the server gets SIGKILL mid-load. The
server is started again on the same database and every recorded lead_id is read back with
GET /api/v1/lead/{id}/ (the admin's first-start key, Basic auth), and the leads are counted with
GET /api/v1/lead/?_limit=1 (total_results).

A post whose transaction committed but whose answer never arrived is in the database without being
recorded, so the database may hold more leads than were answered — at most as many more as there were
posts in flight at the kill.

Exits 1 if any answered lead is missing after the restart (or fewer leads than answers are counted).

Usage: Benchmarks/inbound-kill9.py [BINARY] [--threads 16] [--seconds 5] [--postgres URL] [--port N]
Python 3 standard library only.
"""
import argparse
import base64
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", nargs="?", default=".build/release/closr", help="closr binary (default .build/release/closr)")
    parser.add_argument("--threads", type=int, default=16, help="posting threads (default 16)")
    parser.add_argument("--seconds", type=float, default=5, help="seconds of load before SIGKILL (default 5)")
    parser.add_argument("--postgres", help="postgres://… URL: run on a new schema of this database instead of SQLite")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLOSR_BENCH_PORT", "18388")))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server output)")
    return parser.parse_args()


class Server:
    def __init__(self, binary, port, database, work):
        self.binary, self.port, self.database, self.work = binary, port, database, work
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        out = open(os.path.join(self.work, f"out-{self.starts}"), "wb")
        err = open(os.path.join(self.work, f"err-{self.starts}"), "wb")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--database", self.database, "--log-level", "warning",
             "--rate-limit", "off", "--inbound-rate-limit", "off"],
            stdout=out, stderr=err,
        )
        out.close()
        err.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        sys.stderr.write(self.output("err"))
        raise SystemExit(f"server did not start (start {self.starts})")

    def output(self, stream):
        with open(os.path.join(self.work, f"{stream}-{self.starts}"), errors="replace") as f:
            return f.read()

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Poster(threading.Thread):
    """Posts inbound leads over one keep-alive connection until told to stop."""

    def __init__(self, number, port, key, tag, stop):
        super().__init__(daemon=True)
        self.number, self.port, self.key, self.tag, self.stop = number, port, key, tag, stop
        self.lead_ids = []
        self.non2xx = 0
        self.statuses = {}
        self.errors_before_kill = 0
        self.unanswered_at_kill = 0
        self.sent = 0

    def run(self):
        conn = None
        counter = 0
        while not self.stop.is_set():
            counter += 1
            body = json.dumps({
                "first_name": "Ada", "last_name": f"Kill {self.number}-{counter}",
                "email": f"{self.tag}-{self.number}-{counter}@kill9.example", "phone": f"+1555{counter % 10_000_000:07d}",
                "company": f"Kill Co {self.number}-{counter}", "message": "Please call me back.", "utm_source": "google",
            })
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.sent += 1
                conn.request("POST", "/api/leads/inbound", body=body,
                             headers={"Content-Type": "application/json", "x-api-key": self.key})
                response = conn.getresponse()
                data = response.read()
                if 200 <= response.status < 300:
                    self.lead_ids.append(json.loads(data)["lead_id"])
                else:
                    self.non2xx += 1
                    self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            except (OSError, http.client.HTTPException, ValueError):
                # The stop flag is set just before the kill: an error once it is set is a post that was
                # on its way (or on the wire) when the server died.
                if self.stop.is_set():
                    self.unanswered_at_kill += 1
                    break
                self.errors_before_kill += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()


def basic(key):
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def get_json(conn, path, auth):
    conn.request("GET", path, headers={"Authorization": auth})
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def check_leads(port, auth, lead_ids, workers=4):
    """(found, missing ids, other answers) for GET /api/v1/lead/{id}/ of every id."""
    found = 0
    missing = []
    other = {}
    lock = threading.Lock()
    chunks = [lead_ids[i::workers] for i in range(workers)]

    def work(chunk):
        nonlocal found
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        f, m, o = 0, [], {}
        for lead_id in chunk:
            status, data = get_json(conn, f"/api/v1/lead/{lead_id}/", auth)
            if status == 200 and json.loads(data).get("id") == lead_id:
                f += 1
            elif status == 404:
                m.append(lead_id)
            else:
                o[status] = o.get(status, 0) + 1
        conn.close()
        with lock:
            found += f
            missing.extend(m)
            for s, n in o.items():
                other[s] = other.get(s, 0) + n

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return found, missing, other


def main():
    args = parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"{binary} is not an executable: build it with `swift build -c release --product closr`")
    work = tempfile.mkdtemp(prefix="closr-kill9-")
    schema = None
    if args.postgres:
        schema = f"kill9_{int(time.time())}_{secrets.token_hex(3)}"
        database = args.postgres + ("&" if "?" in args.postgres else "?") + f"schema={schema}"
    else:
        database = f"sqlite:{work}/closr.sqlite"
    server = Server(binary, args.port, database, work)
    try:
        server.start()
        match = re.search(r"^API key: (closr_\S+)", server.output("out"), re.M)
        if not match:
            raise SystemExit("no first-start API key in the server's output:\n" + server.output("out"))
        admin_auth = basic(match.group(1))
        created = subprocess.run(
            [binary, "keys", "create", "--label", "kill9", "--scope", "inbound", "--database", database],
            capture_output=True, text=True, check=True,
        )
        keys = re.findall(r"closr_\S+", created.stdout)
        if not keys:
            raise SystemExit("closr keys create printed no key:\n" + created.stdout + created.stderr)
        inbound_key = keys[-1]

        print(f"database: {database.split('?')[0]}{' schema ' + schema if schema else ''}; "
              f"{args.threads} threads posting for {args.seconds:g} s, then SIGKILL")
        stop = threading.Event()
        tag = secrets.token_hex(4)
        posters = [Poster(n, args.port, inbound_key, tag, stop) for n in range(1, args.threads + 1)]
        for p in posters:
            p.start()
        time.sleep(args.seconds)
        stop.set()
        server.kill9()
        for p in posters:
            p.join(timeout=60)

        answered = [lead_id for p in posters for lead_id in p.lead_ids]
        sent = sum(p.sent for p in posters)
        non2xx = sum(p.non2xx for p in posters)
        statuses = {}
        for p in posters:
            for s, n in p.statuses.items():
                statuses[s] = statuses.get(s, 0) + n
        errors_before = sum(p.errors_before_kill for p in posters)
        unanswered = sum(p.unanswered_at_kill for p in posters)

        server.start()
        if "API key:" in server.output("out"):
            print("anomaly: the second start printed a new first-start key (the database was not found?)")
        found, missing, other = check_leads(args.port, admin_auth, answered)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        status, data = get_json(conn, "/api/v1/lead/?_limit=1", admin_auth)
        conn.close()
        total = json.loads(data)["total_results"] if status == 200 else None

        print(f"posts sent: {sent} ({sent / args.seconds:.0f}/s)")
        print(f"posts answered 2xx before the kill: {len(answered)} ({len(set(answered))} distinct lead ids)")
        print(f"non-2xx answers: {non2xx} {statuses if statuses else ''}".rstrip())
        print(f"connection errors before the kill: {errors_before}")
        print(f"posts in flight at the kill (no answer, connection dropped): {unanswered}")
        print(f"answered leads found after restart: {found} of {len(answered)}; missing: {len(missing)}"
              + (f"; other answers {other}" if other else ""))
        if missing:
            print("missing lead ids (first 20): " + ", ".join(missing[:20]))
        print(f"leads in the database after restart: {total}")
        failed = bool(missing) or bool(other) or total is None or total < len(answered)
        if total is not None:
            extra = total - len(answered)
            print(f"leads committed whose answer never arrived: {extra} (at most {unanswered} were in flight)")
            if extra > unanswered:
                print("anomaly: more unanswered leads in the database than posts in flight")
                failed = True
        print("RESULT: " + ("FAIL" if failed else "ok: every post answered 2xx survived kill -9"))
        return 1 if failed else 0
    finally:
        server.stop()
        if schema:
            subprocess.run(["psql", "-X", "-q", args.postgres.split("?")[0], "-c", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'],
                           capture_output=True)
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
