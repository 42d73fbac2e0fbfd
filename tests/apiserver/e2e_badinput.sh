#!/usr/bin/env bash
# e2e_badinput.sh SERVER PYTHON: malformed requests get the apiserver's 4xx
# answers (never a crash or a hang), and the server keeps serving; the run
# ends with a clean SIGTERM exit (so a sanitizer build also checks leaks).
AS_BIN=$1
AS_PY=${2:-python3}
FX=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
command -v curl >/dev/null || { echo "SKIPPED: curl is not installed"; exit 77; }
AS_DIR=$(mktemp -d /tmp/as-bad-XXXXXX)
as_start "$AS_DIR/srv" ${FX:+--fixtures "$FX/seed.yaml"}
trap 'as_stop; rm -rf "$AS_DIR"' EXIT
D=$AS_DIR
U=http://127.0.0.1:$AS_PORT
CM=$U/api/v1/namespaces/default/configmaps
DEP=$U/apis/apps/v1/namespaces/default/deployments

code() { curl -s -o "$D/body" -w '%{http_code}' --max-time 5 "$@"; }
J='Content-Type: application/json'
MP='Content-Type: application/merge-patch+json'
JP='Content-Type: application/json-patch+json'
SP='Content-Type: application/strategic-merge-patch+json'
AP='Content-Type: application/apply-patch+yaml'

check "POST not JSON" 400 "$(code -X POST -H "$J" "$CM" -d '{"metadata":')"
check "POST an array" 400 "$(code -X POST -H "$J" "$CM" -d '[1,2]')"
check "POST without a name" 422 "$(code -X POST -H "$J" "$CM" -d '{"data":{}}')"
check "422 message" 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' "$(jget "$D/body" "d['message']")"
check "POST metadata not an object" 422 "$(code -X POST -H "$J" "$CM" -d '{"metadata":"x"}')"
check "POST name not a string" 422 "$(code -X POST -H "$J" "$CM" -d '{"metadata":{"name":7}}')"
check "POST generateName" 201 "$(code -X POST -H "$J" "$CM" -d '{"metadata":{"generateName":"gen-"}}')"
check "generated name" True "$(jget "$D/body" "d['metadata']['name'].startswith('gen-') and len(d['metadata']['name']) == 9")"
check "POST wrong namespace" 400 "$(code -X POST -H "$J" "$CM" -d '{"metadata":{"name":"a","namespace":"other"}}')"
check "POST into a missing namespace" 404 "$(code -X POST -H "$J" "$U/api/v1/namespaces/nope/configmaps" -d '{"metadata":{"name":"a"}}')"
check "POST protobuf garbage" 415 "$(code -X POST -H 'Content-Type: application/vnd.kubernetes.protobuf' "$CM" -d 'k8sxxxx')"
check "create a deployment" 201 "$(code -X POST -H "$J" "$DEP" -d '{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":1}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}')"
check "scale with odd labels" 200 "$(code "$DEP/d/scale")"
check "PUT name mismatch" 400 "$(code -X PUT -H "$J" "$DEP/d" -d '{"metadata":{"name":"e"}}')"
check "PUT stale" 409 "$(code -X PUT -H "$J" "$DEP/d" -d '{"metadata":{"name":"d","resourceVersion":"1"}}')"
check "PUT missing object" 404 "$(code -X PUT -H "$J" "$CM/none" -d '{"metadata":{"name":"none"}}')"
check "PATCH missing object" 404 "$(code -X PATCH -H "$MP" "$CM/none" -d '{}')"
check "PATCH bad JSON" 400 "$(code -X PATCH -H "$MP" "$DEP/d" -d '{')"
check "merge patch to a scalar" 400 "$(code -X PATCH -H "$MP" "$DEP/d" -d '"x"')"
check "JSON patch not a list" 400 "$(code -X PATCH -H "$JP" "$DEP/d" -d '{"op":"add"}')"
check "JSON patch bad path" 422 "$(code -X PATCH -H "$JP" "$DEP/d" -d '[{"op":"remove","path":"/spec/nothere"}]')"
check "SMP with a bad directive" 400 "$(code -X PATCH -H "$SP" "$DEP/d" -d '{"spec":{"$retainKeys":"x"}}')"
check "SMP mixed list kinds" 500 "$(code -X PATCH -H "$SP" "$DEP/d" -d '{"spec":{"template":{"spec":{"containers":[[1]]}}}}')"
check "SMP error text" True "$(jget "$D/body" "d['message'].startswith('list element types are not identical')")"
check "unknown patch type" 415 "$(code -X PATCH -H 'Content-Type: text/plain' "$DEP/d" -d '{}')"
check "apply without fieldManager" 422 "$(code -X PATCH -H "$AP" "$DEP/d" -d '{}')"
check "apply not an object" 400 "$(code -X PATCH -H "$AP" "$DEP/d?fieldManager=m" -d '[1]')"
check "apply bad YAML" 400 "$(code -X PATCH -H "$AP" "$DEP/d?fieldManager=m" -d '{a: [')"
check "bad label selector" 400 "$(code "$CM?labelSelector=a%20in%20(")"
check "bad field selector" 400 "$(code "$CM?fieldSelector=metadata.name")"
check "unknown resource" 404 "$(code "$U/api/v1/namespaces/default/widgets")"
check "unknown group" 404 "$(code "$U/apis/nope/v1/things")"
check "unknown subresource" 404 "$(code "$DEP/d/nope")"
check "DELETE collection of namespaces" 405 "$(code -X DELETE "$U/api/v1/namespaces")"
check "DELETE with a stale precondition" 409 "$(code -X DELETE -H "$J" "$DEP/d" -d '{"preconditions":{"resourceVersion":"1"}}')"
check "DELETE with junk options" 200 "$(code -X DELETE -H "$J" "$DEP/d" -d 'junk')"
check "bad fault rules" 400 "$(code -X POST "$U/_kubeshim/faults" -d '{"rules":[{"path":"("}]}')"
check "bad fault regex" 400 "$(code -X POST "$U/_kubeshim/faults" -d '{"rules":[{"path":"(","status":500}]}')"
check "CRD without a group" 422 "$(code -X POST -H "$J" "$U/apis/apiextensions.k8s.io/v1/customresourcedefinitions" -d '{"metadata":{"name":"x.y"},"spec":{}}')"
printf 'GARBAGE\r\n\r\n' | curl -s --max-time 2 "telnet://127.0.0.1:$AS_PORT" -o "$D/raw" 2>/dev/null
check "garbage request line" True "$(grep -q '400 Bad Request' "$D/raw" && echo True || echo False)"
printf 'POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n1c\r\n{"metadata":{"name":"chunk"}\r\n1\r\n}\r\n0\r\n\r\n' |
    curl -s --max-time 2 "telnet://127.0.0.1:$AS_PORT" -o "$D/raw2" 2>/dev/null
check "chunked request body" True "$(grep -q '201 Created' "$D/raw2" && echo True || echo False)"
"$AS_PY" -c 'import json; print(json.dumps({"metadata": {"name": "big"}, "data": {"k": "x" * 5000}}))' >"$D/big.json"
t=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H "$J" --data @"$D/big.json" "$CM")
check "Expect: 100-continue answered (no 1 s wait)" True "$("$AS_PY" -c "print($t < 0.9)")"
check "big object stored" 5000 "$(curl -s "$CM/big" | "$AS_PY" -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["k"]))')"
# documents nest up to Go's 10000 levels: served (no stack overflow), deeper refused
if [ -n "$FX" ]; then
    for depth in 9990 10100; do
        "$AS_PY" -c 'import sys; d = int(sys.argv[1]); print("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"deep%d\"},\"spec\":" % d + "{\"a\":" * d + "1" + "}" * d + "}")' "$depth" >"$D/deep.json"
        st=$(code -X POST -H "$J" --data-binary @"$D/deep.json" "$U/apis/example.com/v1/gizmos")
        [ "$depth" = 9990 ] && check "depth $depth created" 201 "$st" || check "depth $depth refused" 400 "$st"
    done
    "$AS_PY" -c 'import sys; d = 9990; print("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"deep9990\"},\"spec\":" + "{\"b\":" * d + "1" + "}" * d + "}")' >"$D/deep2.json"
    check "deep server-side apply" 200 "$(code -X PATCH -H "$AP" --data-binary @"$D/deep2.json" "$U/apis/example.com/v1/gizmos/deep9990?fieldManager=x")"
fi
check "still serving" 200 "$(code "$U/healthz")"
if [ -n "$FX" ]; then
    check "fixture configmap" 200 "$(code "$U/api/v1/namespaces/seeded/configmaps/settings")"
    check "fixture data (YAML 1.1: \"on\" stays a string)" on "$(jget "$D/body" "d['data']['mode']")"
    check "fixture CRD serves its kind" 200 "$(code "$U/apis/example.com/v1/gizmos/gz")"
    check "fixture custom resource" 3 "$(jget "$D/body" "d['spec']['size']")"
fi
check_rc "bad fixtures refuse to start" 1 "$AS_BIN" --port 0 --fixtures /nonexistent
check_contains "bad fixtures message" 'kubeshim-apiserver: --fixtures "/nonexistent": cannot open' "$D/last.err"
check_rc "unknown option" 2 "$AS_BIN" --bogus
check_contains "unknown option message" 'unknown option "--bogus" (see --help)' "$D/last.err"
check_rc "--help" 0 "$AS_BIN" --help
check_contains "--help text" "--kubeconfig-out FILE" "$D/last.out"
# OpenAPI v3 documents as kube-openapi's handler3 serves them: a stale hash is a 301 to the
# current URL; the current hash is cacheable for a year (client-go then serves it from its cache)
CUR=$(curl -s --max-time 5 "$U/openapi/v3" | "$AS_PY" -c 'import json,sys; print(json.load(sys.stdin)["paths"]["api/v1"]["serverRelativeURL"])')
check "OpenAPI v3 stale hash" 301 "$(code "$U/openapi/v3/api/v1?hash=0BAD")"
curl -s -D - -o /dev/null --max-time 5 "$U/openapi/v3/api/v1?hash=0BAD" | tr -d '\r' >"$D/h.stale"
check_contains "OpenAPI v3 stale hash: Location" "Location: $CUR" "$D/h.stale"
curl -s -D - -o /dev/null --max-time 5 "$U$CUR" | tr -d '\r' >"$D/h.cur"
check_contains "OpenAPI v3 current hash: immutable" "Cache-Control: public, immutable" "$D/h.cur"
check_contains "OpenAPI v3 current hash: Etag" "Etag: \"${CUR##*hash=}\"" "$D/h.cur"
curl -s -D - -o /dev/null --max-time 5 "$U/openapi/v3/api/v1" | tr -d '\r' >"$D/h.none"
check_contains "OpenAPI v3 without a hash: not cacheable" "Cache-Control: no-cache, private" "$D/h.none"
as_done
