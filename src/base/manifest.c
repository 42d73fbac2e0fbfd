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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loader {
    struct manifest *m;
    const char *source;
    const struct yamlin_limits *lim;
    int doc;
};

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
}

/* Go's json type names in "cannot unmarshal X into ...". */
static const char *go_json_type(const json_t *v)
{
    if (json_is_object(v))
        return "object";
    if (json_is_array(v))
        return "array";
    if (json_is_string(v))
        return "string";
    if (json_is_boolean(v))
        return "bool";
    return "number";
}

static const char *str_member(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* One decoded document: an object, or a list of objects. Steals v. */
static int add_doc(struct loader *ld, json_t *v, int line, struct ks_err *e)
{
    int rc = 0;
    char *dump = NULL;
    if (json_is_null(v))
        goto done;
    if (!json_is_object(v)) {
        rc = ks_fail(e, KS_EINPUT,
                     "unable to decode \"%s\": document %d, line %d: json: cannot unmarshal %s "
                     "into Go value of type unstructured.detector",
                     ld->source, ld->doc, line, go_json_type(v));
        goto done;
    }
    json_t *items = json_object_get(v, "items");
    if (items && !json_is_array(items) && !json_is_null(items)) {
        rc = ks_fail(e, KS_EINPUT,
                     "unable to decode \"%s\": document %d, line %d: json: cannot unmarshal %s "
                     "into Go struct field decodeList.items of type []json.RawMessage",
                     ld->source, ld->doc, line, go_json_type(items));
        goto done;
    }
    for (size_t i = 0; items && i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        if (!json_is_object(it) && !json_is_null(it)) {
            rc = ks_fail(e, KS_EINPUT,
                         "unable to decode \"%s\": document %d, line %d: json: cannot unmarshal "
                         "%s into Go value of type map[string]interface {}",
                         ld->source, ld->doc, line, go_json_type(it));
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
        if (!json_is_object(it))
            continue; /* NEEDSWORK: a null item; kubectl makes an empty object of it */
        it = json_deep_copy(it);
        if (!*str_member(it, "kind") && !*str_member(it, "apiVersion")) {
            json_object_set_new(it, "kind", json_stringn(lkind, lk));
            json_object_set_new(it, "apiVersion", json_string(str_member(v, "apiVersion")));
        }
        const char *miss = !*str_member(it, "kind")         ? "Kind"
                           : !*str_member(it, "apiVersion") ? "apiVersion"
                                                            : NULL;
        if (miss) {
            json_decref(it);
            rc = ks_fail(e, KS_EINPUT,
                         "%s: document %d, line %d, item %zu: unable to get type info from the "
                         "object \"*unstructured.Unstructured\": Object '%s' is missing in "
                         "'object has no %s field'",
                         ld->source, ld->doc, line, i + 1, miss, miss[0] == 'K' ? "kind" : miss);
            goto done;
        }
        push(ld->m, it, ld->source, ld->doc, (int)i + 1, line);
    }
done:
    free(dump);
    json_decref(v);
    return rc;
}

/* The end of the JSON value at buf[pos] (lexically), or 0 when it does not end. */
static size_t json_extent(const char *buf, size_t len, size_t pos)
{
    size_t depth = 0;
    bool in_str = false;
    for (size_t k = pos; k < len; k++) {
        char c = buf[k];
        if (in_str) {
            if (c == '\\')
                k++;
            else if (c == '"')
                in_str = false;
            else
                continue;
            if (!in_str && depth == 0)
                return k + 1;
            continue;
        }
        if (c == '"')
            in_str = true;
        else if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0)
                return k == pos ? 0 : k;
            if (--depth == 0)
                return k + 1;
        } else if (depth == 0 && strchr(" \t\r\n,:", c))
            return k == pos ? 0 : k;
    }
    return depth == 0 && !in_str && len > pos ? len : 0;
}

static int count_lines(const char *buf, size_t upto)
{
    int n = 1;
    for (size_t k = 0; k < upto; k++)
        n += buf[k] == '\n';
    return n;
}

static bool json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The JSON part of a stream that starts with `{`: returns where YAML takes over. */
static int load_json(struct loader *ld, const char *buf, size_t len, size_t *pos, struct ks_err *e)
{
    for (;;) {
        while (*pos < len && json_space(buf[*pos]))
            (*pos)++;
        if (*pos >= len)
            return 0;
        size_t end = json_extent(buf, len, *pos);
        json_t *v = NULL;
        struct ks_err je = KS_ERR_INIT;
        if (!end || gojson_loads(&v, buf + *pos, end - *pos, &je))
            return 0; /* not JSON: the rest is read as YAML */
        ld->doc++;
        int rc = add_doc(ld, v, count_lines(buf, *pos), e);
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

static int load_chunk(struct loader *ld, struct strbuf *chunk, int first_line, struct ks_err *e)
{
    ld->doc++;
    json_t *v = NULL;
    struct yamlin_opts o = {ld->lim, first_line, 0};
    int rc = yamlin_load_first(&v, chunk->buf, chunk->len, &o, e);
    int line = content_line(chunk->buf, chunk->len, first_line);
    if (rc)
        return ks_context(e, "error parsing %s: document %d, line %d", ld->source, ld->doc,
                          o.err_line ? o.err_line : line);
    return add_doc(ld, v, line, e);
}

/* PARITY: YAMLReader.Read with LineReader (CRLF and LF both end a line). */
static int load_yaml(struct loader *ld, const char *buf, size_t len, size_t pos, struct ks_err *e)
{
    struct strbuf chunk = STRBUF_INIT;
    int rc = 0, line = count_lines(buf, pos), first = line;
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
                rc =
                    ks_fail(e, KS_EINPUT,
                            "error parsing %s: document %d, line %d: invalid Yaml document "
                            "separator: %.*s",
                            ld->source, ld->doc + 1, line, (int)(b - a > 100 ? 100 : b - a), l + a);
                goto done;
            }
            if (chunk.len) {
                rc = load_chunk(ld, &chunk, first, e);
                if (rc)
                    goto done;
                strbuf_reset(&chunk);
                pos = end + 1;
                line++;
                first = line;
                continue;
            }
        }
        strbuf_add(&chunk, l, n);
        strbuf_addch(&chunk, '\n');
        pos = end + 1;
        line++;
    }
    if (chunk.len)
        rc = load_chunk(ld, &chunk, first, e);
done:
    strbuf_release(&chunk);
    return rc;
}

int manifest_load(struct manifest *m, const char *buf, size_t len, const char *source,
                  const struct yamlin_limits *lim, struct ks_err *e)
{
    struct loader ld = {m, source, lim, 0};
    size_t max = lim && lim->max_bytes ? lim->max_bytes : (size_t)64 << 20;
    if (len > max)
        return ks_fail(e, KS_EINPUT, "error parsing %s: %zu bytes exceed the limit of %zu bytes",
                       source, len, max);
    size_t pos = 0;
    while (pos < len && pos < 4096 && strchr(" \t\n\r\v\f", buf[pos]) && buf[pos])
        pos++;
    if (pos < len && pos < 4096 && buf[pos] == '{') {
        int rc = load_json(&ld, buf, len, &pos, e);
        if (rc || pos >= len)
            return rc;
    } else {
        pos = 0;
    }
    return load_yaml(&ld, buf, len, pos, e);
}

void manifest_release(struct manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        json_decref(m->objs[i].obj);
        free(m->objs[i].source);
    }
    free(m->objs);
    m->objs = NULL;
    m->n = m->alloc = 0;
}
