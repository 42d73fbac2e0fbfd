#!/usr/bin/env python3
"""record_read.py: record what real kubectl reads from each manifest.
For every DIR/*.yaml it runs
    kubectl.1.33 patch --local -f F --type merge -p '{}' -o json
(no server needed) and writes F.expected: one line per object kubectl read,
compact, with every token (numbers included) exactly as kubectl printed it,
then "error: <kubectl's stderr>" when kubectl failed.
Usage: record_read.py KUBECTL DIR"""
import glob, os, subprocess, sys


def minify(text):
    """Split kubectl's indented JSON values into compact lines, tokens untouched."""
    out, cur, depth, in_str, esc = [], [], 0, False, False
    for ch in text:
        if in_str:
            cur.append(ch)
            if esc:
                esc = False
            elif ch == '\\':
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch.isspace():
            continue
        cur.append(ch)
        if ch == '"':
            in_str = True
        elif ch in '{[':
            depth += 1
        elif ch in '}]':
            depth -= 1
            if depth == 0:
                out.append(''.join(cur))
                cur = []
    return out


def main():
    kubectl, d = sys.argv[1], sys.argv[2]
    for f in sorted(glob.glob(os.path.join(d, '*.yaml'))):
        r = subprocess.run([kubectl, 'patch', '--local', '-f', os.path.basename(f), '--type',
                            'merge', '-p', '{}', '-o', 'json'], capture_output=True, text=True,
                           cwd=d, env={'PATH': '/usr/bin:/bin', 'HOME': '/tmp', 'KUBECONFIG': '/dev/null'})
        lines = minify(r.stdout)
        if len(lines) == 1 and lines[0].startswith('{"apiVersion":"v1","items":[') and \
                lines[0].endswith('"kind":"List","metadata":{"resourceVersion":""}}'):
            pass  # never printed by patch; kept for clarity
        if r.returncode:
            lines.append('error: ' + r.stderr.strip().replace('\n', ' '))
        with open(f[:-5] + '.expected', 'w') as fh:
            fh.write('\n'.join(lines) + '\n')


main()
