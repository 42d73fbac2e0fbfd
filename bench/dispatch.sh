#!/usr/bin/env bash
# bench/dispatch.sh [KUBESHIM] [FRONT] [RUNS]: the cost of dispatch. `kubectl get ns`
# through kubeshim (installed as kubectl beside kubectl.1.27..1.33, warm and
# cold version cache) against `kubectl.1.33 get ns` run directly, and Google's
# dispatcher (/usr/bin/kubectl) the same way, in one run, against the oracle's
# FRONT is the libcurl-free front end (tests/dispatch/front_main.c, built as
# kubeshim_front), measured installed as kubectl with kubeshim beside it.
# fake API server on 127.0.0.1 reporting v1.33.1. The commands are timed
# interleaved (bench/dispatch_timing.py: shuffled rounds, medians), which a
# busy shared machine needs; the overhead alone with hyperfine when present.
# Results: bench/dispatch.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KS=${1:-$HERE/../build/kubeshim}
FRONT=${2:-$HERE/../build/tests/kubeshim_front}
RUNS=${3:-40}
SHARED=${KS_SHARED_DIR:-$HERE/../../shared}
KDIR=${KS_KUBECTL_DIR:-/usr/lib/google-cloud-sdk/bin}
[ -x "$KDIR/kubectl.1.33" ] || { echo "bench: no $KDIR/kubectl.1.33"; exit 77; }
[ -f "$SHARED/tools/oracle/fakeapi.py" ] || { echo "bench: no $SHARED/tools/oracle"; exit 77; }

T=$(mktemp -d /tmp/ks-bench-dispatch.XXXXXX)
SRV=
trap '[ -n "$SRV" ] && kill $SRV 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/fbin" "$T/home"
cp "$KS" "$T/bin/kubectl"
cp "$FRONT" "$T/fbin/kubectl"
cp "$KS" "$T/fbin/kubeshim"
for m in 27 28 29 30 31 32 33; do
    ln -s "$KDIR/kubectl.1.$m" "$T/bin/kubectl.1.$m"
    ln -s "$KDIR/kubectl.1.$m" "$T/fbin/kubectl.1.$m"
done
python3 "$SHARED/tools/oracle/fakeapi.py" --port 0 --port-file "$T/port" --log "$T/req.log" \
    --server-version v1.33.1 > "$T/srv.out" 2>&1 &
SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
cat > "$T/kc.json" <<EOF2
{"apiVersion": "v1", "kind": "Config", "current-context": "a",
 "clusters": [{"name": "a", "cluster": {"server": "http://127.0.0.1:$(cat "$T/port")"}}],
 "contexts": [{"name": "a", "context": {"cluster": "a", "user": "u"}}],
 "users": [{"name": "u", "user": {}}]}
EOF2
export HOME="$T/home" KUBECONFIG="$T/kc.json" KUBESHIM_SYSTEM_CONFIGS="" KUBERLR_SYSTEMPATH="$T/none"
export KUBESHIM_CACHE_DIR="$T/cache" KUBERLR_ALLOWDOWNLOAD=false
unset KUBESHIM_KUBECTL KUBESHIM_CACHE_TTL KUBESHIM_RESOLVING KUBERLR_RESOLVING_VERSION

# Sanity: kubeshim picks kubectl.1.33 and the command works.
for b in bin fbin; do
    "$T/$b/kubectl" get ns > /dev/null
    [ "$("$T/$b/kubectl" version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["minor"])')" = 33 ]
done

direct="$KDIR/kubectl.1.33 get ns"
warm="$T/bin/kubectl get ns"
cold="env KUBESHIM_CACHE_TTL=0 $T/bin/kubectl get ns"
fwarm="$T/fbin/kubectl get ns"
fcold="env KUBESHIM_CACHE_TTL=0 $T/fbin/kubectl get ns"
google="/usr/bin/kubectl get ns"

echo "## kubectl get ns, $RUNS interleaved rounds (bench/dispatch_timing.py)"
python3 "$HERE/dispatch_timing.py" "$RUNS" "kubectl.1.33 direct=$direct" \
    "front + kubeshim, warm cache=$fwarm" "front + kubeshim, cold cache=$fcold" \
    "kubeshim alone, warm cache=$warm" "kubeshim alone, cold cache=$cold" \
    "google dispatcher (/usr/bin/kubectl)=$google"

# The dispatch overhead alone: kubectl.1.33 replaced by /bin/true.
mkdir -p "$T/tbin" "$T/tfbin"
cp "$KS" "$T/tbin/kubectl"
cp "$FRONT" "$T/tfbin/kubectl"
cp "$KS" "$T/tfbin/kubeshim"
cp /bin/true "$T/tbin/kubectl.1.33"
cp /bin/true "$T/tfbin/kubectl.1.33"
"$T/tbin/kubectl" get ns
echo
echo "## the overhead alone: kubectl.1.33 is /bin/true, warm cache"
if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 20 --runs $((RUNS * 10)) --export-markdown "$T/true.md" \
        -n "true direct" "$T/tbin/kubectl.1.33 get ns" \
        -n "front -> true" "$T/tfbin/kubectl get ns" \
        -n "kubeshim -> true" "$T/tbin/kubectl get ns" > /dev/null 2>&1
    cat "$T/true.md"
else
    python3 "$HERE/dispatch_timing.py" $((RUNS * 10)) "true direct=$T/tbin/kubectl.1.33 get ns" \
        "front -> true=$T/tfbin/kubectl get ns" "kubeshim -> true=$T/tbin/kubectl get ns"
fi
echo
# Requests per command: direct vs warm kubeshim (no /version) vs cold (one /version).
for n in direct fwarm fcold warm cold google; do
    : > "$T/req.log"
    cmd=${!n}
    $cmd > /dev/null
    echo "$n: $(grep -c '"/version' "$T/req.log" || true) /version of $(wc -l < "$T/req.log") requests"
done
