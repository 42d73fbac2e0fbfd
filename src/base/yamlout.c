/*
 * yamlout.c: YAML as kubectl prints it, through libyaml's emitter (go-yaml v2
 * is a port of it, so quoting, folding and indentation follow the same
 * rules). PARITY: sigs.k8s.io/yaml JSONToYAML and go-yaml v2 encode.go
 * (stringv's plain/double-quoted/literal choice, isBase60Float, floats as
 * FormatFloat 'g') and sorter.go (key order).
 */
#include "base/yamlout.h"

#include "base/gojson.h"
#include "base/yamlin_scalar.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* One UTF-8 rune (invalid bytes as themselves). */
static uint32_t rune_at(const unsigned char *s, size_t *i)
{
    uint32_t c = s[*i];
    int n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (n)
        c &= 0x3f >> n;
    (*i)++;
    while (n-- > 0 && (s[*i] & 0xc0) == 0x80)
        c = c << 6 | (s[(*i)++] & 0x3f);
    return c;
}

static bool is_digit(uint32_t r)
{
    return r >= '0' && r <= '9';
}

/* NEEDSWORK: unicode.IsLetter beyond ASCII: every non-ASCII rune counts as a letter. */
static bool is_letter(uint32_t r)
{
    return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r >= 0x80;
}

static uint32_t *runes(const char *s, size_t *n)
{
    size_t len = strlen(s), i = 0;
    uint32_t *r = ks_malloc((len + 1) * sizeof(*r));
    *n = 0;
    while (i < len)
        r[(*n)++] = rune_at((const unsigned char *)s, &i);
    return r;
}

/*
 * PARITY: go-yaml v2.4.0 sorter.go keyList.Less for two strings (v2.4 has the
 * leading-zero rule, not v3's "letter after a digit" one). It is not a
 * total order for keys mixing digit runs and zeros ("1000", "16", "0x1"...);
 * kubectl's own output then varies from run to run.
 */
static bool key_less(const uint32_t *ar, size_t na, const uint32_t *br, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++) {
        if (ar[i] == br[i])
            continue;
        bool al = is_letter(ar[i]), bl = is_letter(br[i]);
        if (al && bl)
            return ar[i] < br[i];
        if (al || bl)
            return bl;
        size_t ai, bi;
        uint64_t an = 0, bn = 0; /* Go's int64 arithmetic wraps: do it unsigned */
        if (ar[i] == '0' || br[i] == '0') {
            for (size_t j = i; j-- > 0 && is_digit(ar[j]);) {
                if (ar[j] != '0') {
                    an = bn = 1;
                    break;
                }
            }
        }
        for (ai = i; ai < na && is_digit(ar[ai]); ai++)
            an = an * 10 + (uint64_t)(ar[ai] - '0');
        for (bi = i; bi < nb && is_digit(br[bi]); bi++)
            bn = bn * 10 + (uint64_t)(br[bi] - '0');
        if (an != bn)
            return (int64_t)an < (int64_t)bn;
        if (ai != bi)
            return ai < bi;
        return ar[i] < br[i];
    }
    return na < nb;
}

int yamlout_keycmp(const char *a, const char *b)
{
    size_t na, nb;
    uint32_t *ar = runes(a, &na), *br = runes(b, &nb);
    int r = key_less(ar, na, br, nb) ? -1 : key_less(br, nb, ar, na) ? 1 : 0;
    free(ar);
    free(br);
    return r;
}

struct key {
    const char *k;
    uint32_t *r;
    size_t n;
};

static bool kless(const struct key *a, const struct key *b)
{
    return key_less(a->r, a->n, b->r, b->n);
}

/*
 * Go's sort.Sort: insertion sort up to 12 elements (pdqsort's small case,
 * which decides the order even for keys the sorter cannot rank), a stable
 * merge sort beyond.
 */
static void sort_keys(struct key *k, struct key *tmp, size_t n)
{
    if (n <= 12) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && kless(&k[j], &k[j - 1]); j--) {
                struct key t = k[j];
                k[j] = k[j - 1];
                k[j - 1] = t;
            }
        return;
    }
    size_t h = n / 2, i = 0, j = h, o = 0;
    sort_keys(k, tmp, h);
    sort_keys(k + h, tmp, n - h);
    while (i < h && j < n)
        tmp[o++] = kless(&k[j], &k[i]) ? k[j++] : k[i++];
    while (i < h)
        tmp[o++] = k[i++];
    while (j < n)
        tmp[o++] = k[j++];
    memcpy(k, tmp, n * sizeof(*k));
}

/* PARITY: go-yaml v2 isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    while ((*s >= '0' && *s <= '9') || *s == '_')
        s++;
    int groups = 0;
    while (*s == ':') {
        s++;
        if (*s >= '0' && *s <= '5' && s[1] >= '0' && s[1] <= '9')
            s += 2;
        else if (*s >= '0' && *s <= '9')
            s++;
        else
            return false;
        groups++;
    }
    if (!groups)
        return false;
    if (*s == '.') {
        s++;
        while ((*s >= '0' && *s <= '9') || *s == '_')
            s++;
    }
    return *s == '\0';
}

static int emit(yaml_emitter_t *em, yaml_event_t *ev, struct ks_err *e)
{
    if (!yaml_emitter_emit(em, ev))
        return ks_fail(e, KS_EINPUT, "yaml: %s", em->problem ? em->problem : "cannot emit");
    return 0;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, size_t len, yaml_scalar_style_t style,
                       struct ks_err *e)
{
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1, style);
    return emit(em, &ev, e);
}

/*
 * PARITY: go-yaml v2 readerc.go: JSONToYAML reads Go's JSON text back as
 * YAML, and that reader refuses the characters JSON leaves raw but YAML
 * does not allow (DEL, C1 controls but NEL, U+FFFE, U+FFFF).
 */
static bool yaml_printable(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t r = rune_at((const unsigned char *)s, &i);
        if (r == 0x7f || (r >= 0x80 && r <= 0x9f && r != 0x85) || r == 0xfffe || r == 0xffff)
            return false;
    }
    return true;
}

/* The emitter's output: the text, and the strings written by us instead of libyaml. */
struct yo_out {
    struct strbuf *out;
    struct strbuf bom; /* each replacement, NUL-terminated, in order */
    size_t nbom;       /* how many */
    char mark[4];      /* a private-use character the document does not hold */
    bool bom_unsafe;   /* it holds every one of them: libyaml's escaping is kept */
};

/*
 * PARITY: go-yaml v2 yaml_emitter_write_double_quoted_scalar for a string
 * that starts with U+FEFF. Its is_bom() tests the string's first three bytes
 * whatever the position, so every character is escaped: the short escapes,
 * else \xXX, \uXXXX or \UXXXXXXXX (upper-case hex); nothing is folded.
 */
static void bom_escaped(struct strbuf *sb, const char *s, size_t len)
{
    static const struct {
        uint32_t r;
        const char *esc;
    } short_esc[] = {{0x00, "\\0"}, {0x07, "\\a"},   {0x08, "\\b"},  {0x09, "\\t"},
                     {0x0a, "\\n"}, {0x0b, "\\v"},   {0x0c, "\\f"},  {0x0d, "\\r"},
                     {0x1b, "\\e"}, {0x22, "\\\""},  {0x5c, "\\\\"}, {0x85, "\\N"},
                     {0xa0, "\\_"}, {0x2028, "\\L"}, {0x2029, "\\P"}};
    strbuf_addch(sb, '"');
    for (size_t i = 0; i < len;) {
        uint32_t r = rune_at((const unsigned char *)s, &i);
        size_t k = 0;
        while (k < KS_ARRAY_SIZE(short_esc) && short_esc[k].r != r)
            k++;
        if (k < KS_ARRAY_SIZE(short_esc))
            strbuf_adds(sb, short_esc[k].esc);
        else if (r <= 0xff)
            strbuf_addf(sb, "\\x%02X", (unsigned)r);
        else if (r <= 0xffff)
            strbuf_addf(sb, "\\u%04X", (unsigned)r);
        else
            strbuf_addf(sb, "\\U%08X", (unsigned)r);
    }
    strbuf_addch(sb, '"');
}

/* PARITY: go-yaml v2 encoder.stringv. */
static int emit_string(yaml_emitter_t *em, const char *s, size_t len, struct ks_err *e)
{
    yaml_scalar_style_t style;
    struct yo_out *o = em->write_handler_data;
    if (!yaml_printable(s, len))
        return ks_fail(e, KS_EINPUT, "yaml: control characters are not allowed");
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 && !o->bom_unsafe) {
        /* libyaml escapes only the BOM: write go-yaml's text after emitting */
        /* the placeholder: the marker, the index, the marker (printable, plain) */
        char mark[32];
        snprintf(mark, sizeof(mark), "%s%zu%s", o->mark, o->nbom++, o->mark);
        bom_escaped(&o->bom, s, len);
        strbuf_addch(&o->bom, '\0');
        return emit_scalar(em, mark, strlen(mark), YAML_PLAIN_SCALAR_STYLE, e);
    }
    if (memchr(s, '\n', len))
        style = YAML_LITERAL_SCALAR_STYLE;
    else if (yamlin_scalar_plain_is_str(s, len) && !is_base60_float(s))
        style = YAML_PLAIN_SCALAR_STYLE;
    else
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    return emit_scalar(em, s, len, style, e);
}

/* A real as go-yaml re-reads Go's JSON text of it: an int when the text is one. */
static int emit_real(yaml_emitter_t *em, double d, struct ks_err *e)
{
    struct strbuf sb = STRBUF_INIT;
    gojson_write_float(&sb, d);
    json_t *tmp = NULL;
    bool integral =
        strspn(sb.buf + (sb.buf[0] == '-'), "0123456789") == sb.len - (sb.buf[0] == '-');
    bool fits = false;
    if (integral) {
        /* ParseInt, then ParseUint (no sign); "-0" reads back as 0 */
        errno = 0;
        long long ll = strtoll(sb.buf, NULL, 10);
        fits = errno == 0;
        if (fits) {
            strbuf_reset(&sb);
            strbuf_addf(&sb, "%lld", ll);
        } else if (sb.buf[0] != '-') {
            errno = 0;
            (void)strtoull(sb.buf, NULL, 10);
            fits = errno == 0;
        }
    }
    if (!fits) {
        strbuf_reset(&sb);
        tmp = json_real(d);
        gojson_strform(&sb, tmp);
        json_decref(tmp);
    }
    int rc = emit_scalar(em, sb.buf, sb.len, YAML_PLAIN_SCALAR_STYLE, e);
    strbuf_release(&sb);
    return rc;
}

static int emit_value(yaml_emitter_t *em, const json_t *v, int depth, struct ks_err *e);

static int emit_object(yaml_emitter_t *em, const json_t *v, int depth, struct ks_err *e)
{
    yaml_event_t ev;
    int rc;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    if ((rc = emit(em, &ev, e)))
        return rc;
    size_t n = json_object_size(v), i = 0;
    struct key *keys = ks_malloc((n + 1) * sizeof(*keys));
    struct key *tmp = ks_malloc((n + 1) * sizeof(*tmp));
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m)
    {
        keys[i].k = k;
        keys[i].r = runes(k, &keys[i].n);
        i++;
    }
    sort_keys(keys, tmp, n);
    for (i = 0; i < n && !rc; i++) {
        rc = emit_string(em, keys[i].k, strlen(keys[i].k), e);
        if (!rc)
            rc = emit_value(em, json_object_get(v, keys[i].k), depth + 1, e);
    }
    for (i = 0; i < n; i++)
        free(keys[i].r);
    free(keys);
    free(tmp);
    if (rc)
        return rc;
    yaml_mapping_end_event_initialize(&ev);
    return emit(em, &ev, e);
}

static int emit_value(yaml_emitter_t *em, const json_t *v, int depth, struct ks_err *e)
{
    yaml_event_t ev;
    int rc = 0;
    char num[32];
    if (depth > GOJSON_MAX_DEPTH)
        return ks_fail(e, KS_EINPUT, "json: exceeded max depth of %d", GOJSON_MAX_DEPTH);
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return emit_object(em, v, depth, e);
    case JSON_ARRAY:
        yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
        if ((rc = emit(em, &ev, e)))
            return rc;
        for (size_t i = 0; i < json_array_size(v) && !rc; i++)
            rc = emit_value(em, json_array_get(v, i), depth + 1, e);
        if (rc)
            return rc;
        yaml_sequence_end_event_initialize(&ev);
        return emit(em, &ev, e);
    case JSON_STRING:
        return emit_string(em, json_string_value(v), json_string_length(v), e);
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return emit_scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE, e);
    case JSON_REAL:
        if (!isfinite(json_real_value(v)))
            return ks_fail(e, KS_EINPUT, "json: unsupported value: %g", json_real_value(v));
        return emit_real(em, json_real_value(v), e);
    case JSON_TRUE:
        return emit_scalar(em, "true", 4, YAML_PLAIN_SCALAR_STYLE, e);
    case JSON_FALSE:
        return emit_scalar(em, "false", 5, YAML_PLAIN_SCALAR_STYLE, e);
    default:
        return emit_scalar(em, "null", 4, YAML_PLAIN_SCALAR_STYLE, e);
    }
}

static int out_handler(void *data, unsigned char *buffer, size_t size)
{
    struct yo_out *o = data;
    strbuf_add(o->out, buffer, size);
    return 1;
}

/* Does any key or string of v contain mark? */
static bool holds_mark(const json_t *v, const char *mark, int depth)
{
    const char *k;
    json_t *m;
    size_t i;
    if (depth > GOJSON_MAX_DEPTH)
        return true;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return memmem(json_string_value(v), json_string_length(v), mark, 3) != NULL;
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, k, m)
        {
            if (strstr(k, mark) || holds_mark(m, mark, depth + 1))
                return true;
        }
        return false;
    case JSON_ARRAY:
        json_array_foreach(v, i, m)
        {
            if (holds_mark(m, mark, depth + 1))
                return true;
        }
        return false;
    default:
        return false;
    }
}

/* Put go-yaml's text for each BOM string where its placeholder was emitted. */
static void put_bom_strings(struct yo_out *o, size_t start)
{
    struct strbuf done = STRBUF_INIT;
    const char *text = o->bom.buf;
    size_t from = start;
    for (size_t n = 0; n < o->nbom; n++) {
        char mark[32];
        snprintf(mark, sizeof(mark), "%s%zu%s", o->mark, n, o->mark);
        const char *at = memmem(o->out->buf + from, o->out->len - from, mark, strlen(mark));
        if (!at)
            break;
        strbuf_add(&done, o->out->buf + from, (size_t)(at - (o->out->buf + from)));
        strbuf_adds(&done, text);
        text += strlen(text) + 1;
        from = (size_t)(at - o->out->buf) + strlen(mark);
    }
    strbuf_add(&done, o->out->buf + from, o->out->len - from);
    strbuf_setlen(o->out, start);
    strbuf_add(o->out, done.buf ? done.buf : "", done.len);
    strbuf_release(&done);
}

int yamlout_write(struct strbuf *out, const json_t *v, struct ks_err *e)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    int rc;
    size_t start = out->len;
    if (!yaml_emitter_initialize(&em))
        return ks_fail(e, KS_EGENERIC, "cannot initialise the YAML emitter");
    struct yo_out o = {out, STRBUF_INIT, 0, "", true};
    /* the first private-use character (U+E000 ...) the document does not hold */
    for (uint32_t c = 0xe000; c <= 0xf8ff && o.bom_unsafe; c++) {
        o.mark[0] = (char)(0xe0 | (c >> 12));
        o.mark[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        o.mark[2] = (char)(0x80 | (c & 0x3f));
        o.mark[3] = '\0';
        o.bom_unsafe = holds_mark(v, o.mark, 0);
    }
    yaml_emitter_set_output(&em, out_handler, &o);
    yaml_emitter_set_unicode(&em, 1);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    if ((rc = emit(&em, &ev, e)))
        goto done;
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    if ((rc = emit(&em, &ev, e)))
        goto done;
    if ((rc = emit_value(&em, v, 0, e)))
        goto done;
    yaml_document_end_event_initialize(&ev, 1);
    if ((rc = emit(&em, &ev, e)))
        goto done;
    yaml_stream_end_event_initialize(&ev);
    rc = emit(&em, &ev, e);
done:
    yaml_emitter_delete(&em);
    if (rc)
        strbuf_setlen(out, start);
    else if (o.nbom)
        put_bom_strings(&o, start);
    strbuf_release(&o.bom);
    return rc;
}
