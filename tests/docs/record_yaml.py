#!/usr/bin/env python3
"""record_yaml.py: record how real kubectl prints objects as YAML.
For every DIR/NAME.json (one object) it runs
    kubectl.1.33 patch --local -f NAME.json --type merge -p '{}' -o yaml
(no server needed; the same printer as `kubectl get -o yaml`, sigs.k8s.io/yaml
Marshal) and writes DIR/NAME.yaml with kubectl's stdout, byte for byte.
`collect` first fills DIR with objects taken from the kubectl-golden corpus
(live objects, manifests and request bodies) plus hand-written ones.
Usage: record_yaml.py KUBECTL DIR [collect CORPUS_DIR...]"""
import glob, json, os, subprocess, sys

import yaml


def collect(outdir, corpora):
    n = 0
    for corpus in corpora:
        for case in sorted(glob.glob(os.path.join(corpus, '*', 'case.yaml'))):
            name = os.path.basename(os.path.dirname(case))
            with open(case, encoding='utf-8') as f:
                c = yaml.safe_load(f)
            objs = []
            live = c.get('live')
            objs += live if isinstance(live, list) else [live] if live else []
            exp = os.path.join(os.path.dirname(case), 'expected.json')
            if os.path.exists(exp):
                with open(exp, encoding='utf-8') as f:
                    for r in json.load(f).get('requests', []):
                        b = r.get('body')
                        if r.get('method') == 'POST' and isinstance(b, dict) and b.get('kind'):
                            objs.append(b)
            for i, o in enumerate(objs):
                if not isinstance(o, dict) or not o.get('kind'):
                    continue
                path = os.path.join(outdir, '%s-%d.json' % (name, i + 1))
                with open(path, 'w', encoding='utf-8') as f:
                    json.dump(o, f, ensure_ascii=False, indent=1)
                n += 1
    return n


def main():
    kubectl, d = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3 and sys.argv[3] == 'collect':
        print('collected %d objects' % collect(d, sys.argv[4:]))
    for f in sorted(glob.glob(os.path.join(d, '*.json'))):
        r = subprocess.run([kubectl, 'patch', '--local', '-f', os.path.basename(f), '--type',
                            'merge', '-p', '{}', '-o', 'yaml'], capture_output=True, cwd=d,
                           env={'PATH': '/usr/bin:/bin', 'HOME': '/tmp', 'KUBECONFIG': '/dev/null'})
        if r.returncode:
            print('kubectl failed on %s: %s' % (f, r.stderr.decode().strip()))
            os.unlink(f)
            continue
        with open(f[:-5] + '.yaml', 'wb') as fh:
            fh.write(r.stdout)


main()
