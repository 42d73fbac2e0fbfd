#!/usr/bin/env bash
# Check kubeshim against one case recorded from real kubectl 1.33:
#   oracle_case.sh PYTHON ORACLE_DIR KUBESHIM CASE_DIR
# The oracle starts its fake API server, runs kubeshim exactly as it ran
# kubectl (same argv, KUBECONFIG, fresh HOME) and compares the requests
# (body_raw byte for byte), stdout, stderr, exit code and retry sequence with
# the case's expected.json.
# A case where kubeshim differs from kubectl on purpose (an issue asks for
# better) has a file `kubeshim-deviation` beside it: its first line is
# "fields: <the fields still compared>", the rest says why; the reason is
# printed on every run. Exit 77 (skip) when ../shared is absent.
set -u
py=$1 oracle=$2 bin=$3 case=$4
if [ ! -f "$oracle/oracle.py" ] || [ ! -d "$case" ]; then
    echo "SKIPPED: needs ../shared/tools/oracle and the case $case"
    exit 77
fi
fields=requests,stdout,stderr,exit_code,retry
if [ -f "$case/kubeshim-deviation" ]; then
    fields=$(sed -n '1s/^fields: *//p' "$case/kubeshim-deviation")
    echo "deviation from kubectl 1.33, comparing only $fields:"
    sed -n '2,$p' "$case/kubeshim-deviation"
fi
exec "$py" "$oracle/oracle.py" check --kubectl "$bin" --fields "$fields" -v "$case"
