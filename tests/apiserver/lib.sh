# lib.sh: helpers for the kubeshim-apiserver end-to-end scripts (sourced).
# Each script starts its own server on a free port and always stops it.
#   as_start DIR [server options]   start, wait for the port file, export KUBECONFIG
#   check NAME WANT GOT             compare strings, count passes and failures
#   as_done                         print "N passed, N failed", exit 0/1
set -u
AS_PASS=0
AS_FAIL=0
AS_PID=

# Stop the server; it must exit 0 (a sanitizer report makes it fail).
as_stop() {
    if [ -n "$AS_PID" ]; then
        kill -TERM "$AS_PID" 2>/dev/null
        wait "$AS_PID" 2>/dev/null
        local rc=$?
        AS_PID=
        if [ "$rc" != 0 ]; then
            AS_FAIL=$((AS_FAIL + 1))
            echo "FAIL server exit code $rc:"
            tail -30 "$AS_SRV_DIR/server.err"
        fi
    fi
}

as_start() {
    local dir=$1
    shift
    mkdir -p "$dir"
    rm -f "$dir/port"
    AS_SRV_DIR=$dir
    "$AS_BIN" --port 0 --port-file "$dir/port" --kubeconfig-out "$dir/kubeconfig" \
        --log "$dir/requests.jsonl" "$@" 2>"$dir/server.err" &
    AS_PID=$!
    trap as_stop EXIT
    for _ in $(seq 100); do
        [ -s "$dir/port" ] && break
        sleep 0.05
    done
    if [ ! -s "$dir/port" ]; then
        echo "server did not start:"
        cat "$dir/server.err"
        exit 1
    fi
    AS_PORT=$(cat "$dir/port")
    export KUBECONFIG="$dir/kubeconfig" HOME="$dir" TZ=UTC LANG=C.UTF-8
}

check() {
    if [ "$2" = "$3" ]; then
        AS_PASS=$((AS_PASS + 1))
    else
        AS_FAIL=$((AS_FAIL + 1))
        printf 'FAIL %s\n  want: %s\n  got:  %s\n' "$1" "$2" "$3"
    fi
}

# check_rc NAME WANT_RC COMMAND...: run the command, compare its exit code.
check_rc() {
    local name=$1 want=$2
    shift 2
    "$@" >"$AS_DIR/last.out" 2>"$AS_DIR/last.err"
    local rc=$?
    check "$name (exit code)" "$want" "$rc"
    [ "$rc" = "$want" ] || sed 's/^/  | /' "$AS_DIR/last.err" | head -5
    return 0
}

# check_contains NAME NEEDLE FILE
check_contains() {
    if grep -qF -- "$2" "$3"; then
        AS_PASS=$((AS_PASS + 1))
    else
        AS_FAIL=$((AS_FAIL + 1))
        printf 'FAIL %s: %s not in %s:\n' "$1" "$2" "$3"
        head -5 "$3" | sed 's/^/  | /'
    fi
}

# jq-like: jget FILE PYEXPR (d is the parsed JSON)
jget() {
    "$AS_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

as_done() {
    as_stop
    echo "$AS_PASS passed, $AS_FAIL failed"
    [ "$AS_FAIL" = 0 ] && [ "$AS_PASS" -gt 0 ]
    exit $?
}
