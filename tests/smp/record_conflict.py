#!/usr/bin/env python3
"""Record kubectl's three-way conflict message (apply --overwrite=false).

Runs fixtures/smp/conflict/<NAME>/case.yaml with the oracle (real kubectl 1.33 against
the recording fake API server of ../shared/tools/oracle) and keeps, from its
stderr, the original/modified/current documents kubectl printed and the
conflict message that follows "for:: ", in fixtures/smp/conflict/<NAME>/expected.json.
Usage: record_conflict.py ORACLE_DIR NAME...
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONFLICT = os.path.join(HERE, "..", "..", "fixtures", "smp", "conflict")


def main():
    oracle = sys.argv[1]
    for name in sys.argv[2:]:
        record(oracle, os.path.join(CONFLICT, name))


def record(oracle, CASE):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        subprocess.run([sys.executable, os.path.join(oracle, "oracle.py"), "run",
                        os.path.join(CASE, "case.yaml"), "-o", out], check=True, cwd=oracle)
        with open(out, encoding="utf-8") as f:
            rec = json.load(f)
    err = rec["stderr"]
    docs = {}
    for name in ("original", "modified", "current"):
        start = err.index("\n%s:\n" % name) + len(name) + 3
        docs[name] = err[start:err.index("\n", start)]
    # the message ends with a newline, so kubectl prints it without adding one
    docs["message"] = err[err.index("for:: ") + len("for:: "):]
    docs["source"] = "kubectl.1.33 apply --overwrite=false, recorded by tests/smp/record_conflict.py"
    with open(os.path.join(CASE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(docs, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
