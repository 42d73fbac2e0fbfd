#!/usr/bin/env python3
"""kcompare.py: compare what docs_tool reads from manifests with what real
kubectl 1.33 reads (`kubectl patch --local -f F --type merge -p {} -o json`).
Usage: kcompare.py DOCS_TOOL KUBECTL FILE...   Prints one line per file
("same", or the difference) and exits 1 on any difference."""
import json, subprocess, sys


def values(text):
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text) or not text[i] in '{[':
            return out, text[i:]
        v, i = dec.raw_decode(text, i)
        out.append(v)


def same(a, b):
    if type(a) != type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def main():
    tool, kubectl, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = 0
    for f in files:
        k = subprocess.run([kubectl, 'patch', '--local', '-f', f, '--type', 'merge', '-p', '{}',
                            '-o', 'json'], capture_output=True, text=True, errors='replace')
        kv, _ = values(k.stdout)
        if kv and kv[0].get('kind') == 'List' and 'items' in kv[0] and len(kv) == 1:
            kv = kv[0]['items']
        m = subprocess.run([tool, 'load', f], capture_output=True, text=True, errors='replace')
        mv = [json.loads(l) for l in m.stdout.splitlines() if not l.startswith('error: ')]
        merr = [l for l in m.stdout.splitlines() if l.startswith('error: ')]
        ok = same(kv, mv) and (bool(merr) == bool(k.returncode))
        if not ok:
            bad += 1
            print('DIFF %s\n  kubectl(%d): %s %s\n  ours: %s %s' % (f, k.returncode, json.dumps(kv)[:600],
                  k.stderr.strip()[:300], json.dumps(mv)[:600], merr))
        else:
            print('same %s%s' % (f, ('  [both fail] k: %s | ours: %s' % (k.stderr.strip()[:200], merr[0][:200])) if merr else ''))
    return 1 if bad else 0


sys.exit(main())
