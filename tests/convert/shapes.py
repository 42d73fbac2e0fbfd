#!/usr/bin/env python3
"""Check the same-shape rules of src/convert/convert_rules.c against the API schemas.

A rule whose function is NULL only changes apiVersion, so every field of the
old version must exist, with the same nesting, in the new one. The old types
come from the swagger of a 1.20.4 server (the last to serve most v1beta1s), the
new ones from 1.33's (../shared/k8s-openapi). Old kinds absent from the 1.20
swagger are listed as unchecked. Exits 77 when the swaggers are missing.
Usage: shapes.py RULES.c OPENAPI_DIR
"""
import json
import os
import re
import sys

GROUPS = {
    "": "core", "apps": "apps", "extensions": "extensions", "networking.k8s.io": "networking",
    "batch": "batch", "policy": "policy", "rbac.authorization.k8s.io": "rbac",
    "scheduling.k8s.io": "scheduling", "coordination.k8s.io": "coordination",
    "node.k8s.io": "node", "storage.k8s.io": "storage", "discovery.k8s.io": "discovery",
    "events.k8s.io": "events", "certificates.k8s.io": "certificates",
    "admissionregistration.k8s.io": "admissionregistration", "autoscaling": "autoscaling",
    "flowcontrol.apiserver.k8s.io": "flowcontrol",
}


def defname(gv, kind):
    group, _, version = gv.rpartition("/")
    return "io.k8s.api.%s.%s.%s" % (GROUPS.get(group, group), version, kind)


def shape(defs, ref, seen=()):
    """Property tree of a definition: nested dicts for the group's own k8s.io/api types; core
    types (pod templates, ...) are shared by both versions and stay opaque."""
    if ref in seen or ref not in defs:
        return {}
    out = {}
    for prop, s in defs[ref].get("properties", {}).items():
        r = s.get("$ref") or s.get("items", {}).get("$ref") or \
            (s.get("additionalProperties") or {}).get("$ref")
        if r and "io.k8s.api.core." in r:
            out[prop] = ("core", defs, r.split("/")[-1])
        elif r and "io.k8s.api." in r:
            out[prop] = shape(defs, r.split("/")[-1], seen + (ref,))
        else:
            out[prop] = s.get("type", "ref")
    return out


def missing(old, new, path=""):
    """Fields of old that new lacks, or whose nesting differs."""
    res = []
    for k, v in old.items():
        if k not in new:
            res.append(path + k)
            continue
        nv = new[k]
        if isinstance(v, tuple) and isinstance(nv, tuple):
            continue  # the same core type on both sides
        if isinstance(v, tuple):  # a core type on one side only: compare field by field
            v = shape(v[1], v[2])
        if isinstance(nv, tuple):
            nv = shape(nv[1], nv[2])
        if isinstance(v, dict) != isinstance(nv, dict):
            res.append(path + k + " (kind)")
        elif isinstance(v, dict):
            res += missing(v, nv, path + k + ".")
    return res


def main():
    rules_c, openapi = sys.argv[1], sys.argv[2]
    old_f = os.path.join(openapi, "swagger-v1.20.4-served.json")
    new_f = os.path.join(openapi, "swagger-v1.33.json")
    if not (os.path.exists(old_f) and os.path.exists(new_f)):
        print("SKIPPED: no swagger files in %s" % openapi)
        sys.exit(77)
    old = json.load(open(old_f, encoding="utf-8"))["definitions"]
    new = json.load(open(new_f, encoding="utf-8"))["definitions"]
    text = open(rules_c, encoding="utf-8").read()
    macros = dict(re.findall(r'#define (\w+) "([^"]*)"', text))
    val = lambda t: t.strip('"') if t.startswith('"') else macros[t]
    checked = bad = 0
    for m in re.finditer(r'\{"(\w+)", (\w+|"[^"]*"), (\w+|"[^"]*"), UP, [^}]*, NULL\}', text):
        kind, frm, to = m.group(1), val(m.group(2)), val(m.group(3))
        a, b = defname(frm, kind), defname(to, kind)
        if a not in old:
            print("unchecked: %s %s (not in the 1.20 swagger)" % (frm, kind))
            continue
        if b not in new:
            print("FAIL %s %s: no %s in the 1.33 swagger" % (frm, kind, b))
            bad += 1
            continue
        gone = missing(shape(old, a), shape(new, b))
        checked += 1
        if gone:
            bad += 1
            print("FAIL %s %s -> %s loses: %s" % (frm, kind, to, ", ".join(sorted(gone))))
    print("%d passed, %d failed" % (checked - bad, bad))
    sys.exit(1 if bad or not checked else 0)


if __name__ == "__main__":
    main()
