/*
 * smp_schemas.c: MergeItem, RetainKeysMergeItem and PrecisionItem of
 * strategicpatch's patch_test.go as pmeta graphs: struct tags (PMETA_STRUCT),
 * and mirrors of swagger-merge-item(-v3).json for when the OpenAPI loader
 * cannot read them (PMETA_V2, PMETA_V3). SCHEMAS.md has the table.
 */
#include "smp_schemas.h"

#include "base/gojson.h"
#include "base/strbuf.h"
#include "patch/pmeta_openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NTYPES = 16, NFIELDS = 16 };

struct flavour {
    struct pmeta_type types[NTYPES];
    struct pmeta_field fields[NTYPES][NFIELDS];
    int ntypes;
};

static struct flavour flavours[3];
static int built;

static struct pmeta_type *type_new(struct flavour *fl, int flavor, int kind, const char *name)
{
    struct pmeta_type *t = &fl->types[fl->ntypes];
    t->name = name;
    t->flavor = (unsigned char)flavor;
    t->kind = (unsigned char)kind;
    t->fields = fl->fields[fl->ntypes];
    fl->ntypes++;
    return t;
}

static void field(struct pmeta_type *t, const char *name, int strategy, int retain, int list,
                  const char *mk, const struct pmeta_type *type)
{
    struct pmeta_field *f = (struct pmeta_field *)&t->fields[t->nfields++];
    f->name = name;
    f->strategy = (unsigned char)strategy;
    f->retain_keys = (unsigned char)retain;
    f->is_list = (unsigned char)list;
    f->merge_key = mk;
    f->type = type;
}

static int cmp_field(const void *a, const void *b)
{
    return strcmp(((const struct pmeta_field *)a)->name, ((const struct pmeta_field *)b)->name);
}

/*
 * One flavour. scalar/intelem/map/json/rawfield give the types that differ:
 * struct: opaque Go kinds; v2: NULL scalars, a map, arbitrary jsonItem; v3:
 * schemas without properties.
 */
static void build(int flavor)
{
    struct flavour *fl = &flavours[flavor];
    struct pmeta_type *mi, *rk, *raw, *json, *pi;
    const struct pmeta_type *str = NULL, *intel = NULL, *map = NULL, *rkmap = NULL;
    const char *names[3][5] = {
        {"MergeItem", "RetainKeysMergeItem", "RawExtension", "", "PrecisionItem"},
        {"mergeItem", "retainKeysMergeItem", "io.k8s.apimachinery.pkg.runtime.RawExtension",
         "mergeItem.jsonItem", "precisionItem"},
        {"mergeItem", "retainKeysMergeItem", "io.k8s.apimachinery.pkg.runtime.RawExtension",
         "jsonItem", "precisionItem"},
    };

    mi = type_new(fl, flavor, PMETA_T_OBJECT, names[flavor][0]);
    rk = type_new(fl, flavor, PMETA_T_OBJECT, names[flavor][1]);
    raw = type_new(fl, flavor, PMETA_T_OBJECT, names[flavor][2]);
    pi = type_new(fl, flavor, PMETA_T_OBJECT, names[flavor][4]);
    if (flavor == PMETA_STRUCT) {
        str = type_new(fl, flavor, PMETA_T_OPAQUE, "string");
        intel = type_new(fl, flavor, PMETA_T_OPAQUE, "int");
        map = rkmap = type_new(fl, flavor, PMETA_T_OPAQUE, "map");
        json = type_new(fl, flavor, PMETA_T_OBJECT, names[flavor][3]);
        field(json, "Raw", 0, 0, 0, NULL, type_new(fl, flavor, PMETA_T_OPAQUE, "slice"));
    } else if (flavor == PMETA_V2) {
        map = type_new(fl, flavor, PMETA_T_OPAQUE, "map");
        rkmap = json = type_new(fl, flavor, PMETA_T_ARBITRARY, names[flavor][3]);
        field(raw, "Raw", 0, 0, 0, NULL, NULL);
    } else {
        str = intel = map = rkmap = json = type_new(fl, flavor, PMETA_T_OPAQUE, names[flavor][3]);
        field(raw, "Raw", 0, 0, 0, NULL, str);
    }
    field(mi, "name", 0, 0, 0, NULL, str);
    field(mi, "value", 0, 0, 0, NULL, str);
    field(mi, "other", 0, 0, 0, NULL, str);
    field(mi, "mergingList", PMETA_MERGE, 0, 1, "name", mi);
    field(mi, "nonMergingList", 0, 0, 1, NULL, mi);
    field(mi, "mergingIntList", PMETA_MERGE, 0, 1, NULL, intel);
    field(mi, "nonMergingIntList", 0, 0, 1, NULL, intel);
    field(mi, "mergeItemPtr", PMETA_MERGE, 0, 1, "name", mi);
    field(mi, "simpleMap", 0, 0, 0, NULL, map);
    field(mi, "replacingItem", PMETA_REPLACE, 0, 0, NULL, raw);
    field(mi, "jsonItem", 0, 0, 0, NULL, json);
    field(mi, "retainKeysMap", 0, 1, 0, NULL, rk);
    field(mi, "retainKeysMergingList", PMETA_MERGE, 1, 1, "name", mi);
    field(rk, "name", 0, 0, 0, NULL, str);
    field(rk, "value", 0, 0, 0, NULL, str);
    field(rk, "other", 0, 0, 0, NULL, str);
    field(rk, "simpleMap", 0, 0, 0, NULL, rkmap);
    field(rk, "mergingIntList", PMETA_MERGE, 0, 1, NULL, intel);
    field(rk, "mergingList", PMETA_MERGE, 0, 1, "name", mi);
    field(rk, "nonMergingList", 0, 0, 1, NULL, mi);
    field(pi, "name", 0, 0, 0, NULL, str);
    field(pi, "int32", 0, 0, 0, NULL, flavor == PMETA_STRUCT ? intel : str);
    field(pi, "int64", 0, 0, 0, NULL, flavor == PMETA_STRUCT ? intel : str);
    field(pi, "float32", 0, 0, 0, NULL, str);
    field(pi, "float64", 0, 0, 0, NULL, str);
    for (int i = 0; i < fl->ntypes; i++)
        qsort((void *)fl->types[i].fields, fl->types[i].nfields, sizeof(struct pmeta_field),
              cmp_field);
}

static void build_all(void)
{
    if (built)
        return;
    build(PMETA_STRUCT);
    build(PMETA_V2);
    build(PMETA_V3);
    built = 1;
}

const struct pmeta_type *smp_schemas_builtin(const char *id)
{
    int flavor = strncmp(id, "struct:", 7) == 0        ? PMETA_STRUCT
                 : strncmp(id, "openapi-v2:", 11) == 0 ? PMETA_V2
                 : strncmp(id, "openapi-v3:", 11) == 0 ? PMETA_V3
                                                       : -1;
    if (flavor < 0)
        return NULL;
    build_all();
    if (strstr(id, "recision"))
        return &flavours[flavor].types[3];
    if (strstr(id, "erge"))
        return &flavours[flavor].types[0];
    return NULL;
}

#define NLOADED 8
static struct pmeta_openapi *loaded[NLOADED];
static int nloaded;

static const struct pmeta_type *load(const char *id, const char *schemadir, const char **how)
{
    static char why[512];
    const char *colon = strchr(id, ':'), *hash = strchr(id, '#'), *slash;
    struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
    struct ks_err e = KS_ERR_INIT;
    struct pmeta_openapi *set = NULL;
    const struct pmeta_type *root = NULL;
    json_t *doc = NULL;
    bool v3 = strncmp(id, "openapi-v3:", 11) == 0;
    char buf[4096];
    size_t n;
    FILE *f;

    snprintf(why, sizeof(why), "hand-built");
    if (!colon || !hash || !(slash = strrchr(hash, '/')))
        goto done;
    strbuf_addf(&path, "%s/%.*s", schemadir, (int)(hash - colon - 1), colon + 1);
    if (!v3) {
        /* swagger-merge-item.json has a trailing comma; read its strict copy if there is one */
        struct strbuf strict = STRBUF_INIT;
        strbuf_add(&strict, path.buf, path.len - 5);
        strbuf_adds(&strict, ".strict.json");
        if ((f = fopen(strbuf_str(&strict), "rb"))) {
            fclose(f);
            strbuf_reset(&path);
            strbuf_adds(&path, strbuf_str(&strict));
        }
        strbuf_release(&strict);
    }
    if (!(f = fopen(strbuf_str(&path), "rb"))) {
        snprintf(why, sizeof(why), "hand-built: cannot open %.400s", strbuf_str(&path));
        goto done;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&text, buf, n);
    fclose(f);
    if (gojson_loads(&doc, text.buf, text.len, &e) < 0 ||
        (v3 ? pmeta_openapi_load_v3(&set, doc, &e) : pmeta_openapi_load_v2(&set, doc, &e)) < 0 ||
        pmeta_openapi_named(&root, set, slash + 1, &e) < 0) {
        snprintf(why, sizeof(why), "hand-built: %s", e.msg);
        root = NULL;
        goto done;
    }
    if (!root) {
        snprintf(why, sizeof(why), "hand-built: no schema %s", slash + 1);
        goto done;
    }
    snprintf(why, sizeof(why), "loaded by pmeta_openapi");
    if (nloaded < NLOADED) {
        loaded[nloaded++] = set;
        set = NULL;
    }
done:
    if (set && root)
        root = NULL; /* no room to keep it */
    pmeta_openapi_free(set);
    json_decref(doc);
    strbuf_release(&path);
    strbuf_release(&text);
    *how = why;
    return root;
}

const struct pmeta_type *smp_schemas_get(const char *id, const char *schemadir, const char **how)
{
    const struct pmeta_type *t = NULL;
    *how = "struct tags";
    if (strncmp(id, "openapi-", 8) == 0 && schemadir)
        t = load(id, schemadir, how);
    return t ? t : smp_schemas_builtin(id);
}

void smp_schemas_free(void)
{
    for (int i = 0; i < nloaded; i++)
        pmeta_openapi_free(loaded[i]);
    nloaded = 0;
}
