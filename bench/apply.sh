#!/usr/bin/env bash
# Apply/diff benchmark (issue 6): kubeshim against real kubectl 1.33, side by side
# in one run, on 400 objects (300 ConfigMaps, 100 Deployments), against
# kubeshim-apiserver serving the real Kubernetes 1.33 OpenAPI v3 documents.
#
#   bash bench/apply.sh [BUILD_DIR] [LATENCY_MS...]     (default: build, 10 0)
#   BENCH_TLS=1 bash bench/apply.sh ...                 the servers speak HTTPS (as clusters do)
#
# For each latency, each tool gets its own fresh server and its own HOME
# (a warm-up apply of the Namespace fills the discovery and OpenAPI caches, as
# on a user's machine), then three timed phases:
#   create  apply -f objects/   (400 creates)
#   update  apply -f objects/   (every object changed: 400 patches)
#   diff    diff -f objects/    (every object changed again: 400 dry-run patches)
# Wall time, CPU time (user+sys) and peak RSS come from GNU time. Results are
# printed as a Markdown table with kubectl/kubeshim ratios.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
latencies=("$@")
[ ${#latencies[@]} -gt 0 ] || latencies=(10 0)
ks=$build/kubeshim
srv=$build/kubeshim-apiserver
kubectl=${KUBECTL:-/usr/lib/google-cloud-sdk/bin/kubectl.1.33}
openapi=$top/../shared/k8s-openapi/v3-v1.33
for f in "$ks" "$srv" "$kubectl"; do
    [ -x "$f" ] || { echo "bench: missing $f" >&2; exit 1; }
done
[ -d "$openapi" ] || { echo "bench: missing $openapi (../shared)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

gen() { python3 "$top/bench/gen_apply_objects.py" "$work/m$1" --version "$1" >/dev/null; }
gen 1
gen 2
gen 3
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n' >"$work/ns.yaml"

# run TOOL_BIN HOME PHASE ARGS... -> appends "wall user sys maxrss_kb" to $work/res
timed() {
    local name=$1 home=$2 phase=$3
    shift 3
    set +e
    HOME=$home /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >"$work/out.$name.$phase" 2>"$work/err.$name.$phase"
    local rc=$?
    set -e
    if [ "$phase" = diff ]; then
        [ $rc = 1 ] || { echo "bench: $name diff exited $rc" >&2; cat "$work/err.$name.$phase" >&2; exit 1; }
    elif [ $rc != 0 ]; then
        echo "bench: $name $phase exited $rc" >&2
        tail -5 "$work/err.$name.$phase" >&2
        exit 1
    fi
    echo "$name $phase $(tail -1 "$work/t")" >>"$work/res"
}

for lat in "${latencies[@]}"; do
    : >"$work/res"
    for name in kubectl kubeshim; do
        bin=$kubectl
        [ $name = kubeshim ] && bin=$ks
        d=$work/$name-$lat
        mkdir -p "$d/home"
        tls=()
        [ -n "${BENCH_TLS:-}" ] && tls=(--tls)
        "$srv" --port-file "$d/port" --kubeconfig-out "$d/kubeconfig" --openapi-dir "$openapi" \
            --latency-ms "$lat" "${tls[@]}" >"$d/server.log" 2>&1 &
        pids+=($!)
        for _ in $(seq 200); do [ -s "$d/kubeconfig" ] && break; sleep 0.05; done
        export KUBECONFIG=$d/kubeconfig
        HOME=$d/home "$bin" apply -f "$work/ns.yaml" >/dev/null
        timed $name "$d/home" create "$bin" apply -f "$work/m1/objects"
        timed $name "$d/home" update "$bin" apply -f "$work/m2/objects"
        timed $name "$d/home" diff "$bin" diff -f "$work/m3/objects"
        # both tools must have done the same work
        grep -c ' created$' "$work/out.$name.create" >"$work/n.$name.create"
        grep -c ' configured$' "$work/out.$name.update" >"$work/n.$name.update"
    done
    for ph in create update; do
        a=$(cat "$work/n.kubectl.$ph") b=$(cat "$work/n.kubeshim.$ph")
        [ "$a" = 400 ] && [ "$b" = 400 ] || { echo "bench: $ph: kubectl $a, kubeshim $b objects" >&2; exit 1; }
    done
    cmp -s <(grep -c '^diff -u -N' "$work/out.kubectl.diff") <(grep -c '^diff -u -N' "$work/out.kubeshim.diff") ||
        echo "bench: warning: the two diffs differ in their number of files" >&2
    echo
    echo "### ${lat} ms latency per request, 400 objects${BENCH_TLS:+, HTTPS}"
    echo
    echo "| phase | kubectl wall s | kubeshim wall s | wall ratio | kubectl CPU s | kubeshim CPU s | CPU ratio | kubectl peak MB | kubeshim peak MB | memory ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for ph in create update diff; do
        read -r _ _ kw ku ks_ km < <(grep "^kubectl $ph " "$work/res")
        read -r _ _ sw su ss sm < <(grep "^kubeshim $ph " "$work/res")
        awk -v ph=$ph -v kw=$kw -v ku=$ku -v ks=$ks_ -v km=$km -v sw=$sw -v su=$su -v ss=$ss -v sm=$sm 'BEGIN {
            kc = ku + ks; sc = su + ss;
            printf "| %s | %.2f | %.2f | %.1fx | %.2f | %.2f | %.1fx | %.1f | %.1f | %.1fx |\n",
                ph, kw, sw, (sw > 0 ? kw / sw : 0), kc, sc, (sc > 0 ? kc / sc : 0),
                km / 1024, sm / 1024, (sm > 0 ? km / sm : 0) }'
    done
done
