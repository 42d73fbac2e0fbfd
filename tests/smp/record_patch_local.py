#!/usr/bin/env python3
"""Record what real kubectl does when it applies a strategic merge patch.

For every case of fixtures/smp/patch-local.yaml, run
    kubectl.1.33 patch --local -f LIVE --type strategic -p PATCH -o json
and store the object it prints (`result`) or its stderr (`error`, without the
"error: " prefix; kubectl ends it with a newline unless the message has one). kubectl applies the patch with strategicpatch and the
compiled Pod struct, exactly what the API server does.
Usage: record_patch_local.py KUBECTL FIXTURE.yaml   (rewrites the fixture)
"""
import json
import subprocess
import sys
import tempfile

import yaml


def run(kubectl, live, patch):
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(live, f)
        f.flush()
        p = subprocess.run([kubectl, "patch", "--local", "-f", f.name, "--type", "strategic",
                            "-p", json.dumps(patch), "-o", "json"],
                           capture_output=True, text=True)
    if p.returncode == 0:
        return {"result": json.loads(p.stdout)}
    err = p.stderr  # kubectl adds a newline unless the message ends with one
    for prefix in ("error: ", "Error: "):
        if err.startswith(prefix):
            err = err[len(prefix):]
    return {"error": err}


def main():
    kubectl, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    for c in doc["cases"]:
        c.pop("result", None)
        c.pop("error", None)
        c.update(run(kubectl, c["live"], c["patch"]))
    doc["source"] = "recorded by tests/smp/record_patch_local.py with " + kubectl.split("/")[-1]
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Strategic merge patch application, as real kubectl does it (patch --local).\n")
        f.write("# Regenerate: tests/smp/record_patch_local.py KUBECTL fixtures/smp/patch-local.yaml\n")
        yaml.safe_dump(doc, f, sort_keys=False, width=100)


if __name__ == "__main__":
    main()
