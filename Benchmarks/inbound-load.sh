#!/usr/bin/env bash
# Inbound lead intake under load, on a release build: POST /api/leads/inbound (a web form's JSON post
# with first_name, last_name, a new email every request, phone, company, message and utm_source,
# authenticated by an inbound-scoped x-api-key; Benchmarks/inbound-post.lua) beside its baseline of the
# same run, POST /api/v1/lead/ with a lead and 2 contacts (Basic auth with the admin key;
# Benchmarks/create-leads.lua). wrk -t2 -c16, a 2-second warm-up then SECONDS seconds; each measurement
# on a fresh server and a fresh database (creation slows as a database grows), in ABBA order ROUNDS
# times so the noisy machine hits both alike. Then A, B' (the same post as
# application/x-www-form-urlencoded), B'' (JSON with "_dedupe": "false": no email lookup, no per-email
# serialisation), A. Prints requests/s, p99, wrk's non-2xx count and socket errors and the server's CPU
# time per request of every run, the rows each path writes per lead, and the inbound/lead ratio of each
# pair and overall (goal ≥ 0.8). Exits non-zero if any run had a non-2xx answer.
#
# Usage: Benchmarks/inbound-load.sh [seconds-per-measurement] [rounds]
# Environment: CLOSR_BENCH_POSTGRES=postgres://… runs it on PostgreSQL (a new schema per measurement,
# dropped afterwards) instead of SQLite files; CLOSR_BENCH_PORT (default 18386).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
ROUNDS=${2:-2}
PORT=${CLOSR_BENCH_PORT:-18386}
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
PIDS=()
SCHEMAS=()
PG_URL=""
if [ -n "${CLOSR_BENCH_POSTGRES:-}" ]; then
    case "$CLOSR_BENCH_POSTGRES" in *\?*) sep="&" ;; *) sep="?" ;; esac
    DATABASE="${CLOSR_BENCH_POSTGRES}${sep}schema=bench_$(date +%s)_$$"
    PG_URL="${CLOSR_BENCH_POSTGRES%%\?*}"
else
    DATABASE="sqlite:$WORK/closr.sqlite"
fi
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 1
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    for s in "${SCHEMAS[@]}"; do psql -X -q "$PG_URL" -c "DROP SCHEMA IF EXISTS \"$s\" CASCADE" >/dev/null 2>&1 || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

SERVER=""
RUN=0
RUN_DATABASE=""
BASE="http://127.0.0.1:$PORT"
# A fresh server on a fresh database; sets AUTH (the admin's first-start key, Basic) and INBOUND (an
# inbound-scoped key made with `closr keys create`).
start_server() {
    RUN=$((RUN + 1))
    if [ -z "${CLOSR_BENCH_POSTGRES:-}" ]; then RUN_DATABASE="sqlite:$WORK/closr-$RUN.sqlite"; else
        RUN_DATABASE="${DATABASE}_$RUN"; SCHEMAS+=("${RUN_DATABASE##*schema=}"); fi
    "$BIN" serve --port "$PORT" --database "$RUN_DATABASE" --log-level warning \
        --rate-limit off --inbound-rate-limit off >"$WORK/out" 2>"$WORK/err" &
    SERVER=$!
    PIDS+=($SERVER)
    local up=""
    for _ in $(seq 1 300); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
    [ -n "$up" ] || { echo "server did not start" >&2; cat "$WORK/err" >&2; exit 1; }
    local key
    key=$(sed -n 's/^API key: //p' "$WORK/out")
    [ -n "$key" ] || { echo "no first-start API key in the server's output" >&2; cat "$WORK/out" "$WORK/err" >&2; exit 1; }
    AUTH="Authorization: Basic $(printf '%s:' "$key" | base64 -w0)"
    INBOUND=$("$BIN" keys create --label bench --scope inbound --database "$RUN_DATABASE" 2>>"$WORK/err" | grep -o 'closr_\S*' | tail -1)
    [ -n "$INBOUND" ] || { echo "closr keys create gave no key" >&2; cat "$WORK/err" >&2; exit 1; }
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }

# CPU seconds (user + system) a process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# With PostgreSQL: "CPU-seconds transactions" of the local postgres processes and of the database (its
# transactions include other clients', if any); the CPU is 0 when the server runs elsewhere.
pg_usage() {
    local ticks=0 t
    for p in $(pgrep -x postgres || true); do t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); ticks=$((ticks + t)); done
    echo "$(echo "$ticks / $(getconf CLK_TCK)" | bc -l) $(psql -X -At "$PG_URL" -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")"
}

# "table rows" for every table of the run's database.
count_rows() {
    if [ -z "${CLOSR_BENCH_POSTGRES:-}" ]; then
        local file=${RUN_DATABASE#sqlite:}
        for t in $(sqlite3 "$file" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"); do
            echo "$t $(sqlite3 "$file" "SELECT count(*) FROM \"$t\"")"
        done
    else
        PGOPTIONS="-c search_path=${RUN_DATABASE##*schema=}" psql -X -At -F ' ' "$PG_URL" -c "
            SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text
            FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    fi
}

# run LABEL KIND: KIND is lead (A), inbound (B), urlencoded (B') or nodedupe (B''). A fresh server and
# database, a 2-second warm-up, SECONDS seconds measured; prints a line and sets RPS. Rows per lead
# (over warm-up and measurement) are written to $WORK/rows-KIND.
FAILED=0
run() {
    local label=$1 kind=$2 out rps p99 non2xx socket cpu_before cpu_ms requests
    start_server
    local args=()
    case $kind in
        lead) args=(-H "$AUTH" -s Benchmarks/create-leads.lua) ;;
        inbound) args=(-H "x-api-key: $INBOUND" -s Benchmarks/inbound-post.lua) ;;
        urlencoded) args=(-H "x-api-key: $INBOUND" -s Benchmarks/inbound-post.lua); export CLOSR_BENCH_FORMAT=urlencoded ;;
        nodedupe) args=(-H "x-api-key: $INBOUND" -s Benchmarks/inbound-post.lua); export CLOSR_BENCH_DEDUPE=false ;;
    esac
    count_rows > "$WORK/rows-before"
    CLOSR_BENCH_TAG="w$RUN" wrk -t2 -c16 -d2s "${args[@]}" "$BASE" > "$WORK/warmup"
    local pg_before="" pg_after="" pg_note=""
    [ -z "$PG_URL" ] || pg_before=$(pg_usage)
    cpu_before=$(cpu "$SERVER")
    out=$(CLOSR_BENCH_TAG="m$RUN" wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency "${args[@]}" "$BASE")
    cpu_ms=$(echo "($(cpu "$SERVER") - $cpu_before) * 1000" | bc -l)
    [ -z "$PG_URL" ] || pg_after=$(pg_usage)
    unset CLOSR_BENCH_FORMAT CLOSR_BENCH_DEDUPE
    count_rows > "$WORK/rows-after"
    stop_server
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    p99=$(echo "$out" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}')
    non2xx=$(echo "$out" | awk -F': *' '/Non-2xx/ {print $2}')
    non2xx=${non2xx:-0}
    socket=$(echo "$out" | sed -n 's/^ *Socket errors: //p')
    socket=${socket:-none}
    local warm_non2xx
    warm_non2xx=$(awk -F': *' '/Non-2xx/ {print $2}' "$WORK/warmup")
    if [ "$non2xx" != 0 ] || [ -n "$warm_non2xx" ]; then FAILED=1; echo "$label: non-2xx answers" >&2; echo "$out" >&2; fi
    if [ -n "$PG_URL" ]; then
        pg_note=$(echo "$pg_before $pg_after $requests" | awk '{printf ", postgres CPU %.2f ms/request, %.2f transactions/request", ($3 - $1) * 1000 / $5, ($4 - $2) / $5}')
    fi
    printf '%-46s %6s req/s  p99 %7s ms  non-2xx %s  socket errors: %s  closr CPU %.2f ms/request%s\n' \
        "$label" "$rps" "$p99" "$non2xx" "$socket" "$(echo "$cpu_ms / $requests" | bc -l)" "$pg_note"
    RPS=$rps
    awk 'NR == FNR {before[$1] = $2; next} {d = $2 - before[$1]; if (d != 0) delta[$1] = d}
         END {n = delta["leads"]; out = ""; total = 0
              for (t in delta) {out = out sprintf(" %s %.2f,", t, delta[t] / n); total += delta[t] / n}
              printf "%.2f rows per lead (%d leads):%s\n", total, n, out}' \
        "$WORK/rows-before" "$WORK/rows-after" > "$WORK/rows-$kind"
}

echo "binary: $BIN (built $(date -r "$BIN" '+%F %T'); tree at $(git rev-parse --short HEAD 2>/dev/null || echo ?)$(git diff --quiet HEAD -- Sources 2>/dev/null || echo ' + uncommitted Sources changes'))"
echo "database: ${DATABASE%%\?*} (a fresh one for each measurement); wrk -t2 -c16, 2 s warm-up + ${SECONDS_EACH} s"
echo "A = POST /api/v1/lead/ (lead + 2 contacts, Basic admin key); B = POST /api/leads/inbound (JSON, x-api-key inbound key, new email each post)"
SUM_A=0
SUM_B=0
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then
        run "round $round A: POST /api/v1/lead/" lead; a=$RPS
        run "round $round B: POST /api/leads/inbound (JSON)" inbound; b=$RPS
    else
        run "round $round B: POST /api/leads/inbound (JSON)" inbound; b=$RPS
        run "round $round A: POST /api/v1/lead/" lead; a=$RPS
    fi
    SUM_A=$((SUM_A + a)); SUM_B=$((SUM_B + b))
    printf 'round %s: inbound / lead = %.3f\n' "$round" "$(echo "$b / $a" | bc -l)"
done
printf 'overall (%s rounds): lead %.0f req/s, inbound %.0f req/s, inbound / lead = %.3f (goal >= 0.8)\n' "$ROUNDS" \
    "$(echo "$SUM_A / $ROUNDS" | bc -l)" "$(echo "$SUM_B / $ROUNDS" | bc -l)" "$(echo "$SUM_B / $SUM_A" | bc -l)"

# Variants, each beside the mean of the As around them.
run "variant A: POST /api/v1/lead/" lead; a1=$RPS
run "variant B': inbound, urlencoded" urlencoded; bu=$RPS
run "variant B'': inbound, JSON, \"_dedupe\": \"false\"" nodedupe; bn=$RPS
run "variant A: POST /api/v1/lead/ (again)" lead; a2=$RPS
printf "variants: urlencoded / lead = %.3f; _dedupe false / lead = %.3f; urlencoded / JSON-with-dedupe (overall B) = %.3f\n" \
    "$(echo "2 * $bu / ($a1 + $a2)" | bc -l)" "$(echo "2 * $bn / ($a1 + $a2)" | bc -l)" "$(echo "$bu * $ROUNDS / $SUM_B" | bc -l)"
echo "rows written per lead created (every table whose row count changed, triggers and search index included):"
echo "  A  (lead + 2 contacts): $(cat "$WORK/rows-lead")"
echo "  B  (inbound JSON):      $(cat "$WORK/rows-inbound")"
echo "  B'' (inbound, no dedupe): $(cat "$WORK/rows-nodedupe")"
[ "$FAILED" -eq 0 ] || { echo "some runs had non-2xx answers" >&2; exit 1; }
