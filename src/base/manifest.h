/*
 * manifest.h: the objects of a manifest stream (kubectl -f): YAML or JSON,
 * several documents separated by `---`, empty documents skipped, `kind: List`
 * (and *List) flattened, every object remembering where it came from.
 */
#ifndef MANIFEST_H
#define MANIFEST_H

#include "base/ks.h"
#include "base/yamlin.h"

#include <jansson.h>
#include <stddef.h>

struct manifest_obj {
    json_t *obj;  /* owned: the object */
    char *source; /* owned: the file name (or "STDIN", or a URL) */
    int doc;      /* 1-based document number in the stream */
    int item;     /* 0, or 1-based index within a List */
    int line;     /* 1-based line where the document starts */
};

struct manifest {
    struct manifest_obj *objs;
    size_t n, alloc;
};

#define MANIFEST_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/*
 * Append the objects of one stream to m. On error, the objects read before the
 * bad document stay in m and the error names source, document and line.
 * Ownership: m owns what is appended; release it with manifest_release().
 * Errors: KS_EINPUT.
 */
int manifest_load(struct manifest *m, const char *buf, size_t len, const char *source,
                  const struct yamlin_limits *lim, struct ks_err *e);

void manifest_release(struct manifest *m);

#endif
