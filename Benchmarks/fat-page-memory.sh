#!/usr/bin/env bash
# Resident memory under pages of very large leads (issue 15): LEADS leads (default 300) of CONTACTS
# contacts each (default 1,000), created through the API, then READERS concurrent clients (default 8)
# each reading the whole list as one page (`_limit=LEADS`) ROUNDS times. Prints the page's size, the
# server's resident memory before, at its peak during the reads (sampled every 0.1 s) and after.
#
# Usage: Benchmarks/fat-page-memory.sh [leads] [contacts] [readers] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
LEADS=${1:-300}
CONTACTS=${2:-1000}
READERS=${3:-8}
ROUNDS=${4:-3}
PORT=${CLOSR_BENCH_PORT:-18385}
swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
"$BIN" serve --port "$PORT" --database "sqlite:$WORK/closr.sqlite" --log-level warning --rate-limit off >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
KEY=$(sed -n 's/^API key: //p' "$WORK/out")
BASE="http://127.0.0.1:$PORT/api/v1"
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$SERVER/status"; }
python3 - "$BASE" "$KEY" "$LEADS" "$CONTACTS" <<'PY'
import base64, json, sys, time, urllib.request
base, key, leads, contacts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
started = time.time()
for lead in range(leads):
    body = {"name": f"Big {lead}", "contacts": [{"name": f"Person {lead}-{c}", "title": "Buyer",
            "emails": [{"type": "office", "email": f"p{c}@big{lead}.example"}],
            "phones": [{"type": "office", "phone": f"+1555{(lead * contacts + c) % 10_000_000:07d}"}]} for c in range(contacts)]}
    request = urllib.request.Request(base + "/lead/", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": auth, "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
print(f"created {leads} leads of {contacts} contacts in {time.time() - started:.1f} s ({(time.time() - started) / leads * 1000:.0f} ms per lead)")
PY
BEFORE=$(rss)
( peak=0; while kill -0 "$SERVER" 2>/dev/null; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" > "$WORK/peak"; sleep 0.1; done ) &
SAMPLER=$!
AUTH="Authorization: Basic $(printf '%s:' "$KEY" | base64 -w0)"
SIZE=$(curl -fs -H "$AUTH" "$BASE/lead/?_limit=$LEADS" | wc -c)
started=$(date +%s.%N)
READER_PIDS=()
for _ in $(seq 1 "$READERS"); do
    ( for _ in $(seq 1 "$ROUNDS"); do curl -fs -H "$AUTH" "$BASE/lead/?_limit=$LEADS" -o /dev/null; done ) &
    READER_PIDS+=($!)
done
# The readers only: a bare `wait` would also wait for the sampler, which runs as long as the server.
wait "${READER_PIDS[@]}" || true
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
sleep 1
kill $SAMPLER 2>/dev/null || true
echo "page of $LEADS leads: $((SIZE / 1048576)) MiB; $READERS readers x $ROUNDS rounds in ${elapsed} s"
echo "server resident memory: before $BEFORE MiB, peak $(cat "$WORK/peak") MiB, after $(rss) MiB"
