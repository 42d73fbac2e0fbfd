/*
 * toml.c: the strict TOML subset reader (see toml.h). Debian has no C TOML
 * library; kuberlr's files are flat `Key = value` lines, so a small exact
 * parser is safer than a lenient one. PARITY: TOML v1.0.0 for what it accepts.
 */
#include "dispatch/toml.h"

#include "base/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct tparse {
    const char *p, *end;
    const char *name;
    int line;
    struct ks_err *e;
};

static int tfail(struct tparse *t, const char *what)
{
    return ks_fail(t->e, KS_EINPUT, "%s:%d: %s", t->name, t->line, what);
}

static void skip_ws(struct tparse *t)
{
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
        t->p++;
}

static bool at_eol(struct tparse *t)
{
    return t->p >= t->end || *t->p == '\n' || *t->p == '#' ||
           (*t->p == '\r' && t->p + 1 < t->end && t->p[1] == '\n');
}

/* After a statement: optional blanks and comment, then end of line. */
static int finish_line(struct tparse *t)
{
    skip_ws(t);
    if (t->p < t->end && *t->p == '#') {
        while (t->p < t->end && *t->p != '\n') {
            unsigned char c = (unsigned char)*t->p;
            if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
                return tfail(t, "control character in comment");
            t->p++;
        }
    }
    if (t->p < t->end && *t->p == '\r')
        t->p++;
    if (t->p < t->end && *t->p != '\n')
        return tfail(t, "unexpected text after value");
    if (t->p < t->end)
        t->p++;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void add_utf8(struct strbuf *sb, unsigned long cp)
{
    if (cp < 0x80) {
        strbuf_addch(sb, (char)cp);
    } else if (cp < 0x800) {
        strbuf_addch(sb, (char)(0xc0 | (cp >> 6)));
        strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        strbuf_addch(sb, (char)(0xe0 | (cp >> 12)));
        strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
        strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
    } else {
        strbuf_addch(sb, (char)(0xf0 | (cp >> 18)));
        strbuf_addch(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
        strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
        strbuf_addch(sb, (char)(0x80 | (cp & 0x3f)));
    }
}

static int read_escape(struct tparse *t, struct strbuf *sb)
{
    static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
    if (t->p >= t->end)
        return tfail(t, "unterminated string");
    char c = *t->p++;
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
        strbuf_addch(sb, to[k - from]);
        return 0;
    }
    if (c != 'u' && c != 'U')
        return tfail(t, "invalid escape sequence in string");
    int n = c == 'u' ? 4 : 8;
    unsigned long cp = 0;
    for (int i = 0; i < n; i++) {
        int h = t->p < t->end ? hexval((unsigned char)*t->p) : -1;
        if (h < 0)
            return tfail(t, "invalid unicode escape in string");
        cp = cp * 16 + (unsigned long)h;
        t->p++;
    }
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return tfail(t, "invalid unicode scalar in string");
    add_utf8(sb, cp);
    return 0;
}

/* A basic ("...") or literal ('...') single-line string at t->p. */
static int read_string(struct tparse *t, struct strbuf *sb)
{
    char q = *t->p++;
    if (t->p + 1 < t->end && t->p[0] == q && t->p[1] == q)
        return tfail(t, "multi-line strings are not supported");
    for (;;) {
        if (t->p >= t->end || *t->p == '\n')
            return tfail(t, "unterminated string");
        char c = *t->p++;
        if (c == q)
            return 0;
        if (q == '"' && c == '\\') {
            int rc = read_escape(t, sb);
            if (rc < 0)
                return rc;
            continue;
        }
        if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f)
            return tfail(t, "control character in string");
        strbuf_addch(sb, c);
    }
}

static bool bare_key_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static int read_key(struct tparse *t, struct strbuf *key)
{
    if (t->p < t->end && (*t->p == '"' || *t->p == '\''))
        return read_string(t, key);
    const char *s = t->p;
    while (t->p < t->end && bare_key_char(*t->p))
        t->p++;
    if (t->p == s)
        return tfail(t, "expected a key");
    strbuf_add(key, s, (size_t)(t->p - s));
    skip_ws(t);
    if (t->p < t->end && *t->p == '.')
        return tfail(t, "dotted keys are not supported");
    return 0;
}

/* An integer, float or boolean token. */
static int read_scalar(struct tparse *t, json_t **out)
{
    const char *s = t->p;
    while (t->p < t->end && !at_eol(t) && *t->p != ' ' && *t->p != '\t' && *t->p != ',')
        t->p++;
    size_t n = (size_t)(t->p - s);
    char *tok = ks_strndup(s, n);
    int rc = 0;
    if (strcmp(tok, "true") == 0 || strcmp(tok, "false") == 0) {
        *out = json_boolean(tok[0] == 't');
        goto done;
    }
    /* Digits with single underscores between them, an optional sign, no leading zeros. */
    struct strbuf clean = STRBUF_INIT;
    bool is_float = false, ok = n > 0;
    const char *q = tok;
    if (*q == '+' || *q == '-')
        strbuf_addch(&clean, *q++);
    const char *digits = q;
    for (; *q && ok; q++) {
        if (isdigit((unsigned char)*q)) {
            strbuf_addch(&clean, *q);
        } else if (*q == '_') {
            ok = q > digits && isdigit((unsigned char)q[-1]) && isdigit((unsigned char)q[1]);
        } else if (*q == '.' || *q == 'e' || *q == 'E') {
            is_float = true;
            ok = q > digits && isdigit((unsigned char)q[-1]) &&
                 (isdigit((unsigned char)q[1]) || (*q != '.' && (q[1] == '+' || q[1] == '-')));
            strbuf_addch(&clean, *q);
        } else if ((*q == '+' || *q == '-') && (q[-1] == 'e' || q[-1] == 'E')) {
            strbuf_addch(&clean, *q);
        } else {
            ok = false;
        }
    }
    if (ok && !isdigit((unsigned char)*digits))
        ok = false;
    if (ok && digits[0] == '0' && isdigit((unsigned char)digits[1]))
        ok = false;
    if (ok) {
        char *endp = NULL;
        errno = 0;
        if (is_float) {
            double d = strtod(clean.buf, &endp);
            ok = *endp == '\0' && errno == 0 && isfinite(d);
            if (ok)
                *out = json_real(d);
        } else {
            long long v = strtoll(clean.buf, &endp, 10);
            ok = *endp == '\0' && errno == 0;
            if (ok)
                *out = json_integer(v);
        }
    }
    strbuf_release(&clean);
    if (!ok) {
        if (n && (tok[0] == '[' || tok[0] == '{'))
            rc = tfail(t, "arrays and inline tables are not supported");
        else
            rc = ks_fail(t->e, KS_EINPUT, "%s:%d: invalid value \"%s\"", t->name, t->line, tok);
    }
done:
    free(tok);
    return rc;
}

static int read_value(struct tparse *t, json_t **out)
{
    *out = NULL;
    if (t->p >= t->end || at_eol(t))
        return tfail(t, "expected a value");
    if (*t->p == '"' || *t->p == '\'') {
        struct strbuf sb = STRBUF_INIT;
        int rc = read_string(t, &sb);
        if (rc == 0) {
            *out = json_stringn(strbuf_str(&sb), sb.len);
            if (!*out)
                rc = tfail(t, "string is not valid UTF-8");
        }
        strbuf_release(&sb);
        return rc;
    }
    if (*t->p == '[' || *t->p == '{')
        return tfail(t, "arrays and inline tables are not supported");
    return read_scalar(t, out);
}

/* "[name]": make the table and return it (borrowed) in *table. */
static int read_table(struct tparse *t, json_t *root, json_t **table)
{
    struct strbuf name = STRBUF_INIT;
    int rc;
    t->p++;
    if (t->p < t->end && *t->p == '[') {
        rc = tfail(t, "arrays of tables are not supported");
        goto done;
    }
    skip_ws(t);
    if ((rc = read_key(t, &name)) < 0)
        goto done;
    skip_ws(t);
    if (t->p >= t->end || *t->p != ']') {
        rc = tfail(t, "expected ']' after the table name");
        goto done;
    }
    t->p++;
    if (json_object_get(root, name.buf)) {
        rc = ks_fail(t->e, KS_EINPUT, "%s:%d: duplicate key or table \"%s\"", t->name, t->line,
                     name.buf);
        goto done;
    }
    *table = json_object();
    json_object_set_new(root, name.buf, *table);
    rc = finish_line(t);
done:
    strbuf_release(&name);
    return rc;
}

static int read_pair(struct tparse *t, json_t *table)
{
    struct strbuf key = STRBUF_INIT;
    json_t *val = NULL;
    int rc;
    if ((rc = read_key(t, &key)) < 0)
        goto done;
    skip_ws(t);
    if (t->p >= t->end || *t->p != '=') {
        rc = tfail(t, "expected '=' after the key");
        goto done;
    }
    t->p++;
    skip_ws(t);
    if ((rc = read_value(t, &val)) < 0)
        goto done;
    if (json_object_get(table, key.buf)) {
        rc = ks_fail(t->e, KS_EINPUT, "%s:%d: duplicate key \"%s\"", t->name, t->line, key.buf);
        goto done;
    }
    json_object_set_new(table, key.buf, val);
    val = NULL;
    rc = finish_line(t);
done:
    json_decref(val);
    strbuf_release(&key);
    return rc;
}

int toml_load(json_t **out, const char *text, size_t len, const char *name, struct ks_err *e)
{
    struct tparse t = {text, text + len, name, 1, e};
    json_t *root = json_object(), *table = root;
    int rc = 0;
    *out = NULL;
    if (memchr(text, '\0', len)) {
        json_decref(root);
        return ks_fail(e, KS_EINPUT, "%s: NUL byte in file", name);
    }
    while (t.p < t.end) {
        skip_ws(&t);
        if (at_eol(&t))
            rc = finish_line(&t);
        else if (*t.p == '[')
            rc = read_table(&t, root, &table);
        else
            rc = read_pair(&t, table);
        if (rc < 0) {
            json_decref(root);
            return rc;
        }
        t.line++;
    }
    *out = root;
    return 0;
}
