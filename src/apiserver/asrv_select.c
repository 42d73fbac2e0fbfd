/*
 * asrv_select.c: selectors: labels (=, ==, !=, exists, !exists, in, notin)
 * and fields (=, ==, != on a dotted path such as metadata.name).
 */
#include "apiserver/asrv_select.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum op { OP_EQ, OP_NE, OP_EXISTS, OP_NOTEXISTS, OP_IN, OP_NOTIN };

struct term {
    char *key;
    int op;
    char **vals; /* NULL-terminated */
    bool field;  /* a field selector term: key is a dotted path */
};

struct asrv_select {
    struct term *t;
    size_t n;
};

static char *trim(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return ks_strndup(s, n);
}

static void add_term(struct asrv_select *s, char *key, int op, char **vals, bool field)
{
    s->t = ks_realloc(s->t, (s->n + 1) * sizeof(*s->t));
    s->t[s->n++] = (struct term){key, op, vals, field};
}

static char **one_val(char *v)
{
    char **vals = ks_calloc(2, sizeof(char *));
    vals[0] = v;
    return vals;
}

/* A label key: [prefix/]name of letters, digits, '-', '_' and '.'. */
static bool key_ok(const char *k)
{
    if (!*k)
        return false;
    for (const char *p = k; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-_./", *p))
            return false;
    return true;
}

/* Split at top-level commas (not inside parentheses). */
static int parse_terms(struct asrv_select *s, const char *sel, bool field, struct ks_err *e)
{
    const char *p = sel;
    while (*p) {
        const char *q = p;
        int depth = 0;
        while (*q && (depth > 0 || *q != ',')) {
            depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
            q++;
        }
        char *term = trim(p, (size_t)(q - p));
        p = *q ? q + 1 : q;
        if (!*term) {
            free(term);
            continue;
        }
        char *ne = strstr(term, "!="), *eq = strchr(term, '=');
        char *paren = strchr(term, '(');
        if (ne) {
            add_term(s, trim(term, (size_t)(ne - term)), OP_NE,
                     one_val(trim(ne + 2, strlen(ne + 2))), field);
        } else if (eq) {
            const char *v = eq[1] == '=' ? eq + 2 : eq + 1;
            add_term(s, trim(term, (size_t)(eq - term)), OP_EQ, one_val(trim(v, strlen(v))), field);
        } else if (!field && paren && strchr(paren, ')')) {
            char *kw = trim(term, (size_t)(paren - term));
            char *sp = strrchr(kw, ' ');
            int op = -1;
            if (sp && strcmp(sp + 1, "in") == 0)
                op = OP_IN;
            else if (sp && strcmp(sp + 1, "notin") == 0)
                op = OP_NOTIN;
            if (op < 0) {
                free(kw);
                int rc = ks_fail(e, KS_EINPUT,
                                 "unable to parse requirement: found '(', expected: "
                                 "in, notin, =, ==, !=, gt, lt");
                free(term);
                return rc;
            }
            char *key = trim(kw, (size_t)(sp - kw));
            free(kw);
            char *inner = ks_strndup(paren + 1, (size_t)(strchr(paren, ')') - paren - 1));
            size_t nv = 0;
            char **vals = ks_calloc(strlen(inner) + 2, sizeof(char *));
            char *save = NULL;
            for (char *t = strtok_r(inner, ",", &save); t; t = strtok_r(NULL, ",", &save))
                vals[nv++] = trim(t, strlen(t));
            free(inner);
            add_term(s, key, op, vals, false);
        } else if (!field && term[0] == '!' && key_ok(term + 1)) {
            add_term(s, trim(term + 1, strlen(term + 1)), OP_NOTEXISTS, NULL, false);
        } else if (!field && key_ok(term)) {
            add_term(s, ks_strdup(term), OP_EXISTS, NULL, false);
        } else if (!field) {
            int rc = ks_fail(e, KS_EINPUT, "unable to parse requirement: \"%s\"", term);
            free(term);
            return rc;
        } else {
            int rc =
                ks_fail(e, KS_EINPUT, "invalid selector: '%s'; can't understand '%s'", sel, term);
            free(term);
            return rc;
        }
        free(term);
    }
    return 0;
}

int asrv_select_parse(struct asrv_select **out, const char *labels, const char *fields,
                      struct ks_err *e)
{
    struct asrv_select *s = ks_calloc(1, sizeof(*s));
    int rc = 0;
    if (labels && (rc = parse_terms(s, labels, false, e)) < 0)
        goto fail;
    if (fields && (rc = parse_terms(s, fields, true, e)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    asrv_select_free(s);
    *out = NULL;
    return rc;
}

void asrv_select_free(struct asrv_select *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->t[i].key);
        for (char **v = s->t[i].vals; v && *v; v++)
            free(*v);
        free(s->t[i].vals);
    }
    free(s->t);
    free(s);
}

/* The string value of a dotted path ("" when absent; numbers and booleans as text). */
static char *field_value(const json_t *obj, const char *path)
{
    char *dup = ks_strdup(path), *save = NULL;
    const json_t *v = obj;
    for (char *t = strtok_r(dup, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
        v = json_object_get(v, t);
    free(dup);
    if (json_is_string(v))
        return ks_strdup(json_string_value(v));
    if (json_is_integer(v))
        return ks_asprintf("%lld", (long long)json_integer_value(v));
    if (json_is_boolean(v))
        return ks_strdup(json_is_true(v) ? "true" : "false");
    return ks_strdup("");
}

bool asrv_select_match(const struct asrv_select *s, const json_t *obj)
{
    const json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");
    for (size_t i = 0; i < s->n; i++) {
        const struct term *t = &s->t[i];
        char *val = NULL;
        bool present;
        if (t->field) {
            val = field_value(obj, t->key);
            present = true;
        } else {
            const json_t *l = json_object_get(labels, t->key);
            present = json_is_string(l);
            val = ks_strdup(present ? json_string_value(l) : "");
        }
        bool in = false;
        for (char **v = t->vals; v && *v; v++)
            in |= strcmp(*v, val) == 0;
        bool ok = true;
        switch (t->op) {
        case OP_EQ:
            ok = present && in;
            break;
        case OP_NE:
            ok = !present || !in;
            break;
        case OP_EXISTS:
            ok = present;
            break;
        case OP_NOTEXISTS:
            ok = !present;
            break;
        case OP_IN:
            ok = present && in;
            break;
        case OP_NOTIN:
            ok = !present || !in;
            break;
        }
        free(val);
        if (!ok)
            return false;
    }
    return true;
}
