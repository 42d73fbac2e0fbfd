#!/usr/bin/env python3
"""Generate schemas/pmeta_tables.c: the patch metadata of the built-in kinds.

The tables stand in for the Go struct tags compiled into kubectl (PMETA_STRUCT
flavour, smp-semantics.md §2.1): one struct pmeta_type per OpenAPI v2
definition, holding ALL its properties (so unknown fields are detected) sorted
by name, each with its patch strategy and merge key and the server-side-apply
list type, list-map keys and map type; plus an index of the group-version-kinds
whose PATCH operation accepts application/strategic-merge-patch+json, and an
index of the types by definition name.

Sources: the 1.33 document, plus the 1.20.4 served document for definitions
that 1.33 no longer has (extensions/v1beta1, apps/v1beta1/2, policy/v1beta1,
batch/v1beta1, networking.k8s.io/v1beta1 Ingress, ...). A name present in both
resolves to 1.33 (newest wins); a kind is indexed from 1.20.4 only when 1.33
does not index it.

Usage (stdlib only, deterministic output):
  python3 schemas/gen_pmeta.py [SHARED_DIR] > schemas/pmeta_tables.c
SHARED_DIR defaults to ../shared beside the checkout.
"""
import json
import os
import sys

SMP = "application/strategic-merge-patch+json"
DOCS = ("k8s-openapi/swagger-v1.33.json", "k8s-openapi/swagger-v1.20.4-served.json")
LIST_TYPES = {"atomic": "PMETA_LIST_ATOMIC", "set": "PMETA_LIST_SET", "map": "PMETA_LIST_MAP"}
MAP_TYPES = {"atomic": "PMETA_MAP_ATOMIC", "granular": "PMETA_MAP_GRANULAR"}


def bkey(s):
    """strcmp order."""
    return s.encode("utf-8")


def cstr(s):
    if s is None:
        return "NULL"
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += "\\" + ch
        elif 0x20 <= ord(ch) < 0x7F:
            out += ch
        else:
            out += "".join("\\%03o" % b for b in ch.encode("utf-8"))
    return out + '"'


def parse_strategy(s):
    """PARITY: strategicpatch extractRetainKeysPatchStrategy.
    Returns (strategy, retain_keys, bad) with strategy in '', merge, replace."""
    if s is None:
        return "", False, None
    parts = s.split(",")
    if len(parts) == 1:
        if parts[0] == "retainKeys":
            return "", True, None
        return parts[0], False, None
    if len(parts) == 2:
        if parts[0] == "retainKeys":
            return parts[1], True, None
        if parts[1] == "retainKeys":
            return parts[0], True, None
    return "", False, s


def load(shared):
    docs = []
    for rel in DOCS:
        with open(os.path.join(shared, rel), encoding="utf-8") as f:
            docs.append(json.load(f))
    return docs


def smp_gvks(doc):
    """GVKs whose PATCH operation consumes strategic merge patch."""
    out = set()
    for path in sorted(doc.get("paths", {})):
        op = doc["paths"][path].get("patch")
        if not op or SMP not in op.get("consumes", []):
            continue
        g = op.get("x-kubernetes-group-version-kind")
        if g:
            out.add((g.get("group", ""), g["version"], g["kind"]))
    return out


def kind_defs(defs):
    """GVK -> definition names carrying it, sorted."""
    out = {}
    for name in sorted(defs):
        for g in defs[name].get("x-kubernetes-group-version-kind", []):
            out.setdefault((g.get("group", ""), g["version"], g["kind"]), []).append(name)
    return out


class Gen:
    def __init__(self, new, old):
        self.defs = dict(old["definitions"])
        self.defs.update(new["definitions"])  # newest wins
        self.names = sorted(self.defs, key=bkey)
        self.index = {n: i for i, n in enumerate(self.names)}
        # Shared opaque types for Go kinds that are not structs.
        self.opaque = ["bool", "float32", "float64", "int32", "int64", "map", "slice", "string"]
        kinds = {}
        new_kinds, old_kinds = kind_defs(new["definitions"]), kind_defs(old["definitions"])
        for gvk in smp_gvks(new):
            if gvk in new_kinds:
                kinds[gvk] = new_kinds[gvk][0]
        for gvk in smp_gvks(old):
            if gvk not in kinds and gvk in old_kinds:
                kinds[gvk] = old_kinds[gvk][0]
        self.kinds = kinds

    def tref(self, name):
        return "&T[%d]" % self.index[name]

    def oref(self, kind):
        return "&O[%d]" % self.opaque.index(kind)

    def ref_name(self, ref):
        name = ref.split("/")[-1]
        if name not in self.index:
            raise SystemExit("unresolved $ref %s" % ref)
        return name

    def scalar_kind(self, s):
        t, fmt = s.get("type"), s.get("format")
        if t == "object":
            return "map"
        if t == "array":
            return "slice"
        if t == "boolean":
            return "bool"
        if t == "integer":
            return "int32" if fmt == "int32" else "int64"
        if t == "number":
            return "float32" if fmt == "float" else "float64"
        if t == "string":
            return "slice" if fmt == "byte" else "string"
        return None

    def value_type(self, s):
        """The C expression of the type of a value with schema s."""
        if "$ref" in s:
            return self.tref(self.ref_name(s["$ref"]))
        k = self.scalar_kind(s)
        return self.oref(k) if k else "NULL"

    def field(self, pname, p):
        strategy, retain, bad = parse_strategy(p.get("x-kubernetes-patch-strategy"))
        parts = [".name = " + cstr(pname)]
        if strategy == "merge":
            parts.append(".strategy = PMETA_MERGE")
        elif strategy == "replace":
            parts.append(".strategy = PMETA_REPLACE")
        elif strategy and bad is None:
            bad = p.get("x-kubernetes-patch-strategy")
        if retain:
            parts.append(".retain_keys = 1")
        if p.get("type") == "array" and "$ref" not in p:
            parts.append(".is_list = 1")
            typ = self.value_type(p.get("items", {}))
        else:
            typ = self.value_type(p)
        lt = p.get("x-kubernetes-list-type")
        if lt in LIST_TYPES:
            parts.append(".list_type = " + LIST_TYPES[lt])
        mt = p.get("x-kubernetes-map-type")
        if mt in MAP_TYPES:
            parts.append(".map_type = " + MAP_TYPES[mt])
        if p.get("x-kubernetes-patch-merge-key"):
            parts.append(".merge_key = " + cstr(p["x-kubernetes-patch-merge-key"]))
        if p.get("x-kubernetes-list-map-keys"):
            parts.append(".list_map_keys = " + cstr(",".join(p["x-kubernetes-list-map-keys"])))
        if bad is not None:
            parts.append(".bad_strategy = " + cstr(bad))
        if typ != "NULL":
            parts.append(".type = " + typ)
        return "{" + ", ".join(parts) + "}"

    def emit(self, out, sources):
        w = out.write
        w("/*\n * pmeta_tables.c: GENERATED by schemas/gen_pmeta.py; do not edit.\n")
        w(" * Patch metadata of the built-in kinds (PMETA_STRUCT), from\n")
        for s in sources:
            w(" *   %s\n" % s)
        w(" * See schemas/README.md to regenerate.\n */\n")
        w('#include "pmeta_tables.h"\n\n#include <stddef.h>\n\n/* clang-format off */\n')
        w("static const struct pmeta_type T[%d];\n\n" % len(self.names))
        w("/* Go kinds that are not structs: lookups into them fail. */\n")
        w("static const struct pmeta_type O[%d] = {\n" % len(self.opaque))
        for k in self.opaque:
            w("    {.name = %s, .flavor = PMETA_STRUCT, .kind = PMETA_T_OPAQUE},\n" % cstr(k))
        w("};\n\n")
        starts, counts = [], []
        w("static const struct pmeta_field F[] = {\n")
        n = 0
        for name in self.names:
            props = self.defs[name].get("properties", {})
            starts.append(n)
            counts.append(len(props))
            w("    /* %s */\n" % name)
            for pname in sorted(props, key=bkey):
                w("    %s,\n" % self.field(pname, props[pname]))
                n += 1
        if n == 0:
            w("    {.name = NULL},\n")
        w("};\n\n")
        w("static const struct pmeta_type T[%d] = {\n" % len(self.names))
        for i, name in enumerate(self.names):
            d = self.defs[name]
            parts = [".name = " + cstr(name.split(".")[-1]), ".flavor = PMETA_STRUCT",
                     ".kind = PMETA_T_OBJECT"]
            if d.get("x-kubernetes-map-type") in MAP_TYPES:
                parts.append(".map_type = " + MAP_TYPES[d["x-kubernetes-map-type"]])
            if counts[i]:
                parts.append(".nfields = %d" % counts[i])
                parts.append(".fields = &F[%d]" % starts[i])
            w("    {%s},\n" % ", ".join(parts))
        w("};\n\n")
        kinds = sorted(self.kinds, key=lambda g: (bkey(g[0]), bkey(g[1]), bkey(g[2])))
        w("const struct pmeta_tables_kind pmeta_tables_kinds[] = {\n")
        for g in kinds:
            w("    {%s, %s, %s, %s},\n" % (cstr(g[0]), cstr(g[1]), cstr(g[2]),
                                         self.tref(self.kinds[g])))
        w("};\nconst size_t pmeta_tables_nkinds = %d;\n\n" % len(kinds))
        w("const struct pmeta_tables_name pmeta_tables_names[] = {\n")
        for name in self.names:
            w("    {%s, %s},\n" % (cstr(name), self.tref(name)))
        w("};\nconst size_t pmeta_tables_nnames = %d;\n" % len(self.names))
        w("/* clang-format on */\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared")
    new, old = load(shared)
    gen = Gen(new, old)
    gen.emit(sys.stdout, ["shared/" + d + " (%s)" % doc["info"].get("version", "?")
                          for d, doc in zip(DOCS, (new, old))])


if __name__ == "__main__":
    main()
