#!/usr/bin/env python3
"""record_bad.py: record what real kubectl says about each malformed manifest.
For every DIR/NAME.yaml it runs `kubectl.1.33 patch --local -f NAME.yaml --type
merge -p '{}' -o name` (the same resource builder as apply, no server) and
writes NAME.expected:
    kubectl: <kubectl's error line, without "error: "> (or "(accepted)"), one per
             error kubectl printed (it reads on past documents it cannot decode)
    objects: <how many objects kubectl read before the error>
    want: <our message>
The want line is kept when the file exists; with --propose it is filled from
DOCS_TOOL for review by hand (the location "document N, line L" is ours; the
rest must equal kubectl's words, which test_docs_bad checks).
Usage: record_bad.py KUBECTL DIR [--propose DOCS_TOOL]"""
import glob, os, subprocess, sys


def main():
    kubectl, d = sys.argv[1], sys.argv[2]
    tool = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == '--propose' else None
    for f in sorted(glob.glob(os.path.join(d, '*.yaml'))):
        name = os.path.basename(f)
        r = subprocess.run([kubectl, 'patch', '--local', '-f', name, '--type', 'merge', '-p', '{}',
                            '-o', 'name'], capture_output=True, cwd=d, timeout=60,
                           env={'PATH': '/usr/bin:/bin', 'HOME': '/tmp', 'KUBECONFIG': '/dev/null'})
        err = r.stderr.decode('utf-8', 'replace').strip().splitlines()
        klines = [l[len('error: '):] if l.startswith('error: ') else l for l in err] \
            if r.returncode and err else ['(accepted)']
        nobj = len(r.stdout.decode().split())
        exp = f[:-5] + '.expected'
        want = None
        if os.path.exists(exp):
            for line in open(exp, encoding='utf-8'):
                if line.startswith('want: '):
                    want = line[len('want: '):].rstrip('\n')
        if want is None and tool:
            t = subprocess.run([tool, 'load', f], capture_output=True, cwd=d)
            for line in t.stdout.decode('utf-8', 'replace').splitlines():
                if line.startswith('error: '):
                    want = line[len('error: '):]
        with open(exp, 'w', encoding='utf-8') as fh:
            fh.write(''.join('kubectl: %s\n' % k for k in klines))
            fh.write('objects: %d\nwant: %s\n' % (nobj, want or ''))


main()
