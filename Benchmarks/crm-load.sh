#!/usr/bin/env bash
# CRM core under load, on a release build (issue 5's figures). Seeds LEADS leads (default 1,000,000)
# with 2 contacts and 1 opportunity each, then measures, each beside the trivial-route baseline of the
# same run: GET /lead/{id}/ (at 32 connections for throughput, at 2 for the time of one request); a page
# of 100 leads with contacts (at 2 and at 8 connections: on 2 cores the second measures queueing as much
# as the page); a page deep in the list; creating a lead with 2 contacts. Reports the server's peak
# resident memory and the database size per lead.
#
# Usage: Benchmarks/crm-load.sh [leads] [seconds-per-measurement]
# Environment: CLOSR_BENCH_POSTGRES=postgres://… runs it on PostgreSQL (in a new schema) instead of an
# SQLite file; with it, CLOSR_BENCH_NODES=2 runs two `closr serve` nodes behind haproxy (round robin)
# on the measured port, and every line (the baseline too) goes through the balancer.
set -euo pipefail
cd "$(dirname "$0")/.."
LEADS=${1:-1000000}
SECONDS_EACH=${2:-10}
PORT=${CLOSR_BENCH_PORT:-18383}
NODES=${CLOSR_BENCH_NODES:-1}

command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
if [ "$NODES" -gt 1 ]; then command -v haproxy >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq haproxy >/dev/null; }; fi
swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
SERVERS=()
BALANCER=""
trap 'for s in "${SERVERS[@]}" $BALANCER; do kill $s 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT
if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    case "$CLOSR_BENCH_POSTGRES" in *\?*) sep="&" ;; *) sep="?" ;; esac
    DATABASE="${CLOSR_BENCH_POSTGRES}${sep}schema=bench_$(date +%s)_$$"
else
    [ "$NODES" -eq 1 ] || { echo "several nodes need CLOSR_BENCH_POSTGRES" >&2; exit 2; }
    DATABASE="sqlite:$WORK/closr.sqlite"
fi

wait_for() { for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
             echo "server did not start" >&2; cat "$WORK/err" >&2; exit 1; }
# One node on PORT, or NODES nodes on PORT+1… behind haproxy on PORT.
start() {
    if [ "$NODES" -eq 1 ]; then
        "$BIN" serve --port "$PORT" --database "$DATABASE" --log-level warning --rate-limit off >>"$WORK/out" 2>>"$WORK/err" &
        SERVERS=($!)
        wait_for "$PORT"
        return
    fi
    SERVERS=()
    local backends=""
    for n in $(seq 1 "$NODES"); do
        "$BIN" serve --port $((PORT + n)) --database "$DATABASE" --nodes "$NODES" --log-level warning --rate-limit off >>"$WORK/out" 2>>"$WORK/err" &
        SERVERS+=($!)
        backends="$backends    server node$n 127.0.0.1:$((PORT + n))
"
    done
    for n in $(seq 1 "$NODES"); do wait_for $((PORT + n)); done
    printf 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n    option http-keep-alive\nfrontend closr\n    bind 127.0.0.1:%s\n    default_backend nodes\nbackend nodes\n    balance roundrobin\n%s' "$PORT" "$backends" > "$WORK/haproxy.cfg"
    haproxy -q -f "$WORK/haproxy.cfg" &
    BALANCER=$!
    wait_for "$PORT"
}
stop() { for s in "${SERVERS[@]}" $BALANCER; do kill "$s"; wait "$s" 2>/dev/null || true; done; SERVERS=(); BALANCER=""; }

start
KEY=$(sed -n 's/^API key: //p' "$WORK/out")
stop
# A sample of 100,000 lead ids in random order, so reads are spread over the whole database.
if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    Benchmarks/seed_postgres.sh leads "$DATABASE" "$LEADS" "$WORK/ids" 100000
    DB_BYTES=$(PGOPTIONS="-c search_path=${DATABASE##*schema=}" psql -X -At "${CLOSR_BENCH_POSTGRES%%\?*}" -c \
        "SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'")
else
    python3 Benchmarks/seed_leads.py "$WORK/closr.sqlite" "$LEADS" "$WORK/ids" 100000
    DB_BYTES=$(( $(stat -c %s "$WORK/closr.sqlite") ))
fi
start
AUTH="Authorization: Basic $(printf '%s:' "$KEY" | base64 -w0)"
BASE="http://127.0.0.1:$PORT"

# Peak resident memory of each server node, sampled every 0.2 s for the whole run.
( peak=0; while kill -0 "${SERVERS[0]}" 2>/dev/null; do
      for s in "${SERVERS[@]}"; do
          rss=$(awk '/VmRSS/ {print $2}' "/proc/$s/status" 2>/dev/null || echo 0)
          [ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" > "$WORK/peak"
      done
      sleep 0.2
  done ) &

# measure LABEL CONNECTIONS wrk-args…: a 2-second warm-up, then prints "LABEL: N req/s, p99 X ms".
measure() {
    local label=$1 connections=$2; shift 2
    local out
    wrk -t2 -c"$connections" -d2s "$@" >/dev/null   # warm up: caches, first-request work, page cache
    out=$(wrk -t2 -c"$connections" -d"${SECONDS_EACH}s" --latency "$@")
    if echo "$out" | grep -q "Non-2xx"; then echo "$label: errors" >&2; echo "$out" >&2; exit 1; fi
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}')
    printf '%-44s %8s req/s   p99 %8s ms\n' "$label" "$rps" "$p99"
}

export CLOSR_BENCH_IDS="$WORK/ids"
echo "database: ${DATABASE%%\?*} ($NODES node(s)); leads: $LEADS (2 contacts and 1 opportunity each); database $((DB_BYTES / 1048576)) MiB, $((DB_BYTES / LEADS)) bytes per lead"
measure "baseline GET /healthz" 32 "$BASE/healthz"
measure "GET /lead/{id}/ (random ids), c=32" 32 -H "$AUTH" -s Benchmarks/get-leads.lua "$BASE"
measure "GET /lead/{id}/ (random ids), c=2" 2 -H "$AUTH" -s Benchmarks/get-leads.lua "$BASE"
measure "GET /lead/?_limit=100 (with contacts), c=2" 2 -H "$AUTH" "$BASE/api/v1/lead/?_limit=100"
measure "GET /lead/?_limit=100 (with contacts), c=8" 8 -H "$AUTH" "$BASE/api/v1/lead/?_limit=100"
measure "GET /lead/?_skip=$((LEADS - 1000))&_limit=100" 2 -H "$AUTH" "$BASE/api/v1/lead/?_skip=$((LEADS - 1000))&_limit=100"
measure "POST /lead/ with 2 contacts" 16 -H "$AUTH" -s Benchmarks/create-leads.lua "$BASE"
measure "baseline GET /healthz (again)" 32 "$BASE/healthz"
echo "server peak resident memory (largest node): $(( $(cat "$WORK/peak") / 1024 )) MiB"
