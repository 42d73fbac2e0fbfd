/*
 * test_gojson.c: Go's encoding/json output form. Expected strings are what
 * Go's json.Marshal writes (encode.go's float and string rules; the values
 * below also appear in kubectl-golden annotations: 1e3 -> 1000, 0.1, 2.5).
 */
#include "base/gojson.h"
#include "ktest.h"

#include <math.h>

static char *enc(json_t *v)
{
    char *s = gojson_dumps(v);
    json_decref(v);
    return s;
}

static void check_float(double d, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    gojson_write_float(&sb, d);
    KT_CHECK_STR(strbuf_str(&sb), want);
    strbuf_release(&sb);
}

static void check_strform(json_t *v, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    gojson_strform(&sb, v);
    KT_CHECK_STR(strbuf_str(&sb), want);
    strbuf_release(&sb);
    json_decref(v);
}

static void check_roundtrip(const char *in, const char *want)
{
    json_t *v = NULL;
    struct ks_err e = KS_ERR_INIT;
    int rc = gojson_loads(&v, in, strlen(in), &e);
    KT_CHECK_INT(rc, 0);
    if (rc == 0) {
        char *s = enc(v);
        KT_CHECK_STR(s, want);
        free(s);
    } else {
        fprintf(stderr, "  decoding %s: %s\n", in, e.msg);
    }
}

/* A filter dropping members named "drop", and "description" outside "properties". */
static int keep_test(void *ctx, const char *const *path, size_t depth, const char *key, size_t klen)
{
    (void)ctx;
    if (klen == 4 && memcmp(key, "drop", 4) == 0)
        return false;
    if (depth > 0 && path[depth - 1] && strcmp(path[depth - 1], "properties") == 0)
        return true;
    return !(klen == 11 && memcmp(key, "description", 11) == 0);
}

static const struct gojson_filter test_filter = {keep_test, NULL, NULL, NULL};

/* Spans of the root's members, recorded as "key=text;" */
static int keep_span_root(void *ctx, const char *const *path, size_t depth, const char *key,
                          size_t klen)
{
    (void)ctx;
    (void)path;
    (void)key;
    (void)klen;
    return depth == 0 ? GOJSON_KEEP_SPAN : GOJSON_KEEP;
}

static const char *span_input;

static void record_span(void *ctx, const char *key, size_t klen, size_t start, size_t end)
{
    strbuf_addf(ctx, "%.*s=%.*s;", (int)klen, key, (int)(end - start), span_input + start);
}

static void check_bad(const char *in)
{
    json_t *v = NULL;
    struct ks_err e = KS_ERR_INIT, ef = KS_ERR_INIT;
    KT_CHECK(gojson_loads(&v, in, strlen(in), &e) == KS_EINPUT);
    KT_CHECK(v == NULL);
    KT_CHECK(e.msg[0] != '\0');
    ks_err_clear(&e);
    /* a dropped member is checked as strictly, with the same message */
    char *wrapped = ks_asprintf("{\"drop\":%s}", in);
    KT_CHECK(gojson_loads(&v, wrapped, strlen(wrapped), &e) == KS_EINPUT);
    KT_CHECK(gojson_loads_filter(&v, wrapped, strlen(wrapped), &test_filter, &ef) == KS_EINPUT);
    KT_CHECK(v == NULL);
    KT_CHECK_STR(ef.msg, e.msg);
    free(wrapped);
}

int main(void)
{
    /* floats: strconv 'f' below 1e21, 'e' above, e-07 trimmed to e-7 */
    check_float(1.5, "1.5");
    check_float(0.1, "0.1");
    check_float(1000, "1000");
    check_float(1e20, "100000000000000000000");
    check_float(1e21, "1e+21");
    check_float(1.5e-7, "1.5e-7");
    check_float(0.000001, "0.000001");
    check_float(18446744073709551615.0, "18446744073709552000");
    check_float(-2.5, "-2.5");
    check_float(1e-100, "1e-100");
    check_float(123456789.125, "123456789.125");

    /* %v string forms */
    check_strform(json_real(1e6), "1e+06");
    check_strform(json_real(1234567), "1.234567e+06");
    check_strform(json_real(100000), "100000");
    check_strform(json_real(0.0001), "0.0001");
    check_strform(json_real(0.00001), "1e-05");
    check_strform(json_integer(42), "42");
    check_strform(json_null(), "<nil>");
    check_strform(json_true(), "true");
    check_strform(json_string("x"), "x");

    /* strings: HTML-safe escaping, U+2028/9, \b \f (Go >= 1.22), raw non-ASCII */
    check_roundtrip("\"<a & b>\"", "\"\\u003ca \\u0026 b\\u003e\"");
    check_roundtrip("\"\\u2028\\u2029\"", "\"\\u2028\\u2029\"");
    check_roundtrip("\"\\b\\f\\n\\r\\t\\u0001\\u007f\"", "\"\\b\\f\\n\\r\\t\\u0001\x7f\"");
    check_roundtrip("\"h\xc3\xa9llo \xe2\x9c\x93\"", "\"h\xc3\xa9llo \xe2\x9c\x93\"");
    check_roundtrip("\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"");
    check_roundtrip("\"\\ud800x\"", "\"\xef\xbf\xbdx\"");
    check_roundtrip("\"a\xffz\"", "\"a\xef\xbf\xbdz\"");

    /* numbers: int64 when the text is an integer in range, else float */
    check_roundtrip("[1, 1.0, -0, 1e3, 9223372036854775807, 9223372036854775808]",
                    "[1,1,0,1000,9223372036854775807,9223372036854776000]");
    {
        json_t *v = NULL;
        KT_CHECK(gojson_loads(&v, "[1, 1.0, 9223372036854775808]", 29, NULL) == 0);
        KT_CHECK(json_is_integer(json_array_get(v, 0)));
        KT_CHECK(json_is_real(json_array_get(v, 1)));
        KT_CHECK(json_is_real(json_array_get(v, 2)));
        json_decref(v);
    }

    /* objects: sorted keys, last duplicate wins */
    check_roundtrip("{\"b\":1,\"a\":{\"z\":[],\"y\":{}},\"b\":2}",
                    "{\"a\":{\"y\":{},\"z\":[]},\"b\":2}");

    /* MarshalIndent */
    {
        json_t *v = NULL;
        const char *in = "{\"b\":[1,{}],\"a\":{}}";
        KT_CHECK(gojson_loads(&v, in, strlen(in), NULL) == 0);
        struct strbuf sb = STRBUF_INIT;
        gojson_write_indent(&sb, v, "", "    ", NULL);
        KT_CHECK_STR(strbuf_str(&sb),
                     "{\n    \"a\": {},\n    \"b\": [\n        1,\n        {}\n    ]\n}");
        strbuf_release(&sb);
        json_decref(v);
    }

    /* jansson refuses NaN and infinities, so no document can carry one to the writer */
    KT_CHECK(json_real(INFINITY) == NULL);
    KT_CHECK(json_real(NAN) == NULL);

    /* dropped members go at any depth, with the path of keys given to the filter */
    {
        const char *in = "{\"a\":1,\"description\":\"x\",\"b\":{\"description\":[1,{}],\"c\":2},"
                         "\"l\":[{\"drop\":{\"x\":[[[]]]},\"k\":true}]}";
        json_t *v = NULL;
        KT_CHECK(gojson_loads_filter(&v, in, strlen(in), &test_filter, NULL) == 0);
        char *s = v ? gojson_dumps(v) : NULL;
        KT_CHECK_STR(s, "{\"a\":1,\"b\":{\"c\":2},\"l\":[{\"k\":true}]}");
        free(s);
        json_decref(v);
        /* members of "properties" are names, kept even when they look like keywords */
        in = "{\"properties\":{\"description\":{\"description\":\"d\",\"type\":\"string\"}}}";
        KT_CHECK(gojson_loads_filter(&v, in, strlen(in), &test_filter, NULL) == 0);
        s = v ? gojson_dumps(v) : NULL;
        KT_CHECK_STR(s, "{\"properties\":{\"description\":{\"type\":\"string\"}}}");
        free(s);
        json_decref(v);
        const char *bad = "{\"description\":[1,}";
        KT_CHECK(gojson_loads_filter(&v, bad, strlen(bad), &test_filter, NULL) == KS_EINPUT);
        /* the last member dropped, and a dropped member as the only one */
        in = "{\"drop\":{},\"x\":{\"drop\":\"\\u00e9\"}}";
        KT_CHECK(gojson_loads_filter(&v, in, strlen(in), &test_filter, NULL) == 0);
        s = v ? gojson_dumps(v) : NULL;
        KT_CHECK_STR(s, "{\"x\":{}}");
        free(s);
        json_decref(v);
    }

    /* spans: the exact text of each GOJSON_KEEP_SPAN member's value */
    {
        struct strbuf got = STRBUF_INIT;
        struct gojson_filter f = {keep_span_root, record_span, NULL, &got};
        span_input = " {\"a\" : {\"x\":[1, 2]} ,\"b\":\"s\\\"t\",\"c\":{},\"d\":-1.5e3,\"e\":[]}";
        json_t *v = NULL;
        KT_CHECK(gojson_loads_filter(&v, span_input, strlen(span_input), &f, NULL) == 0);
        KT_CHECK_STR(strbuf_str(&got), "a={\"x\":[1, 2]};b=\"s\\\"t\";c={};d=-1.5e3;e=[];");
        json_decref(v);
        strbuf_release(&got);
    }

    /* strconv.Quote: upstream's quotetests (strconv/quote_test.go), first column */
    {
        static const char *const quote[][2] = {
            {"\a\b\f\r\n\t\v", "\"\\a\\b\\f\\r\\n\\t\\v\""},
            {"\\", "\"\\\\\""},
            {"abc\xff"
             "def",
             "\"abc\\xffdef\""},
            {"\xe2\x98\xba", "\"\xe2\x98\xba\""},
            {"\xf4\x8f\xbf\xbf", "\"\\U0010ffff\""},
            {"\x04", "\"\\x04\""},
            {"!\xc2\xa0!\xe2\x80\x80!\xe3\x80\x80!", "\"!\\u00a0!\\u2000!\\u3000!\""},
            {"\x7f", "\"\\x7f\""},
        };
        for (size_t i = 0; i < KS_ARRAY_SIZE(quote); i++) {
            struct strbuf q = STRBUF_INIT;
            strbuf_add_goquoted(&q, quote[i][0], strlen(quote[i][0]));
            KT_CHECK_STR(strbuf_str(&q), quote[i][1]);
            strbuf_release(&q);
        }
    }

    check_bad("");
    check_bad("{");
    check_bad("{\"a\" 1}");
    check_bad("[1,]");
    check_bad("01");
    check_bad("\"a\nb\"");
    check_bad("1 2");
    check_bad("1e400");
    check_bad("{\"a\":[1,2}");
    check_bad("[{\"a\":1]");
    check_bad("{\"a\":tru}");
    check_bad("\"\\x\"");
    {
        /* deeper than Go's limit */
        size_t n = GOJSON_MAX_DEPTH + 1;
        char *deep = malloc(2 * n + 1);
        memset(deep, '[', n);
        memset(deep + n, ']', n);
        deep[2 * n] = '\0';
        check_bad(deep);
        free(deep);
    }
    return kt_done();
}
