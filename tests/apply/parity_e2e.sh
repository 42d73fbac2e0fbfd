#!/usr/bin/env bash
# kubeshim against real kubectl 1.33, both against kubeshim-apiserver (which
# keeps managedFields, defaults objects and serves the real 1.33 OpenAPI v3):
# each scenario runs its steps with kubectl on one fresh server and with
# kubeshim on another, and the two request logs (method, path, query, content
# type, status, body; managedFields times normalized) and the outputs must be
# the same. This covers what the recorded corpus cannot: server-side apply's
# managedFields migration, and OpenAPI v3 patch metadata from a server.
#   parity_e2e.sh KUBESHIM KUBESHIM_APISERVER KUBECTL OPENAPI_DIR FIXTURES_DIR
set -u
ks=$1 srv=$2 kubectl=$3 openapi=$4 fx=$5
if [ ! -x "$kubectl" ] || [ ! -d "$openapi" ]; then
    echo "SKIPPED: needs real kubectl ($kubectl) and ../shared/k8s-openapi/v3-v1.33"
    exit 77
fi
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && echo "work dir: $work"
pass=0 fail=0

norm_log() {
    python3 - "$1" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("category") != "resource":
        continue
    body = re.sub(r'"time":"[^"]*"', '"time":"T"', e.get("body") or "")
    print(e["method"], e["path"], e.get("query"), e.get("content_type"), e.get("status"))
    print("   ", body)
PY
}

# scenario NAME STEP... where a STEP is "ARGS" run as `<tool> ARGS` (manifests from $fx)
scenario() {
    local name=$1
    shift
    for tool in kubectl kubeshim; do
        local bin=$kubectl d=$work/$name/$tool
        [ $tool = kubeshim ] && bin=$ks
        mkdir -p "$d/home"
        "$srv" --port-file "$d/port" --kubeconfig-out "$d/kc" --log "$d/log" --openapi-dir "$openapi" \
            >"$d/srv.out" 2>&1 &
        pids+=($!)
        for _ in $(seq 100); do [ -s "$d/kc" ] && break; sleep 0.05; done
        : >"$d/out"
        local i=0
        for step in "$@"; do
            i=$((i + 1))
            # shellcheck disable=SC2086
            (cd "$fx" && KUBECONFIG=$d/kc HOME=$d/home $bin $step) >>"$d/out" 2>&1
            echo "[$i exit $?]" >>"$d/out"
        done
        # the two servers differ only in clocks and uids
        sed -i -E 's#/tmp/(LIVE|MERGED)-[0-9]+#/tmp/\1-N#g; s#\t[0-9]{4}-[0-9-]+ [0-9:.]+ \+0000##;
            s#(creationTimestamp|time): "?[0-9T:Z-]+"?#\1: T#; s#uid: [0-9a-f-]+#uid: U#;
            s#^([IWE])[0-9]{4} [0-9:.]+ +[0-9]+ #\1 #' "$d/out"
        norm_log "$d/log" >"$d/requests"
    done
    local k=$work/$name/kubectl s=$work/$name/kubeshim
    if cmp -s "$k/requests" "$s/requests" && cmp -s "$k/out" "$s/out"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name"
        diff "$k/requests" "$s/requests" | head -40
        diff "$k/out" "$s/out" | head -40
    fi
}

scenario csa-create-update-diff \
    "apply -f app-v1.yaml" "apply -f app-v1.yaml" "diff -f app-v2.yaml" "apply -f app-v2.yaml" \
    "diff -f app-v2.yaml"
scenario ssa-migration \
    "apply -f app-v1.yaml" "apply --server-side -f app-v1.yaml" \
    "apply --server-side -f app-v1.yaml"
scenario ssa-conflict-then-force \
    "apply -f app-v1.yaml" "apply --server-side -f app-v2.yaml" \
    "apply --server-side --force-conflicts -f app-v2.yaml"
scenario ssa-field-manager \
    "apply --server-side --field-manager=ci -f app-v1.yaml" "apply --server-side -f app-v2.yaml"
scenario diff-server-side \
    "apply --server-side -f app-v1.yaml" "diff --server-side -f app-v2.yaml"
scenario dry-runs \
    "apply -f app-v1.yaml" "apply --dry-run=server -f app-v2.yaml" \
    "apply --server-side --dry-run=server -f app-v2.yaml"

scenario prune-default-allowlist \
    "apply -f app-v1.yaml" "apply --prune -l app=web -f app-cm-only.yaml"
scenario prune-allowlist-dry-run \
    "apply -f app-v1.yaml" \
    "apply --prune -l app=web --prune-allowlist=apps/v1/Deployment --dry-run=server -f app-cm-only.yaml" \
    "apply --prune --all --prune-allowlist=apps/v1/Deployment --prune-allowlist=core/v1/Service -f app-cm-only.yaml" \
    "apply --prune -l app=web --prune-allowlist=apps/v1/Nope -f app-cm-only.yaml" \
    "apply --prune -l app=web --prune-allowlist=Deployment -f app-cm-only.yaml"

# diff --prune: what pruning would delete appears in LIVE only, as the server has it
scenario diff-prune \
    "apply -f app-v1.yaml" "diff --prune -l app=web -f app-cm-only.yaml" \
    "diff --prune -f app-cm-only.yaml" \
    "diff --prune -l app=web --prune-allowlist=apps/v1/Deployment -f app-cm-only.yaml" \
    "diff --prune -l app=web --prune-allowlist=apps/v1/Nope -f app-cm-only.yaml" \
    "diff --prune --prune-allowlist=core/Secret -f app-cm-only.yaml" \
    "diff -l app=other -f app-v2.yaml" "diff -l app=web -f app-v2.yaml"

# a typed List: kubectl's field-validation check lists the CRDs for ConfigMapList
scenario typed-list \
    "apply -f cm-list.yaml" "apply -f cm-list.yaml" "diff -f cm-list.yaml"

scenario kustomize \
    "apply -k kustom" "apply -k kustom" "diff -k kustom"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
