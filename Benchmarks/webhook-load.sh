#!/usr/bin/env bash
# Webhooks off the request path (issue 16's figures), on a release build and a fresh SQLite file (or
# PostgreSQL with CLOSR_BENCH_POSTGRES=postgres://…): lead creation (POST /lead/ with 2 contacts,
# wrk c=16) with no webhook subscription and with two active subscriptions to a local receiver
# (Benchmarks/webhook_receiver.py), each on a fresh server and database, alternated ROUNDS times (ABBA)
# so the noisy machine hits both alike; the outbox is drained after each measurement with subscriptions. Then the time from a change to its delivery: leads created
# one at a time at about 20 per second with both subscriptions, p50/p99 of (arrival − the event's
# date_created) at the receiver.
#
# Usage: Benchmarks/webhook-load.sh [seconds-per-measurement] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
ROUNDS=${2:-2}
PORT=${CLOSR_BENCH_PORT:-18384}
HOOK_PORT=$((PORT + 1))
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 1
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    case "$CLOSR_BENCH_POSTGRES" in *\?*) sep="&" ;; *) sep="?" ;; esac
    DATABASE="${CLOSR_BENCH_POSTGRES}${sep}schema=bench_$(date +%s)_$$"
else
    DATABASE="sqlite:$WORK/closr.sqlite"
fi

python3 Benchmarks/webhook_receiver.py "$HOOK_PORT" "$WORK/arrivals" &
RECEIVER=$!
PIDS+=($RECEIVER)
SERVER=""
RUN=0
# A fresh server on a fresh database for each measurement: creation slows as a database grows, so
# measurements made one after another on one database would favour whichever came first.
start_server() {
    RUN=$((RUN + 1))
    local database="$DATABASE"
    if [ -z "${CLOSR_BENCH_POSTGRES:-}" ]; then database="sqlite:$WORK/closr-$RUN.sqlite"; else database="${DATABASE}_$RUN"; fi
    "$BIN" serve --port "$PORT" --database "$database" --secret-key-file "$WORK/secret.key" --log-level warning \
        --rate-limit off --allow-private-webhooks >"$WORK/out" 2>"$WORK/err" &
    SERVER=$!
    PIDS+=($SERVER)
    for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    KEY=$(sed -n 's/^API key: //p' "$WORK/out")
    AUTH="Authorization: Basic $(printf '%s:' "$KEY" | base64 -w0)"
    rm -f "$WORK/subscriptions"
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }
BASE="http://127.0.0.1:$PORT"
api() { curl -fsS -X "$1" -H "$AUTH" -H 'Content-Type: application/json' "$BASE/api/v1/$2" ${3:+-d "$3"}; }

subscribe() {
    for _ in 1 2; do
        api POST webhook/ "{\"url\": \"http://127.0.0.1:$HOOK_PORT/hook\", \"events\": [{\"object_type\": \"lead\", \"action\": \"created\"}]}" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' >> "$WORK/subscriptions"
    done
}
unsubscribe() {
    [ -f "$WORK/subscriptions" ] || return 0
    while read -r id; do api DELETE "webhook/$id/" >/dev/null; done < "$WORK/subscriptions"
    rm -f "$WORK/subscriptions"
}
# Waits until the receiver has as many deliveries as there are lead events times subscriptions so far.
drain() {
    local expected=$1
    for _ in $(seq 1 1200); do
        [ "$(wc -l < "$WORK/arrivals")" -ge "$expected" ] && return
        sleep 0.25
    done
    echo "the outbox did not drain: $(wc -l < "$WORK/arrivals") of $expected" >&2
}

# CPU seconds (user + system) a process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }

measure() {
    local label=$1 out rps p99 server_cpu receiver_cpu
    wrk -t2 -c16 -d2s -H "$AUTH" -s Benchmarks/create-leads.lua "$BASE" >/dev/null
    server_cpu=$(cpu "$SERVER"); receiver_cpu=$(cpu "$RECEIVER")
    out=$(wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -H "$AUTH" -s Benchmarks/create-leads.lua "$BASE")
    server_cpu=$(echo "$(cpu "$SERVER") - $server_cpu" | bc -l); receiver_cpu=$(echo "$(cpu "$RECEIVER") - $receiver_cpu" | bc -l)
    if echo "$out" | grep -q "Non-2xx"; then echo "$label: errors" >&2; echo "$out" >&2; exit 1; fi
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}')
    printf '%-52s %8s req/s   p99 %8s ms   CPU s: closr %s, receiver %s\n' "$label" "$rps" "$p99" "$server_cpu" "$receiver_cpu"
    echo "$rps" > "$WORK/last"
}
leads() { api GET "lead/?_limit=1&_fields=id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_results"])'; }

echo "database: ${DATABASE%%\?*} (a fresh one for each measurement)"
touch "$WORK/arrivals"
delivered_before=0
# One measurement with the two subscriptions, on a fresh server; the outbox is drained afterwards.
measure_with() {
    start_server
    subscribe
    measure "round $1: POST /lead/ (2 contacts), 2 subscriptions"
    with=$(cat "$WORK/last")
    delivered_before=$((delivered_before + 2 * $(leads)))
    local start
    start=$(date +%s.%N)
    drain "$delivered_before"
    printf 'round %s: outbox drained %.1f s after the load ended (%s deliveries so far)\n' "$1" "$(echo "$(date +%s.%N) - $start" | bc -l)" "$delivered_before"
    stop_server
}
measure_without() {
    start_server
    measure "round $1: POST /lead/ (2 contacts), no subscription"
    without=$(cat "$WORK/last")
    stop_server
}
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then measure_without "$round"; measure_with "$round"; else measure_with "$round"; measure_without "$round"; fi
    printf 'round %s: with / without = %.3f\n' "$round" "$(echo "$with / $without" | bc -l)"
done

# Latency from change to delivery, at a modest steady rate.
: > "$WORK/arrivals"
start_server
subscribe
for i in $(seq 1 300); do
    api POST lead/ "{\"name\": \"Latency $i\"}" >/dev/null
    sleep 0.05
done
drain 600
python3 - "$WORK/arrivals" <<'PY'
import sys
lat = sorted((float(a) - float(c)) * 1000 for a, c in (l.split() for l in open(sys.argv[1])) if float(c) > 0)
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"change → delivery over {len(lat)} deliveries (2 subscriptions, ~20 leads/s): p50 {pick(0.5):.1f} ms, p99 {pick(0.99):.1f} ms, max {lat[-1]:.1f} ms")
PY
stop_server
