#!/usr/bin/env python3
"""Check that every rule of src/convert/convert_rules.c has a golden case.

A rule {"Kind", FROM, TO, ...} is covered by a case file under fixtures/convert
whose input has apiVersion FROM and kind Kind and whose expected (or target) is TO;
a two-way pair must also have a case with a roundTrip. Prints the uncovered rules
and exits 1 when there are any. Usage: coverage.py RULES.c FIXTURES_DIR
"""
import glob
import os
import re
import sys

import yaml


def main():
    rules_c, fixtures = sys.argv[1], sys.argv[2]
    text = open(rules_c, encoding="utf-8").read()
    macros = dict(re.findall(r'#define (\w+) "([^"]*)"', text))
    table = text[text.index("rules[] = {"):text.index("};", text.index("rules[] = {"))]
    rules = []
    for m in re.finditer(r'\{"(\w+)", (\w+|"[^"]*"), (\w+|"[^"]*"), (UP|DOWN)', table):
        kind, frm, to, d = m.groups()
        rules.append((kind, frm.strip('"') if frm.startswith('"') else macros[frm],
                      to.strip('"') if to.startswith('"') else macros[to], d))
    cases = []
    for f in glob.glob(os.path.join(fixtures, "*", "*.yaml")):
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        inp = doc.get("input") or {}
        exp = doc.get("expected") or {}
        cases.append((inp.get("kind"), inp.get("apiVersion"),
                      doc.get("target") or exp.get("apiVersion"), "roundTrip" in doc))
    missing = []
    for kind, frm, to, d in rules:
        if not any(c[0] == kind and c[1] == frm and c[2] == to for c in cases):
            missing.append("%s %s -> %s: no golden case" % (kind, frm, to))
        two_way = any(r[0] == kind and r[1] == to and r[2] == frm for r in rules)
        if two_way and not any(c[0] == kind and c[1] == frm and c[2] == to and c[3]
                               for c in cases):
            missing.append("%s %s -> %s: two-way rule without a roundTrip case" % (kind, frm, to))
    for m in missing:
        print(m)
    print("%d rules, %d cases, %d problems" % (len(rules), len(cases), len(missing)))
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
