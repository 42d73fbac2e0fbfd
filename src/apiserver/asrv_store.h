/*
 * asrv_store.h: the in-memory object store of kubeshim-apiserver: objects
 * keyed "<group>/<resource>/<namespace>/<name>" in key order (etcd's order,
 * so lists come out as a real server lists them), and the resourceVersion
 * counter. Not locked: the server holds its lock around every use.
 */
#ifndef ASRV_STORE_H
#define ASRV_STORE_H

#include <jansson.h>
#include <stddef.h>

struct asrv_store_ent {
    char *key;
    json_t *obj;
};

struct asrv_store {
    struct asrv_store_ent *v;
    size_t n, alloc;
    long long rv; /* the last resourceVersion handed out */
};

void asrv_store_init(struct asrv_store *s);
void asrv_store_release(struct asrv_store *s);

/* "<group>/<resource>/<ns>/<name>". Caller frees. */
char *asrv_store_key(const char *group, const char *resource, const char *ns, const char *name);

/* Ownership: borrowed, NULL when absent. */
json_t *asrv_store_get(const struct asrv_store *s, const char *key);
/* Insert or replace. Ownership: steals obj. */
void asrv_store_put_new(struct asrv_store *s, const char *key, json_t *obj);
/* Remove (no-op when absent). */
void asrv_store_del(struct asrv_store *s, const char *key);

/* The index range [*lo, *hi) of the keys that start with prefix. */
void asrv_store_range(const struct asrv_store *s, const char *prefix, size_t *lo, size_t *hi);

/* The next resourceVersion. */
long long asrv_store_next_rv(struct asrv_store *s);

#endif
