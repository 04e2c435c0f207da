#!/usr/bin/env bash
# Lead search under load, on a release build (issue 15's figures). Seeds LEADS leads (default 1,000,000)
# as crm-load.sh does, then measures, each beside the /healthz baseline and GET /lead/{id}/ of the same
# run: a one-word and a five-word search (p50 and p99); and one tenant sending the worst query the
# limits allow (50 different short prefixes of words every document holds: see WORST) in a loop while
# another tenant's GET /lead/{id}/ p99 is measured, beside the same GET without the noisy tenant
# (measured before and after it, as this machine's quiet p99 itself moves from run to run).
#
# Usage: Benchmarks/search-load.sh [leads] [seconds-per-measurement]
# Environment: CLOSR_BENCH_POSTGRES=postgres://… runs it on PostgreSQL (in a new schema).
set -euo pipefail
cd "$(dirname "$0")/.."
LEADS=${1:-1000000}
SECONDS_EACH=${2:-10}
PORT=${CLOSR_BENCH_PORT:-18384}

command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    case "$CLOSR_BENCH_POSTGRES" in *\?*) sep="&" ;; *) sep="?" ;; esac
    DATABASE="${CLOSR_BENCH_POSTGRES}${sep}schema=bench_search_$(date +%s)_$$"
else
    DATABASE="sqlite:$WORK/closr.sqlite"
fi
start() {
    "$BIN" serve --port "$PORT" --database "$DATABASE" --log-level warning --rate-limit off >>"$WORK/out" 2>>"$WORK/err" &
    SERVER=$!
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
    echo "server did not start" >&2; cat "$WORK/err" >&2; exit 1
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

start
KEY=$(sed -n 's/^API key: //p' "$WORK/out")
stop
started=$(date +%s)
if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    Benchmarks/seed_postgres.sh leads "$DATABASE" "$LEADS" "$WORK/ids" 100000
    Benchmarks/seed_postgres.sh keys "$DATABASE" 1 1 "$WORK/other"
else
    python3 Benchmarks/seed_leads.py "$WORK/closr.sqlite" "$LEADS" "$WORK/ids" 100000
    python3 Benchmarks/seed_keys.py "$WORK/closr.sqlite" 1 1 "$WORK/other"
fi
echo "seeded (search index kept by triggers) in $(( $(date +%s) - started )) s" >&2
start
AUTH="Authorization: Basic $(printf '%s:' "$KEY" | base64 -w0)"
OTHER="Authorization: $(head -1 "$WORK/other")"
BASE="http://127.0.0.1:$PORT"
# The other tenant: a lead status and one lead of its own.
curl -fs -H "$OTHER" -H 'Content-Type: application/json' -d '{"label": "Potential"}' "$BASE/api/v1/status/lead/" >/dev/null
OTHER_LEAD=$(curl -fs -H "$OTHER" -H 'Content-Type: application/json' -d '{"name": "Quiet Tenant Co", "contacts": [{"name": "Q"}]}' \
    "$BASE/api/v1/lead/" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')

# measure LABEL CONNECTIONS wrk-args…: prints "LABEL: N req/s, p50 X ms, p99 Y ms" (non-2xx allowed only
# where ALLOW_ERRORS=1: the noisy tenant's answers are 400s, as the limits intend).
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}'; }
measure() {
    local label=$1 connections=$2; shift 2
    local out
    wrk -t2 -c"$connections" -d2s "$@" >/dev/null
    out=$(wrk -t2 -c"$connections" -d"${SECONDS_EACH}s" --latency "$@")
    if [ "${ALLOW_ERRORS:-0}" != 1 ] && echo "$out" | grep -q "Non-2xx"; then echo "$label: errors" >&2; echo "$out" >&2; exit 1; fi
    local rps p50 p99 errors
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.1f", $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}' | ms)
    p99=$(echo "$out" | awk '$1=="99%" {print $2}' | ms)
    errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    printf '%-52s %8s req/s   p50 %8s ms   p99 %8s ms%s\n' "$label" "$rps" "$p50" "$p99" "${errors:+   ($errors answered 400: past the deadline)}"
}

export CLOSR_BENCH_IDS="$WORK/ids" CLOSR_BENCH_LEADS="$LEADS"
DB_NOTE="${DATABASE%%\?*}"
echo "database: $DB_NOTE; leads: $LEADS (2 contacts each); search deadline 2 s"
measure "baseline GET /healthz" 32 "$BASE/healthz"
measure "GET /lead/{id}/ (random ids), c=2" 2 -H "$AUTH" -s Benchmarks/get-leads.lua "$BASE"
CLOSR_BENCH_WORDS=1 ALLOW_ERRORS=1 measure "search, one word (companyN), c=2" 2 -H "$AUTH" -s Benchmarks/search-leads.lua "$BASE"
CLOSR_BENCH_WORDS=5 ALLOW_ERRORS=1 measure "search, five words, c=2" 2 -H "$AUTH" -s Benchmarks/search-leads.lua "$BASE"
measure "other tenant GET /lead/{id}/, c=2, quiet" 2 -H "$OTHER" "$BASE/api/v1/lead/$OTHER_LEAD/"
# The worst query the limits allow: 50 different words (a word given twice is searched once), each a
# short prefix of the words every seeded document holds, so that no word is rare enough to drive the
# search, every one is a long merge in the index, and the deadline stops it.
WORST="$BASE/api/v1/lead/?_limit=25&query=$(python3 -c '
words = [base[:i] for base in ("company", "person", "example") for i in range(1, len(base) + 1)]
words += [str(d) for d in range(10)] + ["p0", "p1"] + [str(n) for n in range(10, 40)]
print("+".join(list(dict.fromkeys(words))[:50]))')"
wrk -t1 -c2 -d$((SECONDS_EACH + 4))s -H "$AUTH" "$WORST" > "$WORK/noisy" &
NOISY=$!
sleep 2
measure "other tenant GET /lead/{id}/, c=2, noisy tenant" 2 -H "$OTHER" "$BASE/api/v1/lead/$OTHER_LEAD/"
wait $NOISY || true
measure "other tenant GET /lead/{id}/, c=2, quiet (again)" 2 -H "$OTHER" "$BASE/api/v1/lead/$OTHER_LEAD/"
echo "noisy tenant: $(awk '/Requests\/sec/ {printf "%.1f req/s", $2}' "$WORK/noisy"), $(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$WORK/noisy" || echo 'no non-2xx') ($(curl -s -H "$AUTH" "$WORST" | head -c 90)…)"
measure "baseline GET /healthz (again)" 32 "$BASE/healthz"
echo "server resident memory: $(( $(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status") / 1024 )) MiB"
