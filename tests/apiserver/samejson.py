#!/usr/bin/env python3
"""samejson.py [--subset] GOT EXPECTED: compare two Kubernetes objects (JSON
files), ignoring what the server sets on every write (resourceVersion,
generation, managedFields). With --subset, GOT may hold more (defaults) but
every field of EXPECTED must be in it with the same value. Prints the
differing paths; exit 0 when equal."""
import json
import sys

VOLATILE = ("resourceVersion", "generation", "managedFields")


def norm(o):
    o = json.loads(json.dumps(o))
    md = o.get("metadata", {})
    for k in VOLATILE:
        md.pop(k, None)
    return o


SUBSET = len(sys.argv) > 1 and sys.argv[1] == "--subset"
if SUBSET:
    del sys.argv[1]


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(b) if SUBSET else set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: {'missing' if k not in a else repr(a[k])} vs "
                           f"{'missing' if k not in b else repr(b[k])}")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif SUBSET and isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append(f"{path}: {a!r} vs {b!r}")


got = norm(json.load(open(sys.argv[1])))
want = norm(json.load(open(sys.argv[2])))
out = []
diff(got, want, "", out)
for line in out[:20]:
    print("  " + line)
sys.exit(1 if out else 0)
