#!/usr/bin/env bash
# The Swift client's paging speed (issue 18): LEADS leads (default 100,000, each with 2 contacts and an
# opportunity, seeded as crm-load.sh does) read to the end, page by page, by `closr lead list --json`
# (ClosrClient: each page decoded into the wire types, each lead written out again as JSON) beside the
# baseline of the same run: the same pages fetched by curl, bytes only (keep-alive, one connection).
# Both use `_limit=200` pages. Alternates the two (ABAB) and prints leads per second and the ratio.
#
# Usage: Benchmarks/client-paging.sh [leads]
set -euo pipefail
cd "$(dirname "$0")/.."
LEADS=${1:-100000}
PORT=${CLOSR_BENCH_PORT:-18392}
swift build -c release --product closr >&2
BIN=$(swift build -c release --show-bin-path)/closr
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
start() {
    "$BIN" serve --port "$PORT" --database "sqlite:$WORK/closr.sqlite" --log-level warning --rate-limit off >>"$WORK/out" 2>>"$WORK/err" &
    SERVER=$!
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
    echo "server did not start" >&2; cat "$WORK/err" >&2; exit 1
}
start
KEY=$(sed -n 's/^API key: //p' "$WORK/out")
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
python3 Benchmarks/seed_leads.py "$WORK/closr.sqlite" "$LEADS" "$WORK/ids" 10 >&2
start
BASE="http://127.0.0.1:$PORT/api/v1"

# A: curl, one connection, every page's bytes, to the end.
raw() {
    local pages=$(( (LEADS + 199) / 200 ))
    local urls=()
    for page in $(seq 0 $(( pages - 1 ))); do urls+=("$BASE/lead/?_skip=$(( page * 200 ))&_limit=200" -o /dev/null); done
    curl -fs -u "$KEY:" "${urls[@]}"
}
# B: the SDK through the CLI, decoded and written out again.
sdk() { "$BIN" lead list --json --url "$BASE" --api-key "$KEY" | wc -l; }

rate() { python3 -c "import sys; print(f'{$LEADS / float(sys.argv[1]):,.0f}')" "$1"; }
seconds() { local start end; start=$(date +%s.%N); "$@" >"$WORK/last"; end=$(date +%s.%N); python3 -c "print($end - $start)"; }
total_a=0; total_b=0
for round in 1 2; do
    a=$(seconds raw); b=$(seconds sdk)
    [ "$(tr -d ' ' <"$WORK/last")" = "$LEADS" ] || { echo "the client listed $(cat "$WORK/last") leads, not $LEADS" >&2; exit 1; }
    echo "round $round: curl pages $(rate "$a") leads/s ($a s); closr lead list --json $(rate "$b") leads/s ($b s); client / curl = $(python3 -c "print(f'{$a / $b:.2f}')")"
    total_a=$(python3 -c "print($total_a + $a)"); total_b=$(python3 -c "print($total_b + $b)")
done
echo "overall: client / curl = $(python3 -c "print(f'{$total_a / $total_b:.2f}')") (${LEADS} leads, 200 a page)"
