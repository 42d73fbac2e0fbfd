/*
 * fuzz_convert.c: any JSON document through every rule: the document is
 * relabelled with each rule's apiVersion and kind and converted to the rule's
 * target. No crash, no leak, the input untouched, and every result is an
 * object that writes as JSON.
 */
#include "base/gojson.h"
#include "base/ks.h"
#include "base/strbuf.h"
#include "convert/convert.h"
#include "convert/convert_rules.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int installed;
    if (!installed) {
        ks_alloc_install();
        installed = 1;
    }
    json_t *doc = NULL;
    struct ks_err e = KS_ERR_INIT;
    if (gojson_loads(&doc, (const char *)data, size, &e) != 0)
        return 0;
    if (!json_is_object(doc)) {
        json_decref(doc);
        return 0;
    }
    size_t n;
    const struct convert_rule *rules = convert_rules_table(&n);
    for (size_t i = 0; i < n; i++) {
        json_t *in = json_deep_copy(doc), *out = NULL;
        json_object_set_new(in, "apiVersion", json_string(rules[i].from));
        json_object_set_new(in, "kind", json_string(rules[i].kind));
        json_t *before = json_deep_copy(in);
        if (convert_object(&out, in, rules[i].to, &e) == 0) {
            struct strbuf sb = STRBUF_INIT;
            if (!json_is_object(out) || gojson_write(&sb, out, &e) != 0)
                abort();
            strbuf_release(&sb);
        }
        if (!gojson_equal(before, in))
            abort();
        json_decref(out);
        json_decref(before);
        json_decref(in);
    }
    json_decref(doc);
    return 0;
}
