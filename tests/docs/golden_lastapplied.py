#!/usr/bin/env python3
"""golden_lastapplied.py: must-show 2 of issue 2. For every kubectl-golden case
whose POST or PATCH bodies carry a last-applied annotation, load the case's
manifest with manifest_load (through docs_tool), default the namespace as
kubectl did (namespaced when the request path has /namespaces/; the context
namespace is case.yaml `namespace`, default "default"), compute the
annotation and compare it byte for byte with what kubectl sent.
Usage: golden_lastapplied.py DOCS_TOOL CORPUS_DIR[:PREFIX]...   (exit 77 when no corpus)"""
import glob, json, os, subprocess, sys, tempfile

import yaml

LA = 'kubectl.kubernetes.io/last-applied-configuration'


def wanted(expected):
    """(kind/name, namespaced) -> annotation bytes kubectl sent."""
    out = {}
    for r in expected.get('requests', []):
        if r.get('method') not in ('POST', 'PATCH') or not r.get('body_raw'):
            continue
        # --server-side re-sends the live object's annotation as it is (case 114),
        # not one computed from the manifest.
        if r.get('content_type') == 'application/apply-patch+yaml':
            continue
        try:
            body = json.loads(r['body_raw'])
        except ValueError:
            continue
        ann = ((body.get('metadata') or {}).get('annotations') or {}).get(LA) \
            if isinstance(body, dict) else None
        if not isinstance(ann, str):
            continue
        obj = json.loads(ann)
        key = '%s/%s' % (obj.get('kind', ''), (obj.get('metadata') or {}).get('name', ''))
        out[key] = ('/namespaces/' in r['path'], ann)
    return out


def main():
    tool, dirs = sys.argv[1], sys.argv[2:]
    # DIR or DIR:PREFIX (only the cases whose directory name starts with PREFIX)
    cases = []
    for d in dirs:
        d, _, prefix = d.partition(':')
        cases += glob.glob(os.path.join(d, prefix + '*', 'case.yaml'))
    cases.sort()
    if not cases:
        print('SKIPPED: no kubectl-golden cases in %s' % ' '.join(dirs))
        return 77
    npass = nfail = ncases = 0
    with tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            exp_path = os.path.join(os.path.dirname(c), 'expected.json')
            if not os.path.exists(exp_path):
                continue
            with open(c, encoding='utf-8') as f:
                case = yaml.safe_load(f)
            with open(exp_path, encoding='utf-8') as f:
                want = wanted(json.load(f))
            if not want or not isinstance(case.get('manifest'), str):
                continue
            ncases += 1
            mf = os.path.join(tmp, 'manifest.yaml')
            with open(mf, 'w', encoding='utf-8') as f:
                f.write(case['manifest'])
            ns = case.get('namespace') or 'default'
            flags = [str(f) for f in case.get('flags') or []]
            for i, f in enumerate(flags):
                if f.startswith('--namespace='):
                    ns = f.split('=', 1)[1]
                elif f in ('-n', '--namespace') and i + 1 < len(flags):
                    ns = flags[i + 1]
                elif f.startswith('-n') and len(f) > 2:
                    ns = f[2:].lstrip('=')
            spec = ['%s=%d' % (k, v[0]) for k, v in want.items()]
            r = subprocess.run([tool, 'lastapplied', mf, ns] + spec, capture_output=True)
            got = {}
            for line in r.stdout.decode('utf-8').splitlines():
                if line.startswith('error: '):
                    continue  # a later document is bad: the objects before it still count
                k, v = line.split('\t', 1)
                got[k] = json.loads(v)
            for k, (_, ann) in want.items():
                if got.get(k) == ann:
                    npass += 1
                else:
                    nfail += 1
                    print('FAIL %s %s\n  want: %r\n  got:  %r' % (c, k, ann, got.get(k)))
    print('%d cases, %d passed, %d failed' % (ncases, npass, nfail))
    return 1 if nfail or not npass else 0


sys.exit(main())
