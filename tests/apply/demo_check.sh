#!/usr/bin/env bash
# The README's demo, run on the built binaries, with its output checked: the
# first apply creates the four objects, the second finds them unchanged, the
# edited manifests diff (exit 1) and are configured, and the dispatched
# `get` lists the Deployment through real kubectl.
#   demo_check.sh BUILD_DIR
set -u
out=$(KUBESHIM_BUILD_DIR=$1 bash "$(dirname "$0")/../../fixtures/demo/run.sh" 2>&1)
rc=$?
pass=0 fail=0
check() { if grep -qF -- "$1" <<<"$out"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: missing: $1"; fi; }
[ $rc = 0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: demo exited $rc"; }
check "namespace/demo created"
check "deployment.apps/web created"
check "service/web unchanged"
check "-        image: registry.example.com/web:1.0"
check "+        image: registry.example.com/web:1.1"
check "(diff exit code 1: 1 means differences, as kubectl diff)"
check "deployment.apps/web configured"
check "configmap/web-config configured"
check "deployment.apps/web   0/3"
if grep -q "kubeshim: warning" <<<"$out"; then fail=$((fail + 1)); echo "FAIL: a dispatch warning"; else pass=$((pass + 1)); fi
[ $fail = 0 ] || echo "$out"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
