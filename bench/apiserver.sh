#!/usr/bin/env bash
# apiserver.sh [BUILD_DIR]: benchmark kubeshim-apiserver: start it on a free
# port, seed 1,000 ConfigMaps, and drive it with bench/apiserver_load (keep-alive
# connections) in three mixes. Results go to stdout; see bench/apiserver.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
srv=$build/kubeshim-apiserver
load=$(find "$build" -name apiserver_load -type f | head -1)
[ -x "$srv" ] && [ -n "$load" ] || { echo "build kubeshim-apiserver and apiserver_load first"; exit 1; }
dir=$(mktemp -d)
"$srv" --port-file "$dir/port" --log "$dir/requests.jsonl" 2>"$dir/server.err" &
pid=$!
trap 'kill -TERM $pid; wait $pid; rm -rf "$dir"' EXIT
for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
port=$(cat "$dir/port")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$load" "$port" seed 1000
"$load" "$port" run 1000 8 10           # GET one object
"$load" "$port" run 1000 8 10 10 10     # 80% GET, 10% LIST (label selector), 10% PATCH
"$load" "$port" run 1000 2 10 10 10     # the same with 2 connections
echo "log lines: $(wc -l <"$dir/requests.jsonl")"
