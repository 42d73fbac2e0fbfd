#!/usr/bin/env python3
"""Record the expected results of tests/jmp/test_jsonpatch.c from real kubectl.

For every case below, writes target.json to a temporary directory, runs
  kubectl.1.33 patch --local -f target.json --type json -p PATCH -o json
and stores target, patch, the command, exit code, stdout and stderr in
cases.json next to this script. Rerun: python3 record.py [KUBECTL]
(default /usr/lib/google-cloud-sdk/bin/kubectl.1.33).
"""
import json
import os
import subprocess
import sys
import tempfile

CM = {"apiVersion": "v1", "kind": "ConfigMap",
      "metadata": {"name": "x", "namespace": "default", "labels": {"a/b": "1", "c~d": "2"},
                   "finalizers": ["f1", "f2", "f3"]},
      "data": {"a": "1", "b": "2", "n": "null"}}
DEP = {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "web", "namespace": "default"},
       "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [
                                 {"name": "app", "image": "app:1", "args": ["a", "b"],
                                  "ports": [{"containerPort": 80}]},
                                 {"name": "side", "image": "side:1"}]}}}}

CASES = [
    ("add-member", CM, [{"op": "add", "path": "/data/c", "value": "3"}]),
    ("add-replaces-member", CM, [{"op": "add", "path": "/data/a", "value": "9"}]),
    ("add-object", CM, [{"op": "add", "path": "/metadata/annotations", "value": {"k": "v"}}]),
    ("add-escaped-slash", CM, [{"op": "add", "path": "/metadata/labels/x~1y", "value": "s"}]),
    ("add-escaped-tilde", CM, [{"op": "replace", "path": "/metadata/labels/c~0d", "value": "t"}]),
    ("add-array-index", CM, [{"op": "add", "path": "/metadata/finalizers/1", "value": "new"}]),
    ("add-array-end", CM, [{"op": "add", "path": "/metadata/finalizers/-", "value": "last"}]),
    ("add-array-len", CM, [{"op": "add", "path": "/metadata/finalizers/3", "value": "len"}]),
    ("add-array-negative", CM, [{"op": "add", "path": "/metadata/finalizers/-1", "value": "neg"}]),
    ("add-array-out-of-range", CM, [{"op": "add", "path": "/metadata/finalizers/5", "value": "x"}]),
    ("add-array-bad-index", CM, [{"op": "add", "path": "/metadata/finalizers/x", "value": "x"}]),
    ("add-missing-parent", CM, [{"op": "add", "path": "/nope/c", "value": "3"}]),
    ("add-no-path", CM, [{"op": "add", "value": 1}]),
    ("add-deep-container", DEP, [{"op": "add", "path": "/spec/template/spec/containers/0/env",
                                  "value": [{"name": "A", "value": "1"}]}]),
    ("add-container-args", DEP, [{"op": "add", "path": "/spec/template/spec/containers/0/args/0",
                                  "value": "z"}]),
    ("remove-member", CM, [{"op": "remove", "path": "/data/b"}]),
    ("remove-missing", CM, [{"op": "remove", "path": "/data/zz"}]),
    ("remove-array-element", CM, [{"op": "remove", "path": "/metadata/finalizers/0"}]),
    ("remove-array-negative", CM, [{"op": "remove", "path": "/metadata/finalizers/-1"}]),
    ("remove-array-out-of-range", CM, [{"op": "remove", "path": "/metadata/finalizers/3"}]),
    ("remove-container", DEP, [{"op": "remove", "path": "/spec/template/spec/containers/1"}]),
    ("replace-member", DEP, [{"op": "replace", "path": "/spec/replicas", "value": 5}]),
    ("replace-missing-key-adds", CM, [{"op": "replace", "path": "/data/zz", "value": "n"}]),
    ("replace-array-element", CM, [{"op": "replace", "path": "/metadata/finalizers/2",
                                    "value": "r"}]),
    ("replace-array-out-of-range", CM, [{"op": "replace", "path": "/metadata/finalizers/9",
                                         "value": "r"}]),
    ("replace-missing-parent", CM, [{"op": "replace", "path": "/a/b", "value": 1}]),
    ("replace-root-scalar-noop", CM, [{"op": "replace", "path": "", "value": 5}]),
    ("replace-float", DEP, [{"op": "replace", "path": "/spec/replicas", "value": 2.5}]),
    ("move-member", CM, [{"op": "move", "from": "/data/a", "path": "/data/moved"}]),
    ("move-missing", CM, [{"op": "move", "from": "/data/zz", "path": "/data/q"}]),
    ("move-array", CM, [{"op": "move", "from": "/metadata/finalizers/0",
                         "path": "/metadata/finalizers/-"}]),
    ("move-no-from", CM, [{"op": "move", "path": "/data/q"}]),
    ("copy-member", CM, [{"op": "copy", "from": "/data/a", "path": "/data/q"}]),
    ("copy-object", DEP, [{"op": "copy", "from": "/spec/selector/matchLabels",
                           "path": "/metadata/labels"}]),
    ("copy-missing-dest", CM, [{"op": "copy", "from": "/data/a", "path": "/x/y"}]),
    ("test-ok-then-replace", CM, [{"op": "test", "path": "/data/a", "value": "1"},
                                  {"op": "replace", "path": "/data/a", "value": "2"}]),
    ("test-fails", CM, [{"op": "test", "path": "/data/a", "value": "2"}]),
    ("test-absent-null", CM, [{"op": "test", "path": "/data/zz", "value": None}]),
    ("test-object", DEP, [{"op": "test", "path": "/spec/selector",
                           "value": {"matchLabels": {"app": "web"}}}]),
    ("test-int-vs-string", DEP, [{"op": "test", "path": "/spec/replicas", "value": "2"}]),
    ("unknown-op", CM, [{"op": "frob", "path": "/a"}]),
    ("no-op", CM, [{"path": "/a"}]),
    ("patch-not-array", CM, {"op": "add"}),
    ("op-not-object", CM, ["x"]),
    ("empty-patch", CM, []),
    ("sequence-stops-at-error", CM, [{"op": "add", "path": "/data/c", "value": "3"},
                                     {"op": "remove", "path": "/data/zz"}]),
]


def main():
    kubectl = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
    out = []
    with tempfile.TemporaryDirectory() as d:
        for name, target, patch in CASES:
            path = os.path.join(d, "target.json")
            with open(path, "w") as f:
                json.dump(target, f)
            p = json.dumps(patch, separators=(",", ":"))
            argv = [kubectl, "patch", "--local", "-f", path, "--type", "json", "-p", p, "-o", "json"]
            r = subprocess.run(argv, capture_output=True, text=True)
            out.append({"name": name, "target": target, "patch": patch,
                        "command": "kubectl.1.33 patch --local -f target.json --type json -p '%s' -o json" % p,
                        "exit_code": r.returncode, "stdout": r.stdout, "stderr": r.stderr})
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
