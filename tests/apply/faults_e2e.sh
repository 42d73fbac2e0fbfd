#!/usr/bin/env bash
# Issue 6, must-show 3: native apply against kubeshim-apiserver's fault
# injection. For each fault: the objects concerned get a clear error, the
# others are applied, the exit code is kubectl's, and the server's request log
# shows no write lost and none sent twice.
#   faults_e2e.sh KUBESHIM KUBESHIM_APISERVER
set -u
ks=$1 srv=$2
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

start() { # start a fresh server with the given fault options
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -f "$work/port" "$work/kubeconfig" "$work/log"
    "$srv" --port-file "$work/port" --kubeconfig-out "$work/kubeconfig" --log "$work/log" "$@" \
        >"$work/server.out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.05; done
    export KUBECONFIG=$work/kubeconfig HOME=$work
    base=$(sed -n 's/ *server: //p' "$work/kubeconfig")
}
cms() { # cms VALUE NAMES...: one ConfigMap per name, data.k = VALUE
    local v=$1
    shift
    for n in "$@"; do printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  k: "%s"\n' "$n" "$v"; done
}
value() { curl -s "$base/api/v1/namespaces/default/configmaps/$1" | sed -n 's/.*"data":{"k":"\([^"]*\)"}.*/\1/p'; }
writes() { # writes METHOD NAME: how many such requests reached the server
    grep -c "\"method\":\"$1\",\"path\":\"/api/v1/namespaces/default/configmaps/$2\"" "$work/log"
}
posts() { grep -c '"method":"POST","path":"/api/v1/namespaces/default/configmaps"' "$work/log"; }

# --- conflicts x3: retried as kubectl retries them, then applied once
start --conflicts 3
cms 1 a >"$work/m1.yaml"; cms 2 a >"$work/m2.yaml"
"$ks" apply -f "$work/m1.yaml" >/dev/null 2>&1
"$ks" apply -f "$work/m2.yaml" >"$work/out" 2>"$work/err"
rc=$?
check "conflicts x3: exit 0 (got $rc: $(cat "$work/err"))" '[ $rc = 0 ]'
check "conflicts x3: configured" '[ "$(cat "$work/out")" = "configmap/a configured" ]'
check "conflicts x3: four PATCHes (3 answered 409)" '[ "$(writes PATCH a)" = 4 ]'
check "conflicts x3: one POST" '[ "$(posts)" = 1 ]'
check "conflicts x3: the value is 2" '[ "$(value a)" = 2 ]'

# --- conflicts x6: 1 + 5 retries, then kubectl's Conflict error; nothing written
start --conflicts 6
"$ks" apply -f "$work/m1.yaml" >/dev/null 2>&1
"$ks" apply -f "$work/m2.yaml" >"$work/out" 2>"$work/err"
rc=$?
check "conflicts x6: exit 1" '[ $rc = 1 ]'
check "conflicts x6: Conflict error" 'grep -q "^Error from server (Conflict): error when applying patch:" "$work/err"'
check "conflicts x6: six PATCHes" '[ "$(writes PATCH a)" = 6 ]'
check "conflicts x6: the value is still 1" '[ "$(value a)" = 1 ]'

# --- a 500 on one object's PATCH: the other two are applied, each write once
start --fault 'PATCH /configmaps/b$ 500'
cms 1 a b c >"$work/m1.yaml"; cms 2 a b c >"$work/m2.yaml"
"$ks" apply -f "$work/m1.yaml" >/dev/null 2>&1
"$ks" apply -f "$work/m2.yaml" >"$work/out" 2>"$work/err"
rc=$?
check "500: exit 1" '[ $rc = 1 ]'
check "500: a and c configured" '[ "$(cat "$work/out")" = "configmap/a configured
configmap/c configured" ]'
check "500: InternalError for b" 'grep -q "^Error from server (InternalError): error when applying patch:" "$work/err" && grep -q "Name: \"b\"" "$work/err"'
check "500: a, b, c each patched once" '[ "$(writes PATCH a)$(writes PATCH b)$(writes PATCH c)" = 111 ]'
check "500: values a=2 b=1 c=2" '[ "$(value a)$(value b)$(value c)" = 212 ]'

# --- a connection dropped mid-reply on b's PATCH: an error for b, no retry of the write
start --fault 'PATCH /configmaps/b$ drop'
"$ks" apply -f "$work/m1.yaml" >/dev/null 2>&1
"$ks" apply -f "$work/m2.yaml" >"$work/out" 2>"$work/err"
rc=$?
check "drop: exit 1" '[ $rc = 1 ]'
check "drop: a and c configured" '[ "$(cat "$work/out")" = "configmap/a configured
configmap/c configured" ]'
check "drop: one error line names b's source" 'grep -q "^error: error when applying patch:" "$work/err"'
check "drop: b patched once, not retried" '[ "$(writes PATCH b)" = 1 ]'

# --- a reply that never comes: --request-timeout bounds it; the others are applied
start --fault 'PATCH /configmaps/b$ hang'
"$ks" apply -f "$work/m1.yaml" >/dev/null 2>&1
t0=$(date +%s)
"$ks" apply -f "$work/m2.yaml" --request-timeout=2s >"$work/out" 2>"$work/err"
rc=$?
t1=$(date +%s)
check "hang: exit 1" '[ $rc = 1 ]'
check "hang: done within the timeout (took $((t1 - t0)) s)" '[ $((t1 - t0)) -le 5 ]'
check "hang: a and c configured" '[ "$(cat "$work/out")" = "configmap/a configured
configmap/c configured" ]'
check "hang: b's error says it timed out" 'grep -qi "timeout\|timed out\|deadline" "$work/err"'
check "hang: b patched once" '[ "$(writes PATCH b)" = 1 ]'

# --- a 500 on a create: the object is reported, the others created, one POST each
start --fault 'POST /configmaps$ 500'
"$ks" apply -f "$work/m1.yaml" >"$work/out" 2>"$work/err"
rc=$?
check "create 500: exit 1" '[ $rc = 1 ]'
check "create 500: two created" '[ "$(grep -c " created$" "$work/out")" = 2 ]'
check "create 500: three POSTs" '[ "$(posts)" = 3 ]'
check "create 500: error when creating" 'grep -q "^Error from server (InternalError): error when creating" "$work/err"'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
