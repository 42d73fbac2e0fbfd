#!/usr/bin/env python3
"""Check the golden cases' objects against the Kubernetes API schemas.

Every `expected` object (and roundTrip object) must fit the OpenAPI v2 definition of its
apiVersion/kind in 1.33's swagger, or 1.20.4's for versions 1.33 no longer serves; every
`input` must fit 1.20.4's (or 1.33's): no unknown field, objects where objects belong,
and (outside inputs, which old defaulting completed) every required field present. Kinds neither swagger has (extensions/v1beta1 Deployment,
removed in 1.16) are listed as unchecked. Exits 77 when the swaggers are missing.
Usage: schema.py FIXTURES_DIR OPENAPI_DIR
"""
import glob
import json
import os
import sys

import yaml


def index(defs):
    by_gvk = {}
    for name, d in defs.items():
        for g in d.get("x-kubernetes-group-version-kind", []):
            gv = g["version"] if not g["group"] else g["group"] + "/" + g["version"]
            by_gvk.setdefault((gv, g["kind"]), name)
    return by_gvk


def check(defs, schema, v, path, errs, required=True):
    ref = schema.get("$ref")
    if ref:
        schema = defs[ref.split("/")[-1]]
    if schema.get("format") == "int-or-string" or schema.get("x-kubernetes-int-or-string"):
        if not isinstance(v, (int, str)):
            errs.append("%s: want an int or a string" % path)
        return
    t = schema.get("type")
    props = schema.get("properties")
    if t == "object" or props is not None:
        if not isinstance(v, dict):
            errs.append("%s: want an object" % path)
            return
        if props is None:
            add = schema.get("additionalProperties")
            if isinstance(add, dict):
                for k, x in v.items():
                    check(defs, add, x, "%s.%s" % (path, k), errs, required)
            return
        for k in schema.get("required", []) if required else []:
            if k not in v:
                errs.append("%s.%s: required" % (path, k))
        for k, x in v.items():
            if k not in props:
                errs.append("%s.%s: unknown field" % (path, k))
            elif x is not None:
                check(defs, props[k], x, "%s.%s" % (path, k), errs, required)
    elif t == "array":
        if not isinstance(v, list):
            errs.append("%s: want an array" % path)
            return
        for i, x in enumerate(v):
            check(defs, schema.get("items", {}), x, "%s[%d]" % (path, i), errs, required)
    elif t == "string" and not isinstance(v, str):
        errs.append("%s: want a string" % path)
    elif t == "integer" and (not isinstance(v, int) or isinstance(v, bool)):
        errs.append("%s: want an integer" % path)
    elif t == "boolean" and not isinstance(v, bool):
        errs.append("%s: want a boolean" % path)


def main():
    fixtures, openapi = sys.argv[1], sys.argv[2]
    files = [os.path.join(openapi, f) for f in ("swagger-v1.33.json", "swagger-v1.20.4-served.json")]
    if not all(os.path.exists(f) for f in files):
        print("SKIPPED: no swagger files in %s" % openapi)
        sys.exit(77)
    new, old = [json.load(open(f, encoding="utf-8"))["definitions"] for f in files]
    new_i, old_i = index(new), index(old)
    checked = bad = 0
    for f in sorted(glob.glob(os.path.join(fixtures, "*", "*.yaml"))):
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        objs = [("input", doc.get("input"), (old_i, old), (new_i, new)),
                ("expected", doc.get("expected"), (new_i, new), (old_i, old))]
        if isinstance(doc.get("roundTrip"), dict):
            objs.append(("roundTrip", doc["roundTrip"], (new_i, new), (old_i, old)))
        for what, o, first, second in objs:
            if not isinstance(o, dict):
                continue
            key = (o.get("apiVersion"), o.get("kind"))
            for idx, defs in (first, second):
                if key in idx:
                    errs = []
                    # an old manifest may leave required fields to the old defaulting
                    check(defs, defs[idx[key]], o, what, errs, what != "input")
                    checked += 1
                    if errs:
                        bad += 1
                        print("FAIL %s: %s" % (f, "; ".join(errs)))
                    break
            else:
                print("unchecked: %s %s %s %s" % (os.path.relpath(f, fixtures), what, *key))
    print("%d passed, %d failed" % (checked - bad, bad))
    sys.exit(1 if bad or not checked else 0)


if __name__ == "__main__":
    main()
