/*
 * manifest.c: split a manifest stream into objects as kubectl -f does.
 * PARITY: k8s.io/apimachinery/pkg/util/yaml YAMLOrJSONDecoder (a stream that
 * starts with `{` is read as JSON values, falling back to YAML where that
 * fails), YAMLReader (`---` lines, only a comment may follow), the
 * resource builder's StreamVisitor (empty and null documents skipped) and
 * unstructuredJSONScheme (any object with `items` is a list and is flattened;
 * items without kind and apiVersion inherit them from the list).
 */
#include "base/manifest.h"

#include "base/gojson.h"
#include "base/strbuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loader {
    struct manifest *m;
    const char *source;
    const struct yamlin_limits *lim;
    bool validate;
    int doc;
    struct ks_err jerr; /* the JSON error that sent the stream to YAML */
    int jerr_line;
    size_t lc_pos; /* count_lines' memory */
    int lc_line;
    int yaml_docs; /* YAML documents read so far */
};

/* A YAML read error; the JSON error instead when YAML was the fallback and failed at once. */
static int yaml_fail(struct loader *ld, int line, struct ks_err *e)
{
    if (ld->jerr.code && ld->yaml_docs == 0)
        return ks_fail(e, KS_EINPUT, "error parsing %s: document %d, line %d: %s", ld->source,
                       ld->doc, ld->jerr_line ? ld->jerr_line : line, ld->jerr.msg);
    return ks_context(e, "error parsing %s: document %d, line %d", ld->source, ld->doc, line);
}

static void push(struct manifest *m, json_t *obj, const char *source, int doc, int item, int line)
{
    if (m->n == m->alloc) {
        m->alloc = m->alloc ? 2 * m->alloc : 8;
        m->objs = ks_realloc(m->objs, m->alloc * sizeof(*m->objs));
    }
    struct manifest_obj *o = &m->objs[m->n++];
    o->obj = obj;
    o->source = ks_strdup(source);
    o->doc = doc;
    o->item = item;
    o->line = line;
    o->list_api_version = o->list_kind = NULL;
}

static const char *str_member(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* PARITY: kubectl/pkg/validation getObjectKind: what it says of one object. */
static void check_kind(struct strbuf *errs, const json_t *v)
{
    const char *names[] = {"apiVersion", "kind"};
    if (!json_is_object(v)) {
        strbuf_adds(errs, "invalid object to validate\n");
        return;
    }
    for (int i = 0; i < 2; i++) {
        const json_t *f = json_object_get(v, names[i]);
        if (!f || json_is_null(f))
            strbuf_addf(errs, "%s not set\n", names[i]);
        else if (!json_is_string(f))
            strbuf_addf(errs, "%s isn't string type\n", names[i]);
        else if (i == 0 && strchr(json_string_value(f), '/') &&
                 strchr(json_string_value(f), '/') != strrchr(json_string_value(f), '/'))
            strbuf_addf(errs, "unexpected GroupVersion string: %s\n", json_string_value(f));
    }
}

/*
 * PARITY: the resource builder's ValidateSchema before decoding: the
 * object's kind, and each item's for a v1 List; messages joined as
 * utilerrors.Aggregate does (duplicates dropped, "[a, b]" for several).
 */
static int validate_doc(struct loader *ld, const json_t *v, int line, struct ks_err *e)
{
    struct strbuf errs = STRBUF_INIT, agg = STRBUF_INIT;
    check_kind(&errs, v);
    const char *kind = json_string_value(json_object_get(v, "kind"));
    const char *api = json_string_value(json_object_get(v, "apiVersion"));
    if (!errs.len && kind && api && strcmp(kind, "List") == 0 && strcmp(api, "v1") == 0) {
        const json_t *items = json_object_get(v, "items");
        if (!json_is_array(items))
            strbuf_adds(&errs, "invalid object to validate\n");
        for (size_t i = 0; i < json_array_size(items); i++)
            check_kind(&errs, json_array_get(items, i));
    }
    int n = 0, rc = 0;
    for (char *p = errs.buf; p && *p;) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        bool seen = false;
        for (char *q = errs.buf; q < p && !seen; q += strlen(q) + 1)
            seen = strcmp(q, p) == 0;
        if (!seen) {
            strbuf_addf(&agg, "%s%s", n ? ", " : "", p);
            n++;
        }
        p = nl + 1;
    }
    if (n)
        rc =
            ks_fail(e, KS_EINPUT,
                    "error validating \"%s\": document %d, line %d: error validating data: %s%s%s; "
                    "if you choose to ignore these errors, turn validation off with "
                    "--validate=false",
                    ld->source, ld->doc, line, n > 1 ? "[" : "", agg.buf, n > 1 ? "]" : "");
    strbuf_release(&errs);
    strbuf_release(&agg);
    return rc;
}

/* Go's "json: cannot unmarshal X into Go struct field S.F of type T". */
static int type_error(struct loader *ld, int line, const json_t *v, const char *field,
                      const char *type, struct ks_err *e)
{
    struct strbuf num = STRBUF_INIT;
    struct ks_err we = KS_ERR_INIT;
    if (json_is_number(v) && strcmp(type, "int64") == 0) {
        strbuf_adds(&num, " ");
        gojson_write(&num, v, &we);
    }
    int rc =
        ks_fail(e, KS_EINPUT,
                "unable to decode \"%s\": document %d, line %d: json: cannot unmarshal %s%s "
                "into Go struct field %s of type %s",
                ld->source, ld->doc, line, gojson_go_type(v), num.len ? num.buf : "", field, type);
    strbuf_release(&num);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * PARITY: cli-runtime's metadataValidatingDecoder: the document must also
 * decode into TypeMeta + ObjectMeta (fields in the JSON text's order, which
 * for YAML is sorted; the first error wins).
 * NEEDSWORK: timestamps are not parsed, ownerReferences and managedFields
 * only checked for being lists.
 */
static int check_meta(struct loader *ld, const json_t *v, int line, struct ks_err *e)
{
    const json_t *api = json_object_get(v, "apiVersion");
    if (api && !json_is_null(api) && !json_is_string(api))
        return type_error(ld, line, api, "metadataOnlyObject.apiVersion", "string", e);
    const json_t *md = json_object_get(v, "metadata");
    if (!md || json_is_null(md))
        return 0;
    if (!json_is_object(md))
        return type_error(ld, line, md, "metadataOnlyObject.metadata", "v1.ObjectMeta", e);
    size_t n = json_object_size(md), i = 0;
    const char **keys = ks_malloc((n + 1) * sizeof(*keys));
    const char *k;
    json_t *f;
    json_object_foreach((json_t *)md, k, f) keys[i++] = k;
    qsort(keys, n, sizeof(*keys), cmp_str);
    static const char *strs[] = {
        "name", "generateName",    "namespace",         "selfLink",
        "uid",  "resourceVersion", "creationTimestamp", "deletionTimestamp"};
    int rc = 0;
    char field[128];
    for (i = 0; i < n && !rc; i++) {
        k = keys[i];
        f = json_object_get(md, k);
        snprintf(field, sizeof(field), "ObjectMeta.metadata.%.60s", k);
        if (json_is_null(f))
            continue;
        for (size_t s = 0; s < KS_ARRAY_SIZE(strs) && !rc; s++)
            if (strcmp(k, strs[s]) == 0 && !json_is_string(f))
                rc = type_error(ld, line, f, field, "string", e);
        if (rc)
            break;
        if (!strcmp(k, "generation") || !strcmp(k, "deletionGracePeriodSeconds")) {
            if (!json_is_integer(f))
                rc = type_error(ld, line, f, field, "int64", e);
        } else if (!strcmp(k, "labels") || !strcmp(k, "annotations") || !strcmp(k, "finalizers")) {
            bool map = k[0] != 'f';
            if (map ? !json_is_object(f) : !json_is_array(f)) {
                rc = type_error(ld, line, f, field, map ? "map[string]string" : "[]string", e);
                break;
            }
            const char *mk;
            json_t *m;
            size_t ai;
            if (map) {
                json_object_foreach(f, mk, m) if (!rc && !json_is_null(m) && !json_is_string(m))
                    rc = type_error(ld, line, m, field, "string", e);
            } else {
                json_array_foreach(f, ai, m) if (!rc && !json_is_null(m) && !json_is_string(m)) rc =
                    type_error(ld, line, m, field, "string", e);
            }
        } else if (!strcmp(k, "ownerReferences") || !strcmp(k, "managedFields")) {
            if (!json_is_array(f))
                rc = type_error(ld, line, f, field,
                                k[0] == 'o' ? "[]v1.OwnerReference" : "[]v1.ManagedFieldsEntry", e);
        }
    }
    free(keys);
    return rc;
}

/* One decoded document: an object, or a list of objects. Steals v. */
/* Remember the error of a document kubectl skips, and go on. */
static void skip(struct loader *ld, struct ks_err *e)
{
    struct manifest *m = ld->m;
    m->errs = ks_realloc(m->errs, (m->nerrs + 1) * sizeof(*m->errs));
    m->errs[m->nerrs++] = ks_strdup(e->msg);
    ks_err_clear(e);
}

static int add_doc(struct loader *ld, json_t *v, int line, struct ks_err *e)
{
    int rc = 0;
    char *dump = NULL;
    if (json_is_null(v))
        goto done;
    if (ld->validate && (rc = validate_doc(ld, v, line, e)))
        goto done; /* PARITY: a validation error stops the stream */
    /*
     * PARITY: StreamVisitor hands a decoding error to a ContinueOnError
     * builder, which records it and reads on: such a document is skipped.
     */
    if (!json_is_object(v)) {
        rc = ks_fail(e, KS_EINPUT,
                     "unable to decode \"%s\": document %d, line %d: json: cannot unmarshal %s "
                     "into Go value of type unstructured.detector",
                     ld->source, ld->doc, line, gojson_go_type(v));
        goto done;
    }
    json_t *items = json_object_get(v, "items");
    if (items && !json_is_array(items) && !json_is_null(items)) {
        rc = ks_fail(e, KS_EINPUT,
                     "unable to decode \"%s\": document %d, line %d: json: cannot unmarshal %s "
                     "into Go struct field decodeList.items of type []json.RawMessage",
                     ld->source, ld->doc, line, gojson_go_type(items));
        goto done;
    }
    for (size_t i = 0; items && i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        if (!json_is_object(it) && !json_is_null(it)) {
            rc = ks_fail(e, KS_EINPUT,
                         "unable to decode \"%s\": document %d, line %d: json: cannot unmarshal "
                         "%s into Go value of type map[string]interface {}",
                         ld->source, ld->doc, line, gojson_go_type(it));
            goto done;
        }
    }
    if (!*str_member(v, "kind")) {
        dump = gojson_dumps(v);
        rc = ks_fail(e, KS_EINPUT,
                     "unable to decode \"%s\": document %d, line %d: Object 'Kind' is missing in "
                     "'%.120s%s'",
                     ld->source, ld->doc, line, dump ? dump : "",
                     dump && strlen(dump) > 120 ? "..." : "");
        goto done;
    }
    if ((rc = check_meta(ld, v, line, e)))
        goto done;
    if (!items) {
        push(ld->m, v, ld->source, ld->doc, 0, line);
        v = NULL;
        goto done;
    }
    /* PARITY: decodeToList: the list's kind without "List" for bare items. */
    const char *lkind = str_member(v, "kind");
    size_t lk = strlen(lkind);
    if (lk >= 4 && strcmp(lkind + lk - 4, "List") == 0)
        lk -= 4;
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        /* a null item decodes as an empty object, which then inherits the list's kind */
        it = json_is_object(it) ? json_deep_copy(it) : json_object();
        if (!*str_member(it, "kind") && !*str_member(it, "apiVersion")) {
            json_object_set_new(it, "kind", json_stringn(lkind, lk));
            json_object_set_new(it, "apiVersion", json_string(str_member(v, "apiVersion")));
        }
        const char *miss = !*str_member(it, "kind")         ? "Kind"
                           : !*str_member(it, "apiVersion") ? "apiVersion"
                                                            : NULL;
        if (miss) {
            json_decref(it);
            ks_fail(e, KS_EINPUT,
                    "%s: document %d, line %d, item %zu: unable to get type info from the "
                    "object \"*unstructured.Unstructured\": Object '%s' is missing in "
                    "'object has no %s'",
                    ld->source, ld->doc, line, i + 1, miss,
                    miss[0] == 'K' ? "kind field " : "apiVersion field");
            skip(ld, e);
            continue; /* the list's other items are still applied */
        }
        /* NEEDSWORK: an item's own line; items carry the document's */
        push(ld->m, it, ld->source, ld->doc, (int)i + 1, line);
        if (strcmp(str_member(v, "kind"), "List") != 0 ||
            strcmp(str_member(v, "apiVersion"), "v1")) {
            ld->m->objs[ld->m->n - 1].list_api_version = ks_strdup(str_member(v, "apiVersion"));
            ld->m->objs[ld->m->n - 1].list_kind = ks_strdup(str_member(v, "kind"));
        }
    }
done:
    if (rc && !(ld->validate && strncmp(e->msg, "error validating", 16) == 0)) {
        skip(ld, e);
        rc = 0;
    }
    free(dump);
    json_decref(v);
    return rc;
}

/* The line of buf[upto]; streams are read forward, so it counts on from the last answer. */
static int count_lines(struct loader *ld, const char *buf, size_t upto)
{
    size_t k = 0;
    int n = 1;
    if (upto >= ld->lc_pos) {
        k = ld->lc_pos;
        n = ld->lc_line ? ld->lc_line : 1;
    }
    for (; k < upto; k++)
        n += buf[k] == '\n';
    ld->lc_pos = upto;
    ld->lc_line = n;
    return n;
}

static bool json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* gojson's "... (offset N)" suffix: N, and the message cut before it. */
static size_t split_offset(char *msg)
{
    char *p = strstr(msg, " (offset ");
    if (!p)
        return 0;
    size_t n = (size_t)strtoull(p + 9, NULL, 10);
    *p = '\0';
    return n;
}

/*
 * The JSON part of a stream that starts with `{`, one value at a time as
 * Go's json.Decoder reads it. PARITY: apimachinery 1.33 YAMLOrJSONDecoder:
 * on a JSON syntax error the rest of the stream is read as YAML from the
 * value that failed; if that first YAML document fails too, the JSON error
 * is reported ("json: offset N: ..."). On return *pos is where YAML takes
 * over (len when the stream was all JSON); *jerr holds the JSON error.
 */
static int load_json(struct loader *ld, const char *buf, size_t len, size_t *pos,
                     struct ks_err *jerr, struct ks_err *e)
{
    for (;;) {
        while (*pos < len && json_space(buf[*pos]))
            (*pos)++;
        if (*pos >= len)
            return 0;
        json_t *v = NULL;
        struct ks_err je = KS_ERR_INIT;
        size_t end = len;
        if (gojson_loads(&v, buf + *pos, len - *pos, &je)) {
            size_t off = split_offset(je.msg);
            if (strstr(je.msg, "after top-level value") && off) {
                end = *pos + off - 1; /* a complete value, then more */
                ks_err_clear(&je);
                if (gojson_loads(&v, buf + *pos, end - *pos, &je))
                    return ks_fail(e, KS_EINPUT, "error parsing %s: document %d, line %d: %s",
                                   ld->source, ld->doc + 1, count_lines(ld, buf, *pos), je.msg);
            } else if (strstr(je.msg, "unexpected end of JSON input")) {
                return ks_fail(e, KS_EINPUT,
                               "error parsing %s: document %d, line %d: unexpected EOF", ld->source,
                               ld->doc + 1, count_lines(ld, buf, *pos));
            } else {
                ks_fail(jerr, KS_EINPUT, "json: offset %zu: %s", *pos + off, je.msg);
                ld->jerr_line = count_lines(ld, buf, *pos + (off ? off - 1 : 0));
                return 0; /* the rest is read as YAML */
            }
        }
        ld->doc++;
        int rc = add_doc(ld, v, count_lines(ld, buf, *pos), e);
        if (rc)
            return rc;
        *pos = end;
    }
}

/* The first line of a chunk that holds content (for manifest_obj.line). */
static int content_line(const char *chunk, size_t n, int first)
{
    size_t k = 0;
    int line = first;
    while (k < n) {
        size_t s = k;
        while (s < n && (chunk[s] == ' ' || chunk[s] == '\t'))
            s++;
        bool skip = s >= n || chunk[s] == '\n' || chunk[s] == '#' ||
                    (s == k && n - s >= 3 && memcmp(chunk + s, "---", 3) == 0);
        if (!skip)
            return line;
        while (k < n && chunk[k] != '\n')
            k++;
        k++;
        line++;
    }
    return first;
}

static int load_chunk(struct loader *ld, const char *chunk, size_t n, int first_line,
                      struct ks_err *e)
{
    ld->doc++;
    json_t *v = NULL;
    struct yamlin_opts o = {ld->lim, first_line, 0};
    int rc = yamlin_load_first(&v, chunk, n, &o, e);
    int line = content_line(chunk, n, first_line);
    if (rc)
        return yaml_fail(ld, o.err_line ? o.err_line : line, e);
    ld->yaml_docs++;
    return add_doc(ld, v, line, e);
}

/*
 * The lines buf[from..to) as YAMLReader hands them over: each line ends
 * with "\n" (LineReader drops "\r\n"/"\n" and adds "\n"). Read in place
 * when that changes nothing.
 */
static int load_region(struct loader *ld, const char *buf, size_t from, size_t to, int first,
                       struct ks_err *e)
{
    if (to > from && buf[to - 1] == '\n' && !memchr(buf + from, '\r', to - from))
        return load_chunk(ld, buf + from, to - from, first, e);
    struct strbuf sb = STRBUF_INIT;
    for (size_t pos = from; pos < to;) {
        const char *nl = memchr(buf + pos, '\n', to - pos);
        size_t end = nl ? (size_t)(nl - buf) : to, n = end - pos;
        if (n && buf[pos + n - 1] == '\r')
            n--;
        strbuf_add(&sb, buf + pos, n);
        strbuf_addch(&sb, '\n');
        pos = end + 1;
    }
    int rc = load_chunk(ld, sb.buf ? sb.buf : "", sb.len, first, e);
    strbuf_release(&sb);
    return rc;
}

/* PARITY: YAMLReader.Read with LineReader (CRLF and LF both end a line). */
static int load_yaml(struct loader *ld, const char *buf, size_t len, size_t pos, struct ks_err *e)
{
    int line = count_lines(ld, buf, pos), first = line;
    size_t from = pos;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        size_t n = end - pos;
        if (n && buf[pos + n - 1] == '\r')
            n--;
        const char *l = buf + pos;
        if (n >= 3 && memcmp(l, "---", 3) == 0) {
            size_t a = 3, b = n;
            while (a < b && strchr(" \t\v\f\r", l[a]))
                a++;
            while (b > a && strchr(" \t\v\f\r", l[b - 1]))
                b--;
            if (a < b && l[a] != '#') {
                ks_fail(e, KS_EINPUT, "invalid Yaml document separator: %.*s",
                        (int)(b - a > 100 ? 100 : b - a), l + a);
                ld->doc++;
                return yaml_fail(ld, line, e);
            }
            if (pos > from) {
                int rc = load_region(ld, buf, from, pos, first, e);
                if (rc)
                    return rc;
                pos = end < len ? end + 1 : len;
                from = pos;
                line++;
                first = line;
                continue;
            }
        }
        pos = end < len ? end + 1 : len;
        line++;
    }
    if (pos > from)
        return load_region(ld, buf, from, pos, first, e);
    return 0;
}

/*
 * The length of the valid UTF-8 sequence at p, or 0; *sub gets the length of
 * its longest valid prefix (Unicode's "maximal subpart", at least 1).
 */
static size_t utf8_seq_len(const unsigned char *p, size_t n, size_t *sub)
{
    unsigned char c = p[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    *sub = 1;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        need = 2;
    else if (c >= 0xe0 && c <= 0xef)
        need = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    for (size_t k = 1; k < need; k++) {
        if (k >= n || p[k] < (k == 1 ? lo : 0x80) || p[k] > (k == 1 ? hi : 0xbf))
            return 0;
        *sub = k + 1;
    }
    return need;
}

/*
 * PARITY: x/text's UTF-8 decoder, as kubectl reads files: each maximal
 * subpart of an ill-formed sequence becomes one U+FFFD ("\xe2\x82" one,
 * "\xed\xa0\x80" three).
 */
static char *fix_utf8(const char *buf, size_t len, size_t *outlen)
{
    struct strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)buf;
    size_t k = 0, run = 0;
    while (k < len) {
        size_t sub, n = utf8_seq_len(p + k, len - k, &sub);
        if (n) {
            k += n;
            continue;
        }
        strbuf_add(&sb, buf + run, k - run);
        strbuf_adds(&sb, "\xef\xbf\xbd");
        k += sub;
        run = k;
    }
    strbuf_add(&sb, buf + run, len - run);
    return strbuf_detach(&sb, outlen);
}

static bool utf8_ok(const char *buf, size_t len)
{
    const unsigned char *p = (const unsigned char *)buf;
    for (size_t k = 0, sub, n; k < len; k += n)
        if (!(n = utf8_seq_len(p + k, len - k, &sub)))
            return false;
    return true;
}

/* UTF-16 (after its BOM) as UTF-8; unpaired surrogates become U+FFFD. */
static char *utf16_to_utf8(const unsigned char *p, size_t len, bool be, size_t *outlen)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k + 1 < len; k += 2) {
        uint32_t u = be ? (uint32_t)(p[k] << 8 | p[k + 1]) : (uint32_t)(p[k + 1] << 8 | p[k]);
        if (u >= 0xd800 && u < 0xdc00 && k + 3 < len) {
            uint32_t l =
                be ? (uint32_t)(p[k + 2] << 8 | p[k + 3]) : (uint32_t)(p[k + 3] << 8 | p[k + 2]);
            if (l >= 0xdc00 && l < 0xe000) {
                u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
                k += 2;
            }
        }
        if (u >= 0xd800 && u < 0xe000)
            u = 0xfffd;
        char b[4];
        size_t n = 0;
        if (u < 0x80) {
            b[n++] = (char)u;
        } else if (u < 0x800) {
            b[n++] = (char)(0xc0 | u >> 6);
            b[n++] = (char)(0x80 | (u & 0x3f));
        } else if (u < 0x10000) {
            b[n++] = (char)(0xe0 | u >> 12);
            b[n++] = (char)(0x80 | (u >> 6 & 0x3f));
            b[n++] = (char)(0x80 | (u & 0x3f));
        } else {
            b[n++] = (char)(0xf0 | u >> 18);
            b[n++] = (char)(0x80 | (u >> 12 & 0x3f));
            b[n++] = (char)(0x80 | (u >> 6 & 0x3f));
            b[n++] = (char)(0x80 | (u & 0x3f));
        }
        strbuf_add(&sb, b, n);
    }
    if (len % 2)
        strbuf_adds(&sb, "\xef\xbf\xbd");
    return strbuf_detach(&sb, outlen);
}

int manifest_load(struct manifest *m, const char *buf, size_t len, const char *source,
                  const struct yamlin_limits *lim, struct ks_err *e)
{
    struct manifest_opts o = {lim, false};
    return manifest_load_opts(m, buf, len, source, &o, e);
}

int manifest_load_opts(struct manifest *m, const char *buf, size_t len, const char *source,
                       const struct manifest_opts *o, struct ks_err *e)
{
    const struct yamlin_limits *lim = o ? o->lim : NULL;
    size_t nerrs0 = m->nerrs;
    struct loader ld = {m, source, lim, o && o->validate, 0, KS_ERR_INIT, 0, 0, 0, 0};
    size_t max = lim && lim->max_bytes ? lim->max_bytes : (size_t)64 << 20;
    if (len > max)
        return ks_fail(e, KS_EINPUT, "error parsing %s: %zu bytes exceed the limit of %zu bytes",
                       source, len, max);
    /*
     * PARITY: the resource builder's FileVisitor reads through
     * unicode.BOMOverride(UTF8 decoder): a UTF-8 BOM is dropped, a UTF-16 BOM
     * switches to UTF-16, invalid UTF-8 becomes U+FFFD.
     */
    const unsigned char *u = (const unsigned char *)buf;
    char *text;
    size_t tlen;
    if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe)))
        text = utf16_to_utf8(u + 2, len - 2, u[0] == 0xfe, &tlen);
    else if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
        text = fix_utf8(buf + 3, len - 3, &tlen);
    else if (utf8_ok(buf, len))
        text = NULL; /* valid: read in place */
    else
        text = fix_utf8(buf, len, &tlen);
    const char *t = text ? text : buf;
    if (!text)
        tlen = len;
    int rc = 0;
    size_t pos = 0;
    while (pos < tlen && pos < 4096 && t[pos] && strchr(" \t\n\r\v\f", t[pos]))
        pos++;
    if (pos < tlen && pos < 4096 && t[pos] == '{') {
        rc = load_json(&ld, t, tlen, &pos, &ld.jerr, e);
        if (rc || pos >= tlen)
            goto done;
    } else {
        pos = 0;
    }
    rc = load_yaml(&ld, t, tlen, pos, e);
done:
    free(text);
    if (!rc && m->nerrs > nerrs0)
        rc = ks_fail(e, KS_EINPUT, "%s", m->errs[nerrs0]);
    return rc;
}

void manifest_release(struct manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        json_decref(m->objs[i].obj);
        free(m->objs[i].source);
        free(m->objs[i].list_api_version);
        free(m->objs[i].list_kind);
    }
    free(m->objs);
    for (size_t i = 0; i < m->nerrs; i++)
        free(m->errs[i]);
    free(m->errs);
    m->objs = NULL;
    m->errs = NULL;
    m->n = m->alloc = m->nerrs = 0;
}
