#!/usr/bin/env bash
# bench_smoke.sh SERVER LOADGEN: 1,000 ConfigMaps, one second of mixed load
# (GET, LIST with a label selector, PATCH) on 4 connections: every request
# must be answered 200, and the rate must reach 200 req/s.
AS_BIN=$1
LOAD=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
AS_DIR=$(mktemp -d /tmp/as-bench-XXXXXX)
as_start "$AS_DIR/srv"
trap 'as_stop; rm -rf "$AS_DIR"' EXIT
check_rc "seed 1000 objects" 0 "$LOAD" "$AS_PORT" seed 1000
check "listed" 1000 "$(curl -s "http://127.0.0.1:$AS_PORT/api/v1/namespaces/default/configmaps?labelSelector=app%3Dbench" | grep -o '"name":"cm-' | wc -l)"
check_rc "mixed load" 0 "$LOAD" "$AS_PORT" run 1000 4 1 10 10
cat "$AS_DIR/last.out"
rate=$(sed -n 's/.*: \([0-9]*\) req\/s.*/\1/p' "$AS_DIR/last.out")
check "at least 200 req/s" yes "$([ "${rate:-0}" -ge 200 ] && echo yes)"
check "every request answered" 0 "$(sed -n 's/.* \([0-9]*\) non-200.*/\1/p' "$AS_DIR/last.out")"
as_done
