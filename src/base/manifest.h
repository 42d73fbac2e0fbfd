/*
 * manifest.h: the objects of a manifest stream (kubectl -f): YAML or JSON,
 * several documents separated by `---`, empty and null documents skipped,
 * any object with `items` (kind: List, ConfigMapList...) flattened, every
 * object remembering where it came from. As kubectl reads files: a UTF-8 BOM
 * is dropped, UTF-16 (with its BOM) is converted, invalid UTF-8 becomes
 * U+FFFD; each object must also decode as TypeMeta + ObjectMeta.
 */
#ifndef MANIFEST_H
#define MANIFEST_H

#include "base/ks.h"
#include "base/yamlin.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct manifest_obj {
    json_t *obj;  /* owned: the object */
    char *source; /* owned: the file name (or "STDIN", or a URL) */
    int doc;      /* 1-based document number in the stream */
    int item;     /* 0, or 1-based index within a List */
    int line;     /* 1-based file line of the document's first content line */
    /* owned: for an item of a typed List (not a v1 List), the List's own type */
    char *list_api_version, *list_kind;
};

struct manifest {
    struct manifest_obj *objs;
    size_t n, alloc;
    char **errs; /* owned: messages of the documents kubectl skips (see below) */
    size_t nerrs;
};

#define MANIFEST_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, NULL, 0                                                                        \
    }

/*
 * Append the objects of one stream to m. Two kinds of bad documents, as in
 * kubectl (apply, diff, ... build with ContinueOnError):
 *  - a document that reads but does not decode as an object ("unable to
 *    decode ...": not an object, no kind, bad metadata, a bad List item) is
 *    skipped: its message goes to m->errs and loading goes on, so m holds the
 *    objects of every other document;
 *  - a stream that cannot be read on ("error parsing ...": YAML or JSON
 *    syntax, limits; "error validating ..." with validation) stops there:
 *    the objects before stay in m.
 * Returns 0, the stopping error, or else KS_EINPUT with the first skipped
 * document's message; every message names source, document and line.
 * Ownership: m owns what is appended; release it with manifest_release().
 * Errors: KS_EINPUT.
 */
int manifest_load(struct manifest *m, const char *buf, size_t len, const char *source,
                  const struct yamlin_limits *lim, struct ks_err *e);

/* Options of manifest_load_opts(). */
struct manifest_opts {
    const struct yamlin_limits *lim; /* NULL: defaults */
    /*
     * kubectl's client-side document checks, on with --validate=true/strict/
     * warn (its default), off with --validate=false: apiVersion and kind set
     * and strings, the items of a v1 List likewise. manifest_load() is off.
     */
    bool validate;
};

/*
 * manifest_load() with options.
 * Errors: KS_EINPUT; a failed check reads as kubectl's: error validating
 * "SRC": document N, line L: error validating data: [apiVersion not set,
 * kind not set]; if you choose to ignore these errors, turn validation off
 * with --validate=false
 */
int manifest_load_opts(struct manifest *m, const char *buf, size_t len, const char *source,
                       const struct manifest_opts *o, struct ks_err *e);

void manifest_release(struct manifest *m);

#endif
