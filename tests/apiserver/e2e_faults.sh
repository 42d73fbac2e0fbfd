#!/usr/bin/env bash
# e2e_faults.sh SERVER KUBECTL_DIR PYTHON: fault injection of kubeshim-apiserver:
# the first N PATCHes answered 409 (kubectl retries), a method+path rule
# answered with a status N times, rules replaced at run time through
# /_kubeshim/faults, a fixed latency, a connection dropped mid-reply, a reply
# that never comes (and SIGTERM still stopping the server cleanly).
AS_BIN=$1
KDIR=$2
AS_PY=${3:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
K=$KDIR/kubectl.1.33
command -v curl >/dev/null || { echo "SKIPPED: curl is not installed"; exit 77; }
AS_DIR=$(mktemp -d /tmp/as-faults-XXXXXX)
as_start "$AS_DIR/srv" --conflicts 2 --fault "GET /api/v1/namespaces/default/configmaps/x$ 503x2"
trap 'as_stop; rm -rf "$AS_DIR"' EXIT
D=$AS_DIR
U=http://127.0.0.1:$AS_PORT
CM=$U/api/v1/namespaces/default/configmaps

code() { curl -s -o "$D/body" -w '%{http_code}' "$@"; }

# --- a method+path rule answers its status N times, then the request is served
check "create x" 201 "$(code -X POST -H 'Content-Type: application/json' "$CM" -d '{"metadata":{"name":"x"},"data":{"a":"1"}}')"
check "rule hit 1" 503 "$(code "$CM/x")"
check "rule Status" "ServiceUnavailable injected 503" "$(jget "$D/body" "d['reason'] + ' ' + d['message']")"
check "rule hit 2" 503 "$(code "$CM/x")"
check "rule spent" 200 "$(code "$CM/x")"
check "other paths untouched" 200 "$(code "$CM")"

# --- the first N PATCHes get 409, dry runs are left alone
check "dry-run patch passes" 200 "$(code -X PATCH -H 'Content-Type: application/merge-patch+json' "$CM/x?dryRun=All" -d '{"data":{"b":"2"}}')"
check "patch conflict 1" 409 "$(code -X PATCH -H 'Content-Type: application/merge-patch+json' "$CM/x" -d '{"data":{"b":"2"}}')"
check "conflict Status" 'Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again' "$(jget "$D/body" "d['message']")"
check "patch conflict 2" 409 "$(code -X PATCH -H 'Content-Type: application/merge-patch+json' "$CM/x" -d '{"data":{"b":"2"}}')"
check "patch after conflicts" 200 "$(code -X PATCH -H 'Content-Type: application/merge-patch+json' "$CM/x" -d '{"data":{"b":"2"}}')"

# --- rules replaced at run time; kubectl apply retries through two conflicts
cat >"$D/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: ycfg}
data: {a: "1"}
YAML
if [ -x "$K" ]; then
    check_rc "kubectl apply create" 0 "$K" apply -f "$D/cm.yaml"
    check "set conflicts" 200 "$(code -X POST "$U/_kubeshim/faults" -d '{"conflicts":2}')"
    sed -i 's/a: "1"/a: "2"/' "$D/cm.yaml"
    check_rc "kubectl apply through conflicts" 0 "$K" apply -f "$D/cm.yaml"
    check "applied after retries" 2 "$("$K" get cm ycfg -o jsonpath='{.data.a}')"
    check "patch statuses" "409 409 200" "$("$AS_PY" -c '
import json, sys
print(" ".join(str(e["status"]) for e in map(json.loads, open(sys.argv[1]))
               if e["method"] == "PATCH" and e["path"].endswith("/configmaps/ycfg")))' "$D/srv/requests.jsonl")"
    check "conflict rule spent" "2 2" "$(code "$U/_kubeshim/faults" >/dev/null; jget "$D/body" "str(d['rules'][0]['hits']) + ' ' + str(d['rules'][0]['times'])")"
    check "422 rule" 200 "$(code -X POST "$U/_kubeshim/faults" -d '{"rules":[{"method":"patch","path":"/configmaps/ycfg$","status":422,"reason":"Invalid","message":"ConfigMap \"ycfg\" is invalid: data: Invalid value"}]}')"
    check_rc "kubectl patch gets the 422" 1 "$K" patch cm ycfg --type merge -p '{"data":{"c":"3"}}'
    check_contains "422 message" 'The ConfigMap "ycfg" is invalid' "$D/last.err"
    check_rc "kubectl patch after the rule" 0 "$K" patch cm ycfg --type merge -p '{"data":{"c":"3"}}'
else
    echo "note: kubectl.1.33 is absent, its part is skipped"
fi

# --- watch: events replayed from a resourceVersion, then the stream ends at timeoutSeconds
rv0=$(curl -s "$CM" | "$AS_PY" -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
code -X POST -H 'Content-Type: application/json' "$CM" -d '{"metadata":{"name":"w","labels":{"k":"v"}},"data":{"a":"1"}}' >/dev/null
code -X PATCH -H 'Content-Type: application/merge-patch+json' "$CM/w" -d '{"data":{"a":"2"}}' >/dev/null
code -X DELETE "$CM/w" >/dev/null
curl -s -N "$CM?watch=true&labelSelector=k%3Dv&resourceVersion=$rv0&timeoutSeconds=1" -o "$D/watch.out"
check "watch events" "ADDED:w:1 MODIFIED:w:2 DELETED:w:2" "$("$AS_PY" -c '
import json, sys
print(" ".join(e["type"] + ":" + e["object"]["metadata"]["name"] + ":" + e["object"]["data"]["a"]
               for e in map(json.loads, open(sys.argv[1]))))' "$D/watch.out")"
curl -s -N "$CM?watch=1&fieldSelector=metadata.name%3Dx&timeoutSeconds=1" -o "$D/watch0.out"
check "watch without resourceVersion starts with the current state" "ADDED:x" "$("$AS_PY" -c '
import json, sys
print(" ".join(e["type"] + ":" + e["object"]["metadata"]["name"] for e in map(json.loads, open(sys.argv[1]))))' "$D/watch0.out")"

# --- latency
check "set latency" 200 "$(code -X POST "$U/_kubeshim/faults" -d '{"latencyMs":1000}')"
t=$(curl -s -o /dev/null -w '%{time_total}' "$CM/x")
check "latency applied" True "$("$AS_PY" -c "print($t >= 1.0)")"
check "clear faults" 200 "$(code -X DELETE "$U/_kubeshim/faults")"
t=$(curl -s -o /dev/null -w '%{time_total}' "$CM/x")
check "latency cleared" True "$("$AS_PY" -c "print($t < 0.9)")"

# --- a connection dropped mid-reply, then a reply that never comes
check "drop rule" 200 "$(code -X POST "$U/_kubeshim/faults" -d '{"rules":[{"method":"GET","path":"/configmaps/x$","action":"drop"}]}')"
curl -s -o /dev/null "$CM/x"
rc=$?
check "dropped mid-reply (curl: partial file)" 18 "$rc"
check "served after the drop" 200 "$(code "$CM/x")"
check "hang rule" 200 "$(code -X POST "$U/_kubeshim/faults" -d '{"rules":[{"path":"/configmaps/x$","action":"hang","times":2}]}')"
curl -s -o /dev/null --max-time 1 "$CM/x"
check "no reply (curl: timeout)" 28 "$?"
curl -s -o /dev/null --max-time 30 "$CM/x" &
hung=$!
sleep 0.3
start=$(date +%s%N)
kill -TERM "$AS_PID"
wait "$AS_PID"
check "SIGTERM with a hanging request: exit code" 0 "$?"
AS_PID=
ms=$((($(date +%s%N) - start) / 1000000))
check "stopped promptly" True "$("$AS_PY" -c "print($ms < 3000)")"
wait "$hung"
check "hanging client saw the connection close (curl: empty reply)" 52 "$?"
check_contains "clean stop" "kubeshim-apiserver: stopped" "$D/srv/server.err"
check "log has the hang" True "$("$AS_PY" -c '
import json, sys
print(any(e["category"] == "hang" and e["status"] is None for e in map(json.loads, open(sys.argv[1]))))' "$D/srv/requests.jsonl")"

# --- bearer token: 401 with the apiserver's Status, /version stays public
as_start "$D/srv2" --token s3cret
CM=http://127.0.0.1:$AS_PORT/api/v1/namespaces/default/configmaps
check "no token: 401" 401 "$(code "$CM")"
check "401 Status" "Unauthorized Unauthorized" "$(jget "$D/body" "d['reason'] + ' ' + d['message']")"
check "wrong token: 401" 401 "$(code -H 'Authorization: Bearer nope' "$CM")"
check "token: 200" 200 "$(code -H 'Authorization: Bearer s3cret' "$CM")"
check "/version is public" 200 "$(code "http://127.0.0.1:$AS_PORT/version")"
as_done
