/*
 * yamlin.c: build jansson values from libyaml's events as kubectl's
 * sigs.k8s.io/yaml does over go-yaml v2. An explicit stack (no recursion)
 * holds the open collections, so hostile nesting fails cleanly.
 * PARITY: go-yaml v2 decode.go (aliases, `<<` merges, "document contains
 * excessive aliasing", yaml.go fail() line numbers) and yaml.go YAMLToJSON.
 */
#include "base/yamlin.h"

#include "base/strbuf.h"
#include "base/yamlin_scalar.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YAMLIN_DEF_BYTES ((size_t)64 << 20)
#define YAMLIN_DEF_DEPTH 10000
#define YAMLIN_DEF_ALIAS ((size_t)4000000)

struct frame {
    json_t *val;   /* the object or array being built */
    char *key;     /* map: the pending key, NULL when a key comes next */
    bool merge;    /* map: the pending key is `<<` */
    bool as_key;   /* this collection is itself a map key (an error at its end) */
    char *anchor;  /* owned */
    size_t count0; /* decode count when it started */
};

struct anchor {
    json_t *val; /* NULL while its node is still open */
    size_t size; /* decode operations it expands to */
};

struct ctx {
    yaml_parser_t p;
    struct frame *st;
    int depth, cap;
    json_t *anchors; /* name -> index into anc (as an integer) */
    struct anchor *anc;
    size_t nanc, canc;
    size_t count, alias_count, max_alias;
    int max_depth, line0;
    json_t *root;
    bool have_root;
    /* deferred errors: decode errors beat key conversion errors */
    struct ks_err derr, kerr;
    int dline, kline;
    int kerr_depth; /* > 0: kerr still wants ", value: ..." of the value at this depth */
    int nan_line;   /* line of the first NaN or infinity read */
};

/* Record a decode error (the first one wins); building stops, parsing goes on. */
static void defer(struct ctx *c, struct ks_err *slot, int *lslot, int line, const char *msg)
{
    if (slot->code || c->derr.code)
        return;
    ks_fail(slot, KS_EINPUT, "%s", msg);
    *lslot = line;
}

static bool failed(const struct ctx *c)
{
    return c->derr.code || c->kerr.code;
}

static int ev_line(const struct ctx *c, const yaml_mark_t *m)
{
    return (int)m->line + 1 + c->line0;
}

/* PARITY: go-yaml v2 decode.go allowedAliasRatio. */
static double allowed_alias_ratio(size_t n)
{
    if (n <= 400000)
        return 0.99;
    if (n >= 4000000)
        return 0.10;
    return 0.99 - 0.89 * ((double)(n - 400000) / 3600000.0);
}

static void count_nodes(struct ctx *c, size_t n, bool alias, int line)
{
    c->count += n;
    if (alias)
        c->alias_count += n;
    if ((c->alias_count > 100 && c->count > 1000 &&
         (double)c->alias_count / (double)c->count > allowed_alias_ratio(c->count)) ||
        c->alias_count > c->max_alias)
        defer(c, &c->derr, &c->dline, line, "yaml: document contains excessive aliasing");
}

/* A short Go %#v of a value, for "invalid map key" (best effort). */
static void gofmt(struct strbuf *sb, const json_t *v, int depth)
{
    if (sb->len > 200 || depth > 20) {
        strbuf_adds(sb, "...");
        return;
    }
    if (json_is_array(v)) {
        strbuf_adds(sb, "[]interface {}{");
        for (size_t i = 0; i < json_array_size(v); i++) {
            strbuf_adds(sb, i ? ", " : "");
            gofmt(sb, json_array_get(v, i), depth + 1);
        }
        strbuf_addch(sb, '}');
    } else if (json_is_object(v)) {
        const char *k;
        json_t *m;
        int first = 1;
        strbuf_adds(sb, "map[interface {}]interface {}{");
        json_object_foreach((json_t *)v, k, m)
        {
            strbuf_adds(sb, first ? "" : ", ");
            strbuf_add_goquoted(sb, k, strlen(k));
            strbuf_addch(sb, ':');
            gofmt(sb, m, depth + 1);
            first = 0;
        }
        strbuf_addch(sb, '}');
    } else if (json_is_string(v)) {
        strbuf_add_goquoted(sb, json_string_value(v), json_string_length(v));
    } else if (json_is_null(v)) {
        strbuf_adds(sb, "interface {}(nil)");
    } else {
        char *s = json_dumps(v, JSON_ENCODE_ANY);
        strbuf_adds(sb, s ? s : "?");
        free(s);
    }
}

/* A map key from an aliased value (an alias used as a key). */
static int key_from_json(char **out, const json_t *v, struct ks_err *e)
{
    struct yamlin_scalar sc;
    memset(&sc, 0, sizeof(sc));
    if (json_is_string(v)) {
        *out = ks_strndup(json_string_value(v), json_string_length(v));
        return 0;
    }
    if (json_is_object(v) || json_is_array(v)) {
        struct strbuf sb = STRBUF_INIT;
        gofmt(&sb, v, 0);
        ks_fail(e, KS_EINPUT, "yaml: invalid map key: %s", strbuf_str(&sb));
        strbuf_release(&sb);
        return KS_EINPUT;
    }
    if (json_is_integer(v)) {
        sc.kind = YAMLIN_INT;
        sc.i = json_integer_value(v);
    } else if (json_is_real(v)) {
        sc.kind = YAMLIN_FLOAT;
        const char *s = yamlin_scalar_sentinel(v);
        sc.d = !s ? json_real_value(v) : s[0] == 'N' ? NAN : s[0] == '+' ? INFINITY : -INFINITY;
    } else if (json_is_boolean(v)) {
        sc.kind = YAMLIN_BOOL;
        sc.b = json_is_true(v);
    } else {
        sc.kind = YAMLIN_NULL;
    }
    return yamlin_scalar_key(out, &sc, e);
}

static void merge_into(json_t *dst, json_t *src)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) json_object_set(dst, k, v);
}

/* Attach a finished value (stolen) to the open collection, or make it the root. */
static void attach(struct ctx *c, json_t *v, int line)
{
    if (c->depth == 0) {
        c->root = v;
        c->have_root = true;
        return;
    }
    if (c->kerr_depth == c->depth) {
        /* PARITY: sigs.k8s.io/yaml names the value of a key it cannot convert */
        struct strbuf sb = STRBUF_INIT;
        strbuf_adds(&sb, c->kerr.msg);
        strbuf_adds(&sb, ", value: ");
        if (json_is_null(v))
            strbuf_adds(&sb, "<nil>");
        else
            gofmt(&sb, v, 0);
        ks_fail(&c->kerr, KS_EINPUT, "%s", sb.buf);
        strbuf_release(&sb);
        c->kerr_depth = 0;
    }
    struct frame *f = &c->st[c->depth - 1];
    if (failed(c)) {
        json_decref(v);
        return;
    }
    if (json_is_array(f->val)) {
        json_array_append_new(f->val, v);
        return;
    }
    if (f->merge) {
        /* PARITY: go-yaml v2 decoder.merge: a map, or a list of maps (earlier ones win). */
        f->merge = false;
        if (json_is_object(v)) {
            merge_into(f->val, v);
        } else if (json_is_array(v)) {
            bool ok = true;
            for (size_t i = 0; i < json_array_size(v); i++)
                ok = ok && json_is_object(json_array_get(v, i));
            for (size_t i = json_array_size(v); ok && i-- > 0;)
                merge_into(f->val, json_array_get(v, i));
            if (!ok)
                defer(c, &c->derr, &c->dline, line,
                      "yaml: map merge requires map or sequence of maps as the value");
        } else {
            defer(c, &c->derr, &c->dline, line,
                  "yaml: map merge requires map or sequence of maps as the value");
        }
        json_decref(v);
        return;
    }
    if (!f->key) {
        /* a key that came through an alias */
        struct ks_err ke = KS_ERR_INIT;
        if (key_from_json(&f->key, v, &ke))
            defer(c, json_is_object(v) || json_is_array(v) ? &c->derr : &c->kerr,
                  json_is_object(v) || json_is_array(v) ? &c->dline : &c->kline, line, ke.msg);
        json_decref(v);
        return;
    }
    json_object_set_new(f->val, f->key, v);
    free(f->key);
    f->key = NULL;
}

static size_t anchor_define(struct ctx *c, const char *name)
{
    if (c->nanc == c->canc) {
        c->canc = c->canc ? 2 * c->canc : 16;
        c->anc = ks_realloc(c->anc, c->canc * sizeof(*c->anc));
    }
    size_t i = c->nanc++;
    c->anc[i].val = NULL;
    c->anc[i].size = 0;
    json_object_set_new(c->anchors, name, json_integer((json_int_t)i));
    return i;
}

static void anchor_finish(struct ctx *c, const char *name, const json_t *v, size_t size)
{
    json_t *ix = json_object_get(c->anchors, name);
    if (!ix)
        return;
    struct anchor *a = &c->anc[json_integer_value(ix)];
    if (!a->val) {
        a->val = json_incref((json_t *)v);
        a->size = size;
    }
}

static void on_scalar(struct ctx *c, yaml_event_t *ev)
{
    int line = ev_line(c, &ev->start_mark);
    const char *tag = (const char *)ev->data.scalar.tag;
    const char *val = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    bool plain = ev->data.scalar.plain_implicit;
    struct frame *f = c->depth ? &c->st[c->depth - 1] : NULL;
    bool is_key = f && json_is_object(f->val) && !f->key && !f->merge;

    if (is_key && !failed(c) &&
        ((!tag && plain && len == 2 && memcmp(val, "<<", 2) == 0) ||
         (tag && strcmp(tag, "tag:yaml.org,2002:merge") == 0))) {
        f->merge = true; /* go-yaml does not decode the `<<` node itself */
        return;
    }
    count_nodes(c, 1, false, line);
    if (failed(c) && c->kerr_depth != c->depth)
        return;
    /* fast path: untagged text that can only be a string (quoted, or plain and neither
       starting like a number, bool or null nor short enough to be one of go-yaml's words) */
    if (!tag && !ev->data.scalar.anchor && len > 0 && !memchr(val, '\0', len) &&
        (!plain || !strchr("+-0123456789yYnNtTfFoO~.", val[0]) ||
         (len > 5 && strchr("yYnNtTfFoO", val[0])))) {
        if (is_key) {
            f->key = ks_strndup(val, len);
            return;
        }
        json_t *sv = json_stringn(val, len);
        if (sv) {
            attach(c, sv, line);
            return;
        }
    }
    struct yamlin_scalar sc;
    struct ks_err se = KS_ERR_INIT;
    if (yamlin_scalar_resolve(&sc, tag, val, len, plain, &se)) {
        ks_context(&se, "yaml");
        defer(c, &c->derr, &c->dline, line, se.msg);
        return;
    }
    if (ev->data.scalar.anchor) {
        anchor_define(c, (const char *)ev->data.scalar.anchor);
        json_t *av = yamlin_scalar_json(&sc);
        anchor_finish(c, (const char *)ev->data.scalar.anchor, av, 1);
        json_decref(av);
    }
    if (is_key) {
        if (yamlin_scalar_key(&f->key, &sc, &se)) {
            defer(c, &c->kerr, &c->kline, line, se.msg);
            if (c->kerr.code && !c->derr.code)
                c->kerr_depth = c->depth;
            f->key = ks_strdup(""); /* so that the next node is read as the value */
        }
    } else {
        if (sc.kind == YAMLIN_FLOAT && !isfinite(sc.d) && !c->nan_line)
            c->nan_line = line;
        attach(c, yamlin_scalar_json(&sc), line);
    }
    yamlin_scalar_release(&sc);
}

/* A new mapping or sequence: returns false when nesting is too deep. */
static bool on_start(struct ctx *c, yaml_event_t *ev, bool is_map)
{
    int line = ev_line(c, &ev->start_mark);
    if (c->depth >= c->max_depth)
        return false;
    const yaml_char_t *anchor =
        is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    struct frame *parent = c->depth ? &c->st[c->depth - 1] : NULL;
    bool as_key = parent && json_is_object(parent->val) && !parent->key && !parent->merge;
    count_nodes(c, 1, false, line);
    if (c->depth == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        c->st = ks_realloc(c->st, (size_t)c->cap * sizeof(*c->st));
    }
    struct frame *f = &c->st[c->depth++];
    memset(f, 0, sizeof(*f));
    f->val = is_map ? json_object() : json_array();
    f->as_key = as_key; /* parent may have moved with the realloc */
    f->count0 = c->count - 1;
    if (anchor) {
        f->anchor = ks_strdup((const char *)anchor);
        anchor_define(c, f->anchor);
    }
    return true;
}

static void on_end(struct ctx *c, yaml_event_t *ev)
{
    int line = ev_line(c, &ev->start_mark);
    struct frame f = c->st[--c->depth];
    if (f.anchor)
        anchor_finish(c, f.anchor, f.val, c->count - f.count0);
    free(f.anchor);
    free(f.key);
    if (f.as_key && !failed(c)) {
        struct strbuf sb = STRBUF_INIT;
        strbuf_adds(&sb, "yaml: invalid map key: ");
        gofmt(&sb, f.val, 0);
        if (sb.len > 240)
            strbuf_setlen(&sb, 240);
        defer(c, &c->derr, &c->dline, line, sb.buf);
        strbuf_release(&sb);
    }
    if (f.as_key) {
        json_decref(f.val);
        return;
    }
    attach(c, f.val, line);
}

/* Returns false for an unknown anchor (a parse-time error in go-yaml). */
static bool on_alias(struct ctx *c, yaml_event_t *ev)
{
    int line = ev_line(c, &ev->start_mark);
    const char *name = (const char *)ev->data.alias.anchor;
    json_t *ix = json_object_get(c->anchors, name);
    if (!ix)
        return false;
    struct anchor *a = &c->anc[json_integer_value(ix)];
    if (!a->val) {
        char msg[KS_ERR_MSG];
        snprintf(msg, sizeof(msg), "yaml: anchor '%.100s' value contains itself", name);
        defer(c, &c->derr, &c->dline, line, msg);
        return true;
    }
    count_nodes(c, a->size, true, line);
    if (failed(c))
        return true;
    attach(c, json_deep_copy(a->val), line);
    return true;
}

/* PARITY: go-yaml v2 yaml.go parser.fail(): which line it names. */
static int parse_fail(struct ctx *c, struct yamlin_opts *o, const char *buf, size_t len,
                      struct ks_err *e)
{
    yaml_parser_t *p = &c->p;
    int line = 0;
    if (p->problem_mark.line != 0) {
        line = (int)p->problem_mark.line;
        if (p->error == YAML_SCANNER_ERROR)
            line++;
    } else if (p->context_mark.line != 0) {
        line = (int)p->context_mark.line;
    }
    if (p->error == YAML_READER_ERROR) {
        int l = 1;
        for (size_t k = 0; k < p->problem_offset && k < len; k++)
            l += buf[k] == '\n';
        o->err_line = l + c->line0;
    } else {
        o->err_line = (int)p->problem_mark.line + 1 + c->line0;
        /* a problem found at the end of the input belongs to the last line */
        if (p->problem_mark.index >= len && p->problem_mark.column == 0 &&
            o->err_line > c->line0 + 1)
            o->err_line--;
    }
    const char *what = p->problem ? p->problem : "unknown problem parsing YAML content";
    if (line)
        return ks_fail(e, KS_EINPUT, "error converting YAML to JSON: yaml: line %d: %s", line,
                       what);
    return ks_fail(e, KS_EINPUT, "error converting YAML to JSON: yaml: %s", what);
}

/* Go's json.Marshal refuses NaN and infinities that made it into the tree. */
static const char *find_sentinel(const json_t *root)
{
    const char *bad = NULL;
    size_t cap = 64, n = 0;
    const json_t **stack = ks_malloc(cap * sizeof(*stack));
    stack[n++] = root;
    while (n && !bad) {
        const json_t *v = stack[--n];
        if (json_is_real(v)) {
            bad = yamlin_scalar_sentinel(v);
            continue;
        }
        size_t kids = json_is_array(v)    ? json_array_size(v)
                      : json_is_object(v) ? json_object_size(v)
                                          : 0;
        if (n + kids > cap) {
            cap = 2 * (n + kids);
            stack = ks_realloc(stack, cap * sizeof(*stack));
        }
        if (json_is_array(v)) {
            for (size_t i = 0; i < kids; i++)
                stack[n++] = json_array_get(v, i);
        } else if (json_is_object(v)) {
            const char *k;
            json_t *m;
            json_object_foreach((json_t *)v, k, m) stack[n++] = m;
        }
    }
    free(stack);
    return bad;
}

static void ctx_release(struct ctx *c)
{
    while (c->depth > 0) {
        struct frame *f = &c->st[--c->depth];
        json_decref(f->val);
        free(f->key);
        free(f->anchor);
    }
    free(c->st);
    for (size_t i = 0; i < c->nanc; i++)
        json_decref(c->anc[i].val);
    free(c->anc);
    json_decref(c->anchors);
    json_decref(c->root);
    yaml_parser_delete(&c->p);
}

int yamlin_load_first(json_t **out, const char *buf, size_t len, struct yamlin_opts *o,
                      struct ks_err *e)
{
    static const struct yamlin_limits nolim;
    const struct yamlin_limits *lim = o->lim ? o->lim : &nolim;
    struct ctx c;
    int rc = 0;
    memset(&c, 0, sizeof(c));
    *out = NULL;
    o->err_line = 0;
    c.line0 = (o->first_line > 0 ? o->first_line : 1) - 1;
    c.max_depth = lim->max_depth > 0 ? lim->max_depth : YAMLIN_DEF_DEPTH;
    c.max_alias = lim->max_alias_nodes ? lim->max_alias_nodes : YAMLIN_DEF_ALIAS;
    size_t max_bytes = lim->max_bytes ? lim->max_bytes : YAMLIN_DEF_BYTES;
    if (len > max_bytes) {
        o->err_line = c.line0 + 1;
        return ks_fail(e, KS_EINPUT, "document of %zu bytes exceeds the limit of %zu bytes", len,
                       max_bytes);
    }
    if (!yaml_parser_initialize(&c.p))
        return ks_fail(e, KS_EGENERIC, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&c.p, (const unsigned char *)buf, len);
    c.anchors = json_object();
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&c.p, &ev)) {
            rc = parse_fail(&c, o, buf, len, e);
            goto done;
        }
        switch (ev.type) {
        case YAML_SCALAR_EVENT:
            on_scalar(&c, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (!on_start(&c, &ev, ev.type == YAML_MAPPING_START_EVENT)) {
                int line = ev_line(&c, &ev.start_mark);
                o->err_line = line;
                rc = ks_fail(e, KS_EINPUT,
                             "error converting YAML to JSON: yaml: line %d: exceeded max depth "
                             "of %d",
                             line - c.line0, c.max_depth);
                yaml_event_delete(&ev);
                goto done;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_end(&c, &ev);
            break;
        case YAML_ALIAS_EVENT:
            if (!on_alias(&c, &ev)) {
                o->err_line = ev_line(&c, &ev.start_mark);
                rc = ks_fail(e, KS_EINPUT,
                             "error converting YAML to JSON: yaml: unknown anchor '%.100s' "
                             "referenced",
                             (const char *)ev.data.alias.anchor);
                yaml_event_delete(&ev);
                goto done;
            }
            break;
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    struct ks_err *de = c.derr.code ? &c.derr : c.kerr.code ? &c.kerr : NULL;
    if (de) {
        o->err_line = de == &c.derr ? c.dline : c.kline;
        rc = ks_fail(e, KS_EINPUT, "error converting YAML to JSON: %s", de->msg);
        goto done;
    }
    if (!c.have_root) {
        *out = json_null();
        goto done;
    }
    const char *bad = find_sentinel(c.root);
    if (bad) {
        o->err_line = c.nan_line ? c.nan_line : c.line0 + 1;
        rc = ks_fail(e, KS_EINPUT, "error converting YAML to JSON: json: unsupported value: %s",
                     bad);
        goto done;
    }
    *out = c.root;
    c.root = NULL;
done:
    ctx_release(&c);
    return rc;
}

int yamlin_load(json_t **out, const char *buf, size_t len, const char *name,
                const struct yamlin_limits *lim, struct ks_err *e)
{
    struct yamlin_opts o = {lim, 1, 0};
    int rc = yamlin_load_first(out, buf, len, &o, e);
    if (rc) {
        bool named = name && *name;
        if (o.err_line)
            ks_context(e, "%s%sline %d", named ? name : "", named ? ": " : "", o.err_line);
        else if (named)
            ks_context(e, "%s", name);
    }
    return rc;
}
