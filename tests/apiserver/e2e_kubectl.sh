#!/usr/bin/env bash
# e2e_kubectl.sh SERVER KUBECTL_DIR VERSION FIXTURES PYTHON: real kubectl
# (1.27 or 1.33) against kubeshim-apiserver: client-side and server-side
# apply (create, update, conflict, --force-conflicts), get -o yaml/json,
# diff (exit 0 and 1), label, annotate, scale, patch (strategic, merge,
# json), create, delete, apply --prune, a CRD and its custom resources.
# Where the server applied a patch, the object must equal what
# `kubectl.1.33 patch --local` makes of the same patch.
AS_BIN=$1
KDIR=$2
VER=$3
FX=$4
AS_PY=${5:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
K=$KDIR/kubectl.$VER
REF=$KDIR/kubectl.1.33
for b in "$K" "$REF"; do
    if [ ! -x "$b" ]; then
        echo "SKIPPED: real kubectl $b is not installed"
        exit 77
    fi
done
AS_DIR=$(mktemp -d /tmp/as-e2e-XXXXXX)
trap 'as_stop; [ -n "${AS_KEEP:-}" ] || rm -rf "$AS_DIR"' EXIT
as_start "$AS_DIR/srv" --version "v$VER.0"
trap 'as_stop; [ -n "${AS_KEEP:-}" ] || rm -rf "$AS_DIR"' EXIT
D=$AS_DIR

# compare the live object with `kubectl patch --local` of the same patch on the object before
# expect_patch NAME TYPE PATCH BEFORE.json RESOURCE/NAME
expect_patch() {
    "$REF" patch --local -f "$4" --type "$2" -p "$3" -o json >"$D/expected.json" 2>"$D/exp.err"
    "$K" get "$5" -o json >"$D/after.json"
    if "$AS_PY" "$HERE/samejson.py" "$D/after.json" "$D/expected.json" >"$D/cmp.out"; then
        AS_PASS=$((AS_PASS + 1))
    else
        AS_FAIL=$((AS_FAIL + 1))
        echo "FAIL $1: live object differs from kubectl patch --local:"
        cat "$D/cmp.out" "$D/exp.err"
    fi
}

# the body of the last non-dry-run PATCH of the given type to a path ending in $2
last_patch() {
    "$AS_PY" - "$D/srv/requests.jsonl" "$1" "$2" <<'PY'
import json, sys
body = ""
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["method"] == "PATCH" and e["content_type"].startswith(sys.argv[2]) \
            and e["path"].endswith(sys.argv[3]) and "dryRun" not in e["query"]:
        body = e["body"]
print(body)
PY
}

# --- client-side apply: create
check_rc "apply create" 0 "$K" apply -f "$FX/app.yaml"
check_contains "apply create output" "deployment.apps/web created" "$D/last.out"
"$K" get deploy web -o json >"$D/web.json"
check "deployment replicas" 2 "$(jget "$D/web.json" "d['spec']['replicas']")"
check "deployment strategy default" "RollingUpdate 25% 10 600" \
    "$(jget "$D/web.json" "' '.join(str(x) for x in [d['spec']['strategy']['type'], d['spec']['strategy']['rollingUpdate']['maxSurge'], d['spec']['revisionHistoryLimit'], d['spec']['progressDeadlineSeconds']])")"
check "container defaults" "/dev/termination-log File IfNotPresent Always" \
    "$(jget "$D/web.json" "' '.join([d['spec']['template']['spec']['containers'][0]['terminationMessagePath'], d['spec']['template']['spec']['containers'][0]['terminationMessagePolicy'], d['spec']['template']['spec']['containers'][0]['imagePullPolicy'], d['spec']['template']['spec']['containers'][1]['imagePullPolicy']])")"
check "generation on create" 1 "$(jget "$D/web.json" "d['metadata']['generation']")"
check "last-applied annotation" True \
    "$(jget "$D/web.json" "'kubectl.kubernetes.io/last-applied-configuration' in d['metadata']['annotations']")"
"$K" get svc web -o json >"$D/svc.json"
check "service defaults" "ClusterIP TCP 8080 9090 True" \
    "$(jget "$D/svc.json" "' '.join(str(x) for x in [d['spec']['type'], d['spec']['ports'][0]['protocol'], d['spec']['ports'][0]['targetPort'], d['spec']['ports'][1]['targetPort'], d['spec']['clusterIP'].startswith('10.96.')])")"
"$K" get secret creds -o json >"$D/secret.json"
check "secret stringData folded" "YWRtaW4= Opaque False" \
    "$(jget "$D/secret.json" "' '.join(str(x) for x in [d['data']['user'], d['type'], 'stringData' in d])")"

# --- get: the server's Table
check_rc "get (table)" 0 "$K" get deploy web
check_contains "table columns" "NAME   READY   UP-TO-DATE   AVAILABLE   AGE" "$D/last.out"
check_rc "get svc (table)" 0 "$K" get svc web
check_contains "service row" "80/TCP,9090/TCP" "$D/last.out"

# --- fieldValidation: Strict (kubectl's default) rejects unknown fields, Ignore drops them
check_rc "unknown fields, strict" 1 "$K" apply -f "$FX/unknown-field.yaml"
check_contains "strict message" 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz", unknown field "spec.template.spec.containers[0].imagePolicy"' "$D/last.err"
check_rc "unknown fields, server-side" 1 "$K" apply --server-side -f "$FX/unknown-field.yaml"
check_contains "server-side message" 'Error from server: failed to create typed patch object (default/typo; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema' "$D/last.err"
check_rc "unknown fields, --validate=false" 0 "$K" apply --validate=false -f "$FX/unknown-field.yaml"
check "unknown fields dropped" "1 False" "$("$K" get deploy typo -o json | "$AS_PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["spec"]["replicas"], "replicaz" in d["spec"])')"
check_rc "delete typo" 0 "$K" delete deploy typo

# --- get -o yaml / -o json
check_rc "get -o yaml" 0 "$K" get cm cfg -o yaml
check_contains "get -o yaml body" 'a: "1"' "$D/last.out"
check_rc "get -o json" 0 "$K" get cm cfg -o json
check "get -o json data" "{'a': '1', 'b': '2'}" "$(jget "$D/last.out" "d['data']")"
check_rc "get missing" 1 "$K" get cm nope
check_contains "get missing message" 'configmaps "nope" not found' "$D/last.err"

# --- diff: no change, then a change
check_rc "diff unchanged" 0 "$K" diff -f "$FX/app.yaml"
check_rc "diff changed" 1 "$K" diff -f "$FX/app-v2.yaml"
check_contains "diff shows replicas" "+  replicas: 3" "$D/last.out"
check "diff stored nothing" 2 "$("$K" get deploy web -o jsonpath='{.spec.replicas}')"

# --- client-side apply: update (strategic merge patch applied by the server)
"$K" get deploy web -o json >"$D/before.json"
"$K" get cm cfg -o json >"$D/cm-before.json"
check_rc "apply update" 0 "$K" apply -f "$FX/app-v2.yaml"
check_contains "apply update output" "deployment.apps/web configured" "$D/last.out"
expect_patch "apply update deployment" strategic "$(last_patch application/strategic-merge-patch deployments/web)" "$D/before.json" deploy/web
expect_patch "apply update configmap" strategic "$(last_patch application/strategic-merge-patch configmaps/cfg)" "$D/cm-before.json" cm/cfg
check "generation bumped" 2 "$("$K" get deploy web -o jsonpath='{.metadata.generation}')"
check "configmap data after update" '{"a":"1","c":"3"}' "$("$K" get cm cfg -o jsonpath='{.data}')"
check_rc "diff after update" 0 "$K" diff -f "$FX/app-v2.yaml"

# --- server-side apply: conflict with the client-side manager, then force
check_rc "ssa conflict" 1 "$K" apply --server-side -f "$FX/ssa.yaml"
check_contains "ssa conflict message" 'conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas' "$D/last.err"
check "ssa conflict stored nothing" 3 "$("$K" get deploy web -o jsonpath='{.spec.replicas}')"
check_rc "ssa force" 0 "$K" apply --server-side --force-conflicts -f "$FX/ssa.yaml"
check_contains "ssa force output" "deployment.apps/web serverside-applied" "$D/last.out"
"$K" get deploy web -o json --show-managed-fields >"$D/ssa.json"
check "ssa replicas" 5 "$(jget "$D/ssa.json" "d['spec']['replicas']")"
check "ssa managers" "kubectl:Apply kubectl-last-applied:Apply" \
    "$(jget "$D/ssa.json" "' '.join(m['manager'] + ':' + m['operation'] for m in d['metadata']['managedFields'])")"
check "ssa kept annotation" True \
    "$(jget "$D/ssa.json" "'kubectl.kubernetes.io/last-applied-configuration' in d['metadata']['annotations']")"
check "ssa kept containers" "nginx sidecar" \
    "$(jget "$D/ssa.json" "' '.join(c['name'] for c in d['spec']['template']['spec']['containers'])")"
check_rc "ssa again unchanged" 0 "$K" apply --server-side -f "$FX/ssa.yaml"
check_rc "ssa create" 0 "$K" apply --server-side -f "$FX/namespaced.yaml"
check "ssa created in namespace" v "$("$K" get cm team-cfg -n team -o jsonpath='{.data.k}')"
check_rc "diff server-side" 0 "$K" diff --server-side -f "$FX/ssa.yaml"

# --- label, annotate, scale
"$K" get cm cfg -o json >"$D/before.json"
check_rc "label" 0 "$K" label cm cfg tier=backend
expect_patch "label" merge '{"metadata":{"labels":{"tier":"backend"}}}' "$D/before.json" cm/cfg
"$K" get cm cfg -o json >"$D/before.json"
check_rc "annotate" 0 "$K" annotate cm cfg note=hello
expect_patch "annotate" merge '{"metadata":{"annotations":{"note":"hello"}}}' "$D/before.json" cm/cfg
check_rc "scale" 0 "$K" scale deploy web --replicas=7
check "scaled" 7 "$("$K" get deploy web -o jsonpath='{.spec.replicas}')"
check_rc "scale with stale precondition" 1 "$K" scale deploy web --replicas=8 --resource-version=1
check "stale scale stored nothing" 7 "$("$K" get deploy web -o jsonpath='{.spec.replicas}')"

# --- patch with the three types
for t in strategic merge json; do
    case $t in
    strategic) p='{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}' ;;
    merge) p='{"metadata":{"labels":{"patched":"merge"}},"spec":{"minReadySeconds":5}}' ;;
    json) p='[{"op":"replace","path":"/spec/replicas","value":2},{"op":"add","path":"/metadata/labels/patched","value":"json"}]' ;;
    esac
    "$K" get deploy web -o json >"$D/before.json"
    check_rc "patch --type $t" 0 "$K" patch deploy web --type "$t" -p "$p"
    expect_patch "patch --type $t" "$t" "$p" "$D/before.json" deploy/web
done
check_rc "patch stale resourceVersion" 1 "$K" patch cm cfg --type merge -p '{"metadata":{"resourceVersion":"1"},"data":{"x":"y"}}'
check_contains "patch stale message" 'Operation cannot be fulfilled on configmaps "cfg": the object has been modified' "$D/last.err"

# --- create, delete
check_rc "create -f" 0 "$K" create -f "$FX/prune/p2.yaml"
check_rc "create again" 1 "$K" create -f "$FX/prune/p2.yaml"
check_contains "create again message" 'configmaps "drop" already exists' "$D/last.err"
check_rc "create namespace" 0 "$K" create namespace scratch
# kubectl 1.33 sends these as protobuf: the stored object holds what kubectl built
"$K" create deployment made --image=nginx:1.25 --port=80 --replicas=3 --dry-run=client -o json >"$D/client.json"
check_rc "create deployment" 0 "$K" create deployment made --image=nginx:1.25 --port=80 --replicas=3
"$K" get deploy made -o json >"$D/made.json"
"$AS_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["metadata"].pop("creationTimestamp", None); json.dump(d, open(sys.argv[1], "w"))' "$D/client.json"
check_rc "created deployment holds kubectl's object" 0 "$AS_PY" "$HERE/samejson.py" --subset "$D/made.json" "$D/client.json"
[ -s "$D/last.out" ] && cat "$D/last.out"
check_rc "create secret" 0 "$K" create secret generic made --from-literal=pw=s3cret
check "secret data" czNjcmV0 "$("$K" get secret made -o jsonpath='{.data.pw}')"
check_rc "delete" 0 "$K" delete cm drop
check_contains "delete output" 'configmap "drop" deleted' "$D/last.out"
check_rc "deleted is gone" 1 "$K" get cm drop
check_rc "apply into missing namespace" 1 "$K" apply -n nowhere -f "$FX/prune/p1.yaml"
check_contains "missing namespace message" 'namespaces "nowhere" not found' "$D/last.err"
check_rc "delete namespace" 0 "$K" delete ns team
check_rc "namespace objects gone" 1 "$K" get cm team-cfg -n team

# --- apply --prune
check_rc "prune setup" 0 "$K" apply -f "$FX/prune" -l set=prune
check_rc "apply --prune" 0 "$K" apply -f "$FX/prune/p1.yaml" --prune -l set=prune
check_contains "prune output" 'configmap/drop pruned' "$D/last.out"
check_rc "pruned is gone" 1 "$K" get cm drop
check_rc "kept stays" 0 "$K" get cm keep

# --- apply --prune with an ApplySet (KUBECTL_APPLYSET=true)
"$K" delete cm keep >/dev/null 2>&1
check_rc "applyset setup" 0 env KUBECTL_APPLYSET=true "$K" apply -n default --prune --applyset=configmap/set1 -f "$FX/prune"
check_rc "applyset prune" 0 env KUBECTL_APPLYSET=true "$K" apply -n default --prune --applyset=configmap/set1 -f "$FX/prune/p1.yaml"
check_contains "applyset prune output" 'configmap/drop pruned' "$D/last.out"
# kubectl 1.27 records group-resources, 1.33 group-kinds
want=ConfigMap
[ "$VER" = 1.27 ] && want=configmaps
check "applyset parent" "$want" "$("$REF" get cm set1 -o json | "$AS_PY" -c 'import json,sys; a=json.load(sys.stdin)["metadata"]["annotations"]; print(a.get("applyset.kubernetes.io/contains-group-kinds", a.get("applyset.kubernetes.io/contains-group-resources")))')"
check_rc "applyset member stays" 0 "$K" get cm keep

# --- a CRD, then its custom resources
check_rc "apply crd" 0 "$K" apply -f "$FX/crd.yaml"
check "crd established" True "$("$K" get crd widgets.example.com -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')"
check_rc "apply custom resources" 0 "$K" apply -f "$FX/cr.yaml"
check "widget" "1 red" "$("$K" get widget w1 -o jsonpath='{.spec.size} {.spec.colors[0]}')"
check "gadget is cluster-scoped" "fast " "$("$K" get gadget g1 -o jsonpath='{.spec.mode} {.metadata.namespace}')"
"$K" get wd w1 -o json >"$D/before.json"
check_rc "patch custom resource (merge)" 0 "$K" patch wd w1 --type merge -p '{"spec":{"size":2}}'
expect_patch "patch custom resource" merge '{"spec":{"size":2}}' "$D/before.json" widget/w1
check_rc "strategic patch of a custom resource" 1 "$K" patch wd w1 -p '{"spec":{"size":3}}'
check_contains "strategic patch message" "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml" "$D/last.err"
check_rc "delete crd" 0 "$K" delete -f "$FX/crd.yaml"
check_rc "kind gone with its crd" 1 "$K" get widgets.example.com w1

as_done
