/*
 * pmeta.c: look one field up in a patch-metadata graph, with the lookup rules
 * and error texts of the three upstream sources (smp-semantics.md §2.1):
 * PatchMetaFromStruct (forked encoding/json field matching), PatchMetaFromOpenAPI
 * (kube-openapi proto visitors) and PatchMetaFromOpenAPIV3.
 */
#include "patch/pmeta.h"

#include "base/strbuf.h"

#include <stdio.h>
#include <string.h>

/*
 * PARITY: Go's foldFunc/bytes.EqualFold on ASCII field names: letters match
 * case-insensitively, and the Kelvin sign (U+212A) folds to k, the long s
 * (U+017F) to s.
 */
static bool fold_equal(const char *name, const char *json)
{
    const unsigned char *a = (const unsigned char *)name, *b = (const unsigned char *)json;
    while (*a && *b) {
        unsigned char ca = *a, cb = *b;
        if (cb == 0xe2 && b[1] == 0x84 && b[2] == 0xaa) {
            if (ca != 'k' && ca != 'K')
                return false;
            a++, b += 3;
            continue;
        }
        if (cb == 0xc5 && b[1] == 0xbf) {
            if (ca != 's' && ca != 'S')
                return false;
            a++, b += 2;
            continue;
        }
        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca + 32);
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb + 32);
        if (ca != cb)
            return false;
        a++, b++;
    }
    return !*a && !*b;
}

const struct pmeta_field *pmeta_field(const struct pmeta_type *t, const char *name)
{
    if (!t || t->kind != PMETA_T_OBJECT)
        return NULL;
    size_t lo = 0, hi = t->nfields;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->fields[mid].name, name);
        if (c == 0)
            return &t->fields[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int not_found(const struct pmeta_type *at, const char *field, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    int rc;
    switch (at->flavor) {
    case PMETA_STRUCT:
        /* PARITY: forked encoding/json LookupPatchMetadataForStruct */
        strbuf_addf(&sb, "unable to find api field in struct %s for the json field ",
                    at->name ? at->name : "");
        strbuf_add_goquoted(&sb, field, strlen(field));
        break;
    case PMETA_V2:
        /* PARITY: strategicpatch FieldNotFoundError */
        strbuf_adds(&sb, "unable to find api field ");
        strbuf_add_goquoted(&sb, field, strlen(field));
        strbuf_addf(&sb, " in %s", at->name ? at->name : "");
        break;
    default:
        /* PARITY: PatchMetaFromOpenAPIV3.traverse */
        strbuf_adds(&sb, "unable to find api field ");
        strbuf_add_goquoted(&sb, field, strlen(field));
        break;
    }
    rc = ks_fail(e, KS_EINVALID, "%s", strbuf_str(&sb));
    strbuf_release(&sb);
    return rc;
}

static int bad_strategy(const char *s, struct ks_err *e)
{
    /* PARITY: extractRetainKeysPatchStrategy prints the split list with %v */
    struct strbuf sb = STRBUF_INIT;
    int rc;
    for (const char *p = s; *p; p++)
        strbuf_addch(&sb, *p == ',' ? ' ' : *p);
    rc = ks_fail(e, KS_EINVALID, "unexpected patch strategy: [%s]", strbuf_str(&sb));
    strbuf_release(&sb);
    return rc;
}

int pmeta_lookup(struct pmeta *out, const struct pmeta_type *at, const char *field,
                 struct ks_err *e)
{
    const struct pmeta_field *f = NULL;

    memset(out, 0, sizeof(*out));
    if (!at)
        return 0;
    switch (at->kind) {
    case PMETA_T_ARBITRARY:
        if (at->flavor == PMETA_V2)
            return 0; /* PARITY: kindItem has no VisitArbitrary: empty, no schema */
        if (at->flavor == PMETA_V3)
            return not_found(at, field, e);
        return 0;
    case PMETA_T_OPAQUE:
        if (at->flavor == PMETA_STRUCT)
            return ks_fail(e, KS_EINVALID,
                           "merging an object in json but data type is not struct, instead is: %s",
                           at->name ? at->name : "map");
        if (at->flavor == PMETA_V2) {
            /* PARITY: kindItem.VisitMap / VisitArray / VisitPrimitive */
            const char *got =
                at->name && (!strcmp(at->name, "slice") || !strcmp(at->name, "primitive"))
                    ? at->name
                    : "map";
            return ks_fail(e, KS_EINVALID, "expected kind, but got %s", got);
        }
        return not_found(at, field, e);
    default:
        break;
    }
    if (at->flavor == PMETA_V3 && at->nfields == 0)
        return not_found(at, field, e); /* PARITY: len(Properties) == 0 */
    f = pmeta_field(at, field);
    if (!f && at->flavor == PMETA_STRUCT) {
        for (size_t i = 0; i < at->nfields && !f; i++)
            if (fold_equal(at->fields[i].name, field))
                f = &at->fields[i];
    }
    if (!f)
        return not_found(at, field, e);
    if (f->bad_strategy)
        return bad_strategy(f->bad_strategy, e);
    out->strategy = f->strategy;
    out->retain_keys = f->retain_keys;
    out->merge_key = f->merge_key && f->merge_key[0] ? f->merge_key : NULL;
    out->type = f->type;
    out->field = f;
    return 0;
}
