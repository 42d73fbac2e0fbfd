/*
 * asrv_store.c: a sorted array of (key, object): binary search for lookups,
 * prefix ranges for lists, in the byte order of etcd keys.
 */
#include "apiserver/asrv_store.h"

#include "base/ks.h"

#include <stdlib.h>
#include <string.h>

void asrv_store_init(struct asrv_store *s)
{
    memset(s, 0, sizeof(*s));
    s->rv = 1000;
}

void asrv_store_release(struct asrv_store *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].key);
        json_decref(s->v[i].obj);
    }
    free(s->v);
    memset(s, 0, sizeof(*s));
}

char *asrv_store_key(const char *group, const char *resource, const char *ns, const char *name)
{
    return ks_asprintf("%s/%s/%s/%s", group, resource, ns, name);
}

/* The first index whose key is >= key. */
static size_t lower_bound(const struct asrv_store *s, const char *key)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->v[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

json_t *asrv_store_get(const struct asrv_store *s, const char *key)
{
    size_t i = lower_bound(s, key);
    return i < s->n && strcmp(s->v[i].key, key) == 0 ? s->v[i].obj : NULL;
}

void asrv_store_put_new(struct asrv_store *s, const char *key, json_t *obj)
{
    size_t i = lower_bound(s, key);
    if (i < s->n && strcmp(s->v[i].key, key) == 0) {
        json_decref(s->v[i].obj);
        s->v[i].obj = obj;
        return;
    }
    if (s->n == s->alloc) {
        s->alloc = s->alloc ? s->alloc * 2 : 256;
        s->v = ks_realloc(s->v, s->alloc * sizeof(*s->v));
    }
    memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
    s->v[i].key = ks_strdup(key);
    s->v[i].obj = obj;
    s->n++;
}

void asrv_store_del(struct asrv_store *s, const char *key)
{
    size_t i = lower_bound(s, key);
    if (i >= s->n || strcmp(s->v[i].key, key) != 0)
        return;
    free(s->v[i].key);
    json_decref(s->v[i].obj);
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
    s->n--;
}

void asrv_store_range(const struct asrv_store *s, const char *prefix, size_t *lo, size_t *hi)
{
    size_t n = strlen(prefix);
    *lo = lower_bound(s, prefix);
    size_t i = *lo;
    while (i < s->n && strncmp(s->v[i].key, prefix, n) == 0)
        i++;
    *hi = i;
}

long long asrv_store_next_rv(struct asrv_store *s)
{
    return ++s->rv;
}
