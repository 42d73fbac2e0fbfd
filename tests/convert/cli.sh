#!/bin/sh
# cli.sh: `kubeshim convert` end to end (files in, stdout/stderr/exit out).
# Expected outputs follow the kubectl-convert plugin (kubernetes
# pkg/kubectl/cmd/convert/convert.go): one object read from one file prints
# alone, anything else (two objects, a directory, stdin) as a v1 List with
# `metadata: {}` (asVersionedObject + v1.List); -o json is 4-space
# MarshalIndent plus a newline (printers.JSONPrinter); -o name prints
# kind.group/name with the operation "converted" (NamePrinter); errors are
# cli-runtime's ("must specify one of -f and -k", `the path "x" does not
# exist`, the NoCompatiblePrinterError list, ParseGroupVersion's message).
# As `kubectl convert` with a kubectl-convert plugin on PATH, the command goes
# to kubectl (which runs the plugin).
# Usage: cli.sh KUBESHIM FIXTURES_DIR
set -u
K=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FX=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

# check NAME WANT_RC WANT_STDOUT_FILE WANT_STDERR_FILE -- CMD...
check() {
    name=$1 rc_want=$2 out_want=$3 err_want=$4
    shift 5
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" = "$rc_want" ] && cmp -s "$T/out" "$out_want" && cmp -s "$T/err" "$err_want"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: rc $rc (want $rc_want)"
        diff "$out_want" "$T/out" | sed 's/^/  stdout /'
        diff "$err_want" "$T/err" | sed 's/^/  stderr /'
    fi
}
: >"$T/empty"
printf 'ingress.networking.k8s.io/ing converted\n' >"$T/one.out"

cat >"$T/ingress.out" <<'X'
{
    "apiVersion": "networking.k8s.io/v1",
    "kind": "Ingress",
    "metadata": {
        "name": "ing"
    },
    "spec": {
        "defaultBackend": {
            "service": {
                "name": "s",
                "port": {
                    "number": 80
                }
            }
        }
    }
}
X
check single-file-json 0 "$T/ingress.out" "$T/empty" -- "$K" convert -f "$FX/ingress.json" -o json

# the default output is YAML (printers.YAMLPrinter: sigs.k8s.io/yaml, sorted keys)
cat >"$T/ingress.yaml.out" <<'X'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
spec:
  defaultBackend:
    service:
      name: s
      port:
        number: 80
X
check single-file-yaml 0 "$T/ingress.yaml.out" "$T/empty" -- "$K" convert -f "$FX/ingress.json"
cat >"$T/list.yaml.out" <<'X'
apiVersion: v1
items:
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    name: ing
  spec:
    defaultBackend:
      service:
        name: s
        port:
          number: 80
kind: List
metadata: {}
X
check stdin-yaml-list 0 "$T/list.yaml.out" "$T/empty" -- sh -c "\"$K\" convert -o yaml -f - <\"$FX/ingress.json\""

mkdir "$T/dir"
cp "$FX/ingress.json" "$T/dir/a.json"
echo 'not a manifest' >"$T/dir/notes.txt"
cat >"$T/list.out" <<'X'
{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": "ing"
            },
            "spec": {
                "defaultBackend": {
                    "service": {
                        "name": "s",
                        "port": {
                            "number": 80
                        }
                    }
                }
            }
        }
    ],
    "kind": "List",
    "metadata": {}
}
X
check directory-is-a-list 0 "$T/list.out" "$T/empty" -- "$K" convert -f "$T/dir" -o json

# -o name: one object prints kind.group/name; the List of several is a typed *v1.List,
# which cli-runtime's NamePrinter refuses
check name 0 "$T/one.out" "$T/empty" -- "$K" convert --output-version=networking.k8s.io/v1 -f "$FX/ingress.json" -o name
printf 'deployment.apps/web converted\n' >"$T/deploy.out"
check name-newest-version 0 "$T/deploy.out" "$T/empty" -- "$K" convert -f "$FX/deployment.json" -o name
printf 'error: list types are not supported by name printing: *v1.List\n' >"$T/elist"
check name-of-a-list 1 "$T/empty" "$T/elist" -- "$K" convert -f "$FX/ingress.json" -f "$FX/deployment.json,$FX/widget.json" -o name

check stdin-is-a-list 1 "$T/empty" "$T/elist" -- sh -c "\"$K\" convert -f - -o name <\"$FX/ingress.json\""

# YAML streams: empty documents skipped; a List is flattened (one item from one file prints alone)
cat >"$T/stream.out" <<'X'
apiVersion: v1
items:
- apiVersion: apps/v1
  kind: DaemonSet
  metadata:
    labels:
      app: agent
    name: agent
  spec:
    selector:
      matchLabels:
        app: agent
    template:
      metadata:
        labels:
          app: agent
      spec:
        containers:
        - image: agent:1
          name: agent
    updateStrategy:
      type: OnDelete
- apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: nightly
  spec:
    jobTemplate:
      spec:
        template:
          spec:
            containers:
            - image: busybox
              name: job
            restartPolicy: OnFailure
    schedule: 0 3 * * *
kind: List
metadata: {}
X
check yaml-stream 0 "$T/stream.out" "$T/empty" -- "$K" convert -f "$FX/stream.yml"
cat >"$T/hpa.out" <<'X'
{
    "apiVersion": "autoscaling/v2",
    "kind": "HorizontalPodAutoscaler",
    "metadata": {
        "name": "web"
    },
    "spec": {
        "maxReplicas": 3,
        "scaleTargetRef": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web"
        }
    }
}
X
check list-of-one 0 "$T/hpa.out" "$T/empty" -- "$K" convert -f "$FX/list.yml" -o json

# a kind no rule knows passes through unchanged (the plugin's runtime.Unknown)
cat >"$T/widget.out" <<'X'
{
    "apiVersion": "example.com/v1",
    "kind": "Widget",
    "metadata": {
        "name": "w"
    },
    "size": 3
}
X
check unknown-kind-unchanged 0 "$T/widget.out" "$T/empty" -- "$K" convert -f "$FX/widget.json" --output-version apps/v1 -o json

printf 'error: must specify one of -f and -k\n' >"$T/e1"
check no-filename 1 "$T/empty" "$T/e1" -- "$K" convert -o json
printf 'error: the path "%s" does not exist\n' "$T/missing.yaml" >"$T/e2"
check missing-path 1 "$T/empty" "$T/e2" -- "$K" convert -f "$T/missing.yaml"
printf 'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n' >"$T/e3"
check bad-output 1 "$T/empty" "$T/e3" -- "$K" convert -f "$FX/ingress.json" -o wide
printf 'error: unexpected GroupVersion string: a/b/c\n' >"$T/e4"
check bad-output-version 1 "$T/empty" "$T/e4" -- "$K" convert -f "$FX/ingress.json" --output-version a/b/c
printf 'error: only one of -f or -k can be specified\n' >"$T/e5"
check f-and-k 1 "$T/empty" "$T/e5" -- "$K" convert -f "$FX/ingress.json" -k "$T/dir"
printf 'error: policy/v1beta1 PodSecurityPolicy "restricted" has no successor: PodSecurityPolicy was removed in Kubernetes v1.25; use Pod Security Admission (the pod-security.kubernetes.io/enforce, audit and warn namespace labels) instead\n' >"$T/e6"
check no-successor 1 "$T/empty" "$T/e6" -- "$K" convert -f "$FX/psp.json"
printf 'error: cannot convert apps/v1beta2 Deployment "web" to networking.k8s.io/v1: no conversion rule\n' >"$T/e7"
check no-rule 1 "$T/empty" "$T/e7" -- "$K" convert -f "$FX/deployment.json" --output-version networking.k8s.io/v1

# invoked as kubectl: native without a plugin, handed to kubectl with one
mkdir "$T/bin" "$T/plug"
ln -s "$K" "$T/bin/kubectl"
printf '#!/bin/sh\necho delegated "$@"\n' >"$T/fakekubectl"
printf '#!/bin/sh\necho plugin\n' >"$T/plug/kubectl-convert"
chmod +x "$T/fakekubectl" "$T/plug/kubectl-convert"
check as-kubectl-native 0 "$T/one.out" "$T/empty" -- env KUBESHIM_KUBECTL="$T/fakekubectl" PATH="$T/bin:/usr/bin:/bin" "$T/bin/kubectl" convert -f "$FX/ingress.json" -o name
printf 'delegated convert -f %s -o name\n' "$FX/ingress.json" >"$T/deleg.out"
check as-kubectl-plugin 0 "$T/deleg.out" "$T/empty" -- env KUBESHIM_KUBECTL="$T/fakekubectl" PATH="$T/plug:$T/bin:/usr/bin:/bin" "$T/bin/kubectl" convert -f "$FX/ingress.json" -o name
check as-kubeshim-ignores-plugin 0 "$T/one.out" "$T/empty" -- env PATH="$T/plug:/usr/bin:/bin" "$K" convert -f "$FX/ingress.json" -o name

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
