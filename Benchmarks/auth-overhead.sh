#!/usr/bin/env bash
# What checking an API key costs: requests/second and p99 latency of an authenticated
# GET /api/v1/me/ against the unauthenticated trivial route GET /healthz, measured in the same run
# (this machine is shared and noisy, so only the ratio means much). Rounds alternate between the two
# routes and the best round of each is reported.
#
# Usage: Benchmarks/auth-overhead.sh [seconds-per-round] [rounds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_ROUND=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=${3:-32}
PORT=${CLOSR_BENCH_PORT:-18181}

if ! command -v wrk >/dev/null; then
    echo "installing wrk…" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN" serve --port "$PORT" --database "sqlite:$WORK/closr.sqlite" --log-level warning >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
for _ in $(seq 1 100); do
    grep -q '^API key: ' "$WORK/out" 2>/dev/null && curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.1
done
KEY=$(sed -n 's/^API key: //p' "$WORK/out")
[ -n "$KEY" ] || { echo "server did not start" >&2; cat "$WORK/err" >&2; exit 1; }
AUTH="Authorization: Basic $(printf '%s:' "$KEY" | base64 -w0)"
curl -fs -H "$AUTH" "http://127.0.0.1:$PORT/api/v1/me/" >/dev/null

# run NAME URL [header]: one wrk round; prints "rps p99_ms".
run() {
    local out
    if [ -n "${3:-}" ]; then
        out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_ROUND}s" --latency -H "$3" "$2")
    else
        out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_ROUND}s" --latency "$2")
    fi
    if echo "$out" | grep -q "Non-2xx"; then echo "$1: non-2xx responses" >&2; echo "$out" >&2; exit 1; fi
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')
    echo "$rps $p99"
}

# Warm both routes up.
wrk -t2 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT/healthz" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d2s -H "$AUTH" "http://127.0.0.1:$PORT/api/v1/me/" >/dev/null

best_base_rps=0; best_base_p99=0; best_auth_rps=0; best_auth_p99=0
for round in $(seq 1 "$ROUNDS"); do
    read -r base_rps base_p99 < <(run healthz "http://127.0.0.1:$PORT/healthz")
    read -r auth_rps auth_p99 < <(run me "http://127.0.0.1:$PORT/api/v1/me/" "$AUTH")
    printf 'round %d: /healthz %10.0f req/s p99 %6.2f ms | /api/v1/me/ %10.0f req/s p99 %6.2f ms\n' \
        "$round" "$base_rps" "$base_p99" "$auth_rps" "$auth_p99"
    if awk -v a="$base_rps" -v b="$best_base_rps" 'BEGIN{exit !(a>b)}'; then best_base_rps=$base_rps; best_base_p99=$base_p99; fi
    if awk -v a="$auth_rps" -v b="$best_auth_rps" 'BEGIN{exit !(a>b)}'; then best_auth_rps=$auth_rps; best_auth_p99=$auth_p99; fi
done

echo "baseline  GET /healthz      : ${best_base_rps} req/s, p99 ${best_base_p99} ms"
echo "with key  GET /api/v1/me/   : ${best_auth_rps} req/s, p99 ${best_auth_p99} ms"
awk -v a="$best_auth_rps" -v b="$best_base_rps" 'BEGIN{printf "auth/unauth throughput ratio: %.3f (goal >= 0.85)\n", a/b}'
