/*
 * gojson.h: JSON as Go's encoding/json (and so kubectl and the API server)
 * reads and writes it, byte for byte.
 *
 * Writing (smp-semantics.md §0.2): object members sorted by key (byte order);
 * compact, or indented as json.MarshalIndent; `<` `>` `&` U+2028 U+2029 as
 * \u003c \u003e \u0026 \u2028 \u2029; \b \f \n \r \t; other controls as
 * \u00XX; floats in Go's shortest round-trip form ('f' for 1e-6 <= |x| < 1e21,
 * else 'e' with the exponent trimmed to at least one digit: 1e+21, 1.5e-7).
 *
 * Reading (k8s.io/apimachinery/pkg/util/json): a number whose text parses as a
 * signed 64-bit integer is an integer, any other number a double. Invalid
 * UTF-8 becomes U+FFFD, as Go decodes it. Duplicate keys: the last one wins.
 */
#ifndef GOJSON_H
#define GOJSON_H

#include "base/ks.h"
#include "base/strbuf.h"

#include <jansson.h>
#include <stdbool.h>

/* Nesting deeper than this fails to decode (Go's encoding/json limit). */
#define GOJSON_MAX_DEPTH 10000

/*
 * Append v as compact JSON with sorted keys.
 * Errors: KS_EINPUT for NaN or an infinity ("json: unsupported value: NaN").
 */
int gojson_write(struct strbuf *out, const json_t *v, struct ks_err *e);

/*
 * Append v as json.MarshalIndent(v, prefix, indent) writes it (no trailing
 * newline). kubectl's `-o json` is indent "    ".
 */
int gojson_write_indent(struct strbuf *out, const json_t *v, const char *prefix, const char *indent,
                        struct ks_err *e);

/*
 * Compact sorted JSON as a new string, or NULL for NaN/Inf.
 * Ownership: the caller frees the result.
 */
char *gojson_dumps(const json_t *v);

/* Append s (len bytes, valid UTF-8) as a quoted JSON string. */
void gojson_write_string(struct strbuf *out, const char *s, size_t len);

/* Append d as Go's encoding/json writes a float64. d must be finite. */
void gojson_write_float(struct strbuf *out, double d);

/*
 * Append the "string form" of a scalar, as Go's fmt %v prints it
 * (smp-semantics.md §0.1): integers in decimal; floats in the shortest
 * round-trip digits, in exponent form when the decimal exponent is below -4
 * or at least 6 (1e+06, 1.234567e+06, 100000); strings as they are;
 * true/false; <nil> for null. Objects and arrays get a stable but
 * unspecified form.
 */
void gojson_strform(struct strbuf *out, const json_t *v);

/*
 * Decode exactly one JSON value from buf[0..len) (surrounding white space
 * allowed). Ownership: *out gets a new reference, or NULL on error.
 * Errors: KS_EINPUT with Go's wording and the byte offset.
 */
int gojson_loads(json_t **out, const char *buf, size_t len, struct ks_err *e);

/* What a filter does with an object member. */
enum gojson_keep {
    GOJSON_DROP,      /* checked for syntax, never built */
    GOJSON_KEEP,      /* built */
    GOJSON_KEEP_SPAN, /* built, and its byte span reported to span() */
};

/*
 * Which object members gojson_loads_filter keeps, for large documents read
 * for a few fields (OpenAPI). keep() is asked before each member's value is
 * read: path[0..depth) are the keys under which the enclosing containers sit,
 * from the root (NULL for an array element), and key/klen the member's key;
 * it returns an enum gojson_keep. A dropped value costs no memory. span(),
 * for GOJSON_KEEP_SPAN members, is told where the value's text lies in the
 * input ([start, end), so the caller can decode it again later, whole).
 * consumed(), if set, is told every 256 KiB how many bytes of the input have
 * been read and will not be looked at again (a caller reading a mapped file
 * releases those pages).
 */
struct gojson_filter {
    int (*keep)(void *ctx, const char *const *path, size_t depth, const char *key, size_t klen);
    void (*span)(void *ctx, const char *key, size_t klen, size_t start, size_t end);
    void (*consumed)(void *ctx, size_t upto);
    void *ctx;
};

/* gojson_loads with a filter (NULL: keep everything). */
int gojson_loads_filter(json_t **out, const char *buf, size_t len, const struct gojson_filter *f,
                        struct ks_err *e);

/*
 * What Go's decoder calls v's JSON type in "json: cannot unmarshal X into
 * ...": object, array, string, bool, number. (Null never fails to decode;
 * callers leave it out, and get "number" if they do not.)
 */
const char *gojson_go_type(const json_t *v);

/*
 * Deep equality with kinds: 1 and 1.0 differ, object member order does not
 * matter, array order does.
 */
bool gojson_equal(const json_t *a, const json_t *b);

/*
 * Replace invalid UTF-8 in s[0..len) by U+FFFD, as Go does when it decodes.
 * Ownership: returns a new string (free()); *outlen gets its length.
 */
char *gojson_fix_utf8(const char *s, size_t len, size_t *outlen);

/* True when s[0..len) is valid UTF-8. */
bool gojson_utf8_valid(const char *s, size_t len);

#endif
