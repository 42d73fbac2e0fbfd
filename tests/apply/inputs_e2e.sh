#!/usr/bin/env bash
# Native apply's inputs and concurrency against kubeshim-apiserver:
#  - a Namespace, a CRD and its custom resource in one file, concurrently: the
#    Namespace and CRD go first, the CRD is waited on, the resource is applied;
#    output keeps the input order;
#  - 40 objects at the default concurrency: every one created, lines in input order;
#  - `-f -` (stdin) and an http URL (a loopback file server) as inputs.
#   inputs_e2e.sh KUBESHIM KUBESHIM_APISERVER FIXTURE_DIR PYTHON
set -u
ks=$1 srv=$2 fx=$3 py=$4
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi; }
"$srv" --port-file "$work/port" --kubeconfig-out "$work/kubeconfig" >"$work/srv.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.05; done
export KUBECONFIG=$work/kubeconfig HOME=$work

"$ks" apply -f "$fx/crd-and-cr.yaml" --concurrency=4 >"$work/out" 2>"$work/err"
rc=$?
check "CRD and resource in one apply: exit 0 ($(cat "$work/err"))" '[ $rc = 0 ]'
check "CRD and resource: lines in input order" '[ "$(cat "$work/out")" = "gizmo.example.org/g1 created
configmap/cfg created
customresourcedefinition.apiextensions.k8s.io/gizmos.example.org created
namespace/team created" ]'

for i in $(seq -w 1 40); do
    printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%s\ndata:\n  i: "%s"\n' "$i" "$i"
done >"$work/many.yaml"
"$ks" apply -f "$work/many.yaml" >"$work/out" 2>"$work/err"
rc=$?
check "40 objects concurrently: exit 0" '[ $rc = 0 ]'
check "40 objects: lines in input order" '[ "$(cat "$work/out")" = "$(for i in $(seq -w 1 40); do echo "configmap/c$i created"; done)" ]'

printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-stdin\ndata:\n  a: b\n' |
    "$ks" apply -f - >"$work/out" 2>"$work/err"
check "stdin: created" '[ "$(cat "$work/out")" = "configmap/from-stdin created" ]'

mkdir -p "$work/www"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-url\ndata:\n  a: b\n' >"$work/www/cm.yaml"
(cd "$work/www" && exec "$py" -m http.server --bind 127.0.0.1 0 >"$work/http.out" 2>&1) &
pids+=($!)
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$work/http.out" | head -1)
    [ -n "$port" ] && break
    sleep 0.05
done
"$ks" apply -f "http://127.0.0.1:$port/cm.yaml" >"$work/out" 2>"$work/err"
check "URL: created ($(cat "$work/err"))" '[ "$(cat "$work/out")" = "configmap/from-url created" ]'
"$ks" apply -f "http://127.0.0.1:$port/missing.yaml" >"$work/out" 2>"$work/err"
rc=$?
check "URL 404: exit 1" '[ $rc = 1 ]'
check "URL 404: kubectl's message" 'grep -q "unable to read URL \"http://127.0.0.1:$port/missing.yaml\", server reported 404" "$work/err"'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
