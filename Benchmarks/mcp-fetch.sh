#!/usr/bin/env bash
# The MCP tool fetch_lead over Streamable HTTP (POST /mcp, one JSON-RPC tools/call each;
# Benchmarks/mcp-fetch-lead.lua) beside its baseline in the same run, GET /api/v1/lead/{id}/
# (Benchmarks/get-leads.lua), on a release build, one server and one SQLite database seeded with LEADS
# leads of 2 contacts each (fetch_lead only reads). wrk -t2 -c16, a 2-second warm-up then SECONDS
# seconds per measurement, in ABBA order ROUNDS times so the noisy machine hits both alike. Prints
# requests/s, p99 and the server's CPU time per request of each run, and the MCP/GET ratio of each pair
# and overall (goal >= 0.5). A failing tool call stops wrk's thread (the lua script checks every answer
# is a successful tool result) and the script exits non-zero on any non-2xx answer.
#
# Usage: Benchmarks/mcp-fetch.sh [seconds-per-measurement] [rounds] [leads]
# Environment: CLOSR_BENCH_PORT (default 18387).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
ROUNDS=${2:-2}
LEADS=${3:-200}
PORT=${CLOSR_BENCH_PORT:-18387}
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
BASE="http://127.0.0.1:$PORT"

"$BIN" serve --port "$PORT" --database "sqlite:$WORK/closr.sqlite" --log-level warning --rate-limit off >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
up=""
for _ in $(seq 1 300); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
[ -n "$up" ] || { echo "server did not start" >&2; cat "$WORK/err" >&2; exit 1; }
KEY=$(sed -n 's/^API key: //p' "$WORK/out")
[ -n "$KEY" ] || { echo "no first-start API key in the server's output" >&2; exit 1; }
AUTH="Authorization: Basic $(printf '%s:' "$KEY" | base64 -w0)"
for i in $(seq 1 "$LEADS"); do
    curl -fs -H "$AUTH" -H 'Content-Type: application/json' "$BASE/api/v1/lead/" \
        -d "{\"name\": \"Bench $i\", \"description\": \"A lead to fetch\", \"contacts\": [{\"name\": \"Ada $i\", \"emails\": [{\"email\": \"ada$i@bench.example\"}]}, {\"name\": \"Bob $i\", \"phones\": [{\"phone\": \"+1415555$(printf '%04d' "$i")\"}]}]}" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' >> "$WORK/ids"
done
export CLOSR_BENCH_IDS="$WORK/ids"
# The two answers carry the same lead: the MCP one wraps it (as JSON text and as structured content).
GET_BYTES=$(curl -fs -H "$AUTH" "$BASE/api/v1/lead/$(head -1 "$WORK/ids")/" | wc -c)
MCP_BYTES=$(curl -fs -H "$AUTH" -H 'Content-Type: application/json' "$BASE/mcp" \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"fetch_lead\",\"arguments\":{\"id\":\"$(head -1 "$WORK/ids")\"}}}" | wc -c)

cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"; }
FAILED=0
run() {
    local label=$1 script=$2 out rps p99 non2xx requests before cpu_ms
    wrk -t2 -c16 -d2s -H "$AUTH" -s "$script" "$BASE" >/dev/null
    before=$(cpu "$SERVER")
    out=$(wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -H "$AUTH" -s "$script" "$BASE")
    cpu_ms=$(echo "($(cpu "$SERVER") - $before) * 1000" | bc -l)
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}')
    non2xx=$(echo "$out" | awk -F': *' '/Non-2xx/ {print $2}')
    non2xx=${non2xx:-0}
    [ "$non2xx" = 0 ] || { FAILED=1; echo "$out" >&2; }
    # wrk's thread stops at a failed tool call: far fewer requests than the time allows shows it.
    printf '%-44s %6s req/s  p99 %7s ms  non-2xx %s  closr CPU %.3f ms/request\n' "$label" "$rps" "$p99" "$non2xx" "$(echo "$cpu_ms / $requests" | bc -l)"
    RPS=$rps
}

echo "binary: $BIN (tree at $(git rev-parse --short HEAD 2>/dev/null || echo ?)$(git diff --quiet HEAD -- Sources 2>/dev/null || echo ' + uncommitted Sources changes'))"
echo "SQLite, $LEADS leads with 2 contacts; wrk -t2 -c16, 2 s warm-up + ${SECONDS_EACH} s; answers: GET $GET_BYTES bytes, MCP $MCP_BYTES bytes"
SUM_A=0
SUM_B=0
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then
        run "round $round A: GET /api/v1/lead/{id}/" Benchmarks/get-leads.lua; a=$RPS
        run "round $round B: MCP fetch_lead (POST /mcp)" Benchmarks/mcp-fetch-lead.lua; b=$RPS
    else
        run "round $round B: MCP fetch_lead (POST /mcp)" Benchmarks/mcp-fetch-lead.lua; b=$RPS
        run "round $round A: GET /api/v1/lead/{id}/" Benchmarks/get-leads.lua; a=$RPS
    fi
    SUM_A=$((SUM_A + a)); SUM_B=$((SUM_B + b))
    printf 'round %s: MCP fetch_lead / GET lead = %.3f\n' "$round" "$(echo "$b / $a" | bc -l)"
done
printf 'overall (%s rounds): GET %.0f req/s, MCP fetch_lead %.0f calls/s, MCP / GET = %.3f (goal >= 0.5)\n' "$ROUNDS" \
    "$(echo "$SUM_A / $ROUNDS" | bc -l)" "$(echo "$SUM_B / $ROUNDS" | bc -l)" "$(echo "$SUM_B / $SUM_A" | bc -l)"
[ "$FAILED" -eq 0 ] || { echo "some runs had non-2xx answers" >&2; exit 1; }
