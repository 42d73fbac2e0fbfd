#!/usr/bin/env bash
# Issue 8, must-show 2: apply and diff of removed apiVersions against the local
# API server, which serves only the current versions. An extensions/v1beta1
# Deployment and a networking.k8s.io/v1beta1 Ingress are converted with one
# warning each; re-applying gives "unchanged"; diff shows nothing (exit 0);
# --convert=never gives kubectl's mapping error.
#   convert_e2e.sh KUBESHIM KUBESHIM_APISERVER FIXTURE
set -u
ks=$1 srv=$2 fixture=$3
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
"$srv" --port-file "$work/port" --kubeconfig-out "$work/kubeconfig" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.05; done
export KUBECONFIG=$work/kubeconfig HOME=$work
pass=0 fail=0
check() { # name, condition result
    if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; fi
}
want_warn='Warning: extensions/v1beta1 Deployment "web" converted to apps/v1; update the manifest
Warning: networking.k8s.io/v1beta1 Ingress "web" converted to networking.k8s.io/v1; update the manifest'

"$ks" apply -f "$fixture" >"$work/out" 2>"$work/err"; rc=$?
check "first apply exits 0" $rc
[ "$(cat "$work/out")" = 'deployment.apps/web created
ingress.networking.k8s.io/web created' ]; check "first apply creates both (got: $(cat "$work/out"))" $?
[ "$(cat "$work/err")" = "$want_warn" ]; check "one warning per converted object (got: $(cat "$work/err"))" $?

"$ks" apply -f "$fixture" >"$work/out" 2>"$work/err"; rc=$?
check "second apply exits 0" $rc
[ "$(cat "$work/out")" = 'deployment.apps/web unchanged
ingress.networking.k8s.io/web unchanged' ]; check "re-apply is unchanged (got: $(cat "$work/out"))" $?

"$ks" diff -f "$fixture" >"$work/out" 2>"$work/err"; rc=$?
check "diff exits 0" $rc
[ ! -s "$work/out" ]; check "diff prints nothing (got: $(cat "$work/out"))" $?

"$ks" apply -f "$fixture" --convert=never >"$work/out" 2>"$work/err"; rc=$?
[ $rc = 1 ]; check "--convert=never exits 1 (got $rc)" $?
grep -q 'no matches for kind "Deployment" in version "extensions/v1beta1"' "$work/err"
check "--convert=never gives kubectl's mapping error" $?

live=$(curl -s "$(sed -n 's/ *server: //p' "$work/kubeconfig")/apis/apps/v1/namespaces/default/deployments/web")
echo "$live" | grep -q '"apiVersion":"apps/v1"'; check "the Deployment is stored as apps/v1" $?
echo "$live" | grep -q 'last-applied-configuration":"{\\"apiVersion\\":\\"apps/v1\\"'
check "last-applied records the converted object" $?
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
