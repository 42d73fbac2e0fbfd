#!/usr/bin/env python3
"""Run `kubeshim build-patch` / `kubeshim apply-patch` on the cases of
fixtures/plan/patchtool/cases.json (expected output recorded from kubectl
1.33, see record.py there) and compare stdout, stderr and exit code exactly.
Usage: test_patchtool.py KUBESHIM CASES.json SHARED_DIR [NAME-SUBSTRING]
({SHARED} in a case's arguments stands for SHARED_DIR; without it, such
cases are skipped.)
"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: test_patchtool.py KUBESHIM CASES.json SHARED_DIR [NAME]")
    kubeshim, path, shared = sys.argv[1], sys.argv[2], sys.argv[3]
    only = sys.argv[4] if len(sys.argv) > 4 else ""
    with open(path) as f:
        cases = json.load(f)
    passed = failed = 0
    for c in cases:
        if only not in c["name"]:
            continue
        args = [a.replace("{SHARED}", shared) for a in c["args"]]
        if any("{SHARED}" in a for a in c["args"]) and not os.path.isdir(shared):
            print("skip %s: %s is absent" % (c["name"], shared))
            continue
        with tempfile.TemporaryDirectory() as d:
            for name, text in c["files"].items():
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            r = subprocess.run([kubeshim] + args, cwd=d, capture_output=True, text=True,
                               timeout=30)
        got = (r.returncode, r.stdout, r.stderr)
        want = (c["exit_code"], c["stdout"], c["stderr"])
        if got == want:
            passed += 1
        else:
            failed += 1
            print("FAIL %s (%s)\n  want: %r\n  got:  %r" % (c["name"], c["source"], want, got))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
