#!/usr/bin/env bash
# What checking an API key costs: requests/second and p99 latency of an authenticated
# GET /api/v1/me/ against the unauthenticated trivial route GET /healthz, measured in the same run
# (this machine is shared and noisy, so only the ratio means much). Rounds alternate between the
# routes and the best round of each is reported. Two authenticated cases: one key, and requests spread
# over ORGS × KEYS_PER_ORG keys (default 100 × 10 = 1,000 active keys, one user each).
#
# Usage: Benchmarks/auth-overhead.sh [seconds-per-round] [rounds] [connections] [orgs] [keys-per-org]
# Environment: CLOSR_BENCH_POSTGRES=postgres://… runs it on PostgreSQL (in a new schema).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_ROUND=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=${3:-32}
ORGS=${4:-100}
KEYS_PER_ORG=${5:-10}
PORT=${CLOSR_BENCH_PORT:-18181}

if ! command -v wrk >/dev/null; then
    echo "installing wrk…" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    case "$CLOSR_BENCH_POSTGRES" in *\?*) sep="&" ;; *) sep="?" ;; esac
    DATABASE="${CLOSR_BENCH_POSTGRES}${sep}schema=bench_keys_$(date +%s)_$$"
else
    DATABASE="sqlite:$WORK/closr.sqlite"
fi
echo "database: ${DATABASE%%\?*}"
# Rate limiting off: this measures authentication, not the limiter's refusals.
"$BIN" serve --port "$PORT" --database "$DATABASE" --log-level warning --rate-limit off >"$WORK/out" 2>"$WORK/err" &
SERVER=$!
for _ in $(seq 1 100); do
    grep -q '^API key: ' "$WORK/out" 2>/dev/null && curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.1
done
KEY=$(sed -n 's/^API key: //p' "$WORK/out")
[ -n "$KEY" ] || { echo "server did not start" >&2; cat "$WORK/err" >&2; exit 1; }
AUTH="Authorization: Basic $(printf '%s:' "$KEY" | base64 -w0)"
curl -fs -H "$AUTH" "http://127.0.0.1:$PORT/api/v1/me/" >/dev/null
if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    Benchmarks/seed_postgres.sh keys "$DATABASE" "$ORGS" "$KEYS_PER_ORG" "$WORK/headers"
else
    python3 Benchmarks/seed_keys.py "$WORK/closr.sqlite" "$ORGS" "$KEYS_PER_ORG" "$WORK/headers"
fi
export CLOSR_BENCH_HEADERS="$WORK/headers"
MANY=$(wc -l < "$WORK/headers")

# run NAME URL [header|many]: one wrk round; prints "rps p99_ms".
run() {
    local out
    if [ "${3:-}" = many ]; then
        out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_ROUND}s" --latency -s Benchmarks/rotate-keys.lua "$2")
    elif [ -n "${3:-}" ]; then
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

# Warm the routes up (the many-keys pass also fills the verified-key and /me/ caches).
wrk -t2 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT/healthz" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d2s -H "$AUTH" "http://127.0.0.1:$PORT/api/v1/me/" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d3s -s Benchmarks/rotate-keys.lua "http://127.0.0.1:$PORT/api/v1/me/" >/dev/null

best() { # best NAME RPS P99: keeps the highest-throughput round per case
    if awk -v a="$2" -v b="${BEST_RPS[$1]:-0}" 'BEGIN{exit !(a>b)}'; then BEST_RPS[$1]=$2; BEST_P99[$1]=$3; fi
}
declare -A BEST_RPS BEST_P99
for round in $(seq 1 "$ROUNDS"); do
    read -r base_rps base_p99 < <(run healthz "http://127.0.0.1:$PORT/healthz")
    read -r one_rps one_p99 < <(run me "http://127.0.0.1:$PORT/api/v1/me/" "$AUTH")
    read -r many_rps many_p99 < <(run many "http://127.0.0.1:$PORT/api/v1/me/" many)
    printf 'round %d: /healthz %8.0f req/s p99 %6.2f ms | me, 1 key %8.0f req/s p99 %6.2f ms | me, %d keys %8.0f req/s p99 %6.2f ms\n' \
        "$round" "$base_rps" "$base_p99" "$one_rps" "$one_p99" "$MANY" "$many_rps" "$many_p99"
    best base "$base_rps" "$base_p99"; best one "$one_rps" "$one_p99"; best many "$many_rps" "$many_p99"
done

echo "baseline   GET /healthz (no key)                     : ${BEST_RPS[base]} req/s, p99 ${BEST_P99[base]} ms"
echo "with key   GET /api/v1/me/ (1 key)                   : ${BEST_RPS[one]} req/s, p99 ${BEST_P99[one]} ms"
echo "with keys  GET /api/v1/me/ ($MANY keys, $ORGS orgs) : ${BEST_RPS[many]} req/s, p99 ${BEST_P99[many]} ms"
awk -v a="${BEST_RPS[one]}" -v b="${BEST_RPS[base]}" 'BEGIN{printf "auth/unauth throughput ratio, 1 key    : %.3f (goal >= 0.85)\n", a/b}'
awk -v a="${BEST_RPS[many]}" -v b="${BEST_RPS[base]}" -v n="$MANY" 'BEGIN{printf "auth/unauth throughput ratio, %d keys: %.3f (goal >= 0.85)\n", n, a/b}'
