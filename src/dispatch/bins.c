/*
 * bins.c: candidate discovery. PARITY: Google's dispatcher looks for
 * kubectl.<M>.<m> beside its real executable; kuberlr for kubectl<M>.<m>.<p>
 * and kubectl<M>.<m> under ~/.kuberlr/<GOOS>-<GOARCH>/ and its SystemPath.
 * Unlike both, a candidate must be an executable regular file.
 */
#include "dispatch/bins.h"

#include "base/ks.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

const char *bins_source_name(enum bins_source s)
{
    switch (s) {
    case BINS_INVOKED:
        return "beside invoked path";
    case BINS_REAL:
        return "beside real executable";
    case BINS_PATH_KUBECTL:
        return "beside the kubectl on PATH";
    case BINS_CACHE:
        return "download cache";
    case BINS_KUBERLR_HOME:
        return "kuberlr";
    default:
        return "system path";
    }
}

const char *bins_goos_goarch(void)
{
    static char buf[96];
    struct utsname u;
    const char *arch = "amd64";
    if (uname(&u) == 0) {
        if (strcmp(u.machine, "aarch64") == 0 || strcmp(u.machine, "arm64") == 0)
            arch = "arm64";
        else if (strncmp(u.machine, "armv", 4) == 0)
            arch = "arm";
        else if (strcmp(u.machine, "i686") == 0 || strcmp(u.machine, "i386") == 0)
            arch = "386";
        else if (strcmp(u.machine, "x86_64") != 0)
            arch = u.machine; /* ppc64le, s390x, riscv64 match Go's names */
    }
    snprintf(buf, sizeof(buf), "linux-%s", arch);
    return buf;
}

char *bins_self_path(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return ks_strdup(buf);
}

struct scan {
    struct bins_list *l;
    size_t alloc;
    char **reals; /* real paths already listed (parallel to l->v) */
    const char *self;
};

static void add_entry(struct scan *s, const char *path, const struct kver *v, enum bins_source src)
{
    struct stat st;
    char real[PATH_MAX];
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0)
        return;
    if (!realpath(path, real))
        return;
    if (s->self && strcmp(real, s->self) == 0)
        return;
    for (size_t i = 0; i < s->l->n; i++)
        if (strcmp(s->reals[i], real) == 0)
            return;
    if (s->l->n == s->alloc) {
        s->alloc = s->alloc ? s->alloc * 2 : 16;
        s->l->v = ks_realloc(s->l->v, s->alloc * sizeof(*s->l->v));
        s->reals = ks_realloc(s->reals, s->alloc * sizeof(*s->reals));
    }
    s->reals[s->l->n] = ks_strdup(real);
    s->l->v[s->l->n++] = (struct bins_entry){ks_strdup(path), *v, src};
}

static void scan_dir(struct scan *s, const char *dir, enum bins_source src)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        struct kver v;
        if (strncmp(de->d_name, "kubectl", 7) != 0 || !kver_from_binary_name(&v, de->d_name))
            continue;
        char *path = ks_asprintf("%s/%s", dir, de->d_name);
        add_entry(s, path, &v, src);
        free(path);
    }
    closedir(d);
}

static int cmp_entry(const void *a, const void *b)
{
    const struct bins_entry *x = a, *y = b;
    int c = kver_cmp(&y->ver, &x->ver);
    if (c)
        return c;
    if (x->ver.has_patch != y->ver.has_patch)
        return x->ver.has_patch ? -1 : 1;
    return (int)x->source - (int)y->source;
}

/* The directory part of path ("." when there is none). Ownership: new string. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ks_strdup(".");
    if (slash == path)
        return ks_strdup("/");
    return ks_strndup(path, (size_t)(slash - path));
}

char *bins_path_first(const char *path, char *(*match)(const char *dir, void *ctx), void *ctx)
{
    char *found = NULL;
    if (!path)
        return NULL;
    char *copy = ks_strdup(path);
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save))
        found = match(dir, ctx);
    free(copy);
    return found;
}

/* dir, if it holds an executable named *name. */
static char *dir_with(const char *dir, void *name)
{
    char *cand = ks_asprintf("%s/%s", dir, (const char *)name);
    char *found = access(cand, X_OK) == 0 ? ks_strdup(dir) : NULL;
    free(cand);
    return found;
}

/* Where the shell found argv0: its own directory when it has a '/', else the PATH hit. */
static char *invoked_dir(const char *argv0)
{
    if (strchr(argv0, '/'))
        return dir_of(argv0);
    return bins_path_first(getenv("PATH"), dir_with, (void *)argv0);
}

/* The directory of dir/kubectl's real path, if it is executable and not self. */
static char *kubectl_real_dir(const char *dir, void *self)
{
    char *cand = ks_asprintf("%s/kubectl", dir);
    char real[PATH_MAX];
    char *found = NULL;
    if (access(cand, X_OK) == 0 && realpath(cand, real) &&
        (!self || strcmp(real, (const char *)self) != 0))
        found = dir_of(real);
    free(cand);
    return found;
}

/*
 * Google's Cloud SDK installs kubectl.<M>.<m> beside its own dispatcher; when
 * kubeshim is not that kubectl, the first other kubectl on PATH lends the
 * directory of its real path (so a gcloud machine works with no set-up).
 */
static char *path_kubectl_dir(const char *path, const char *self)
{
    return bins_path_first(path, kubectl_real_dir, (void *)self);
}

void bins_find(struct bins_list *out, const struct bins_opts *o)
{
    struct scan s = {out, 0, NULL, o->self};
    out->v = NULL;
    out->n = 0;
    char *inv = o->argv0 ? invoked_dir(o->argv0) : NULL;
    if (inv)
        scan_dir(&s, inv, BINS_INVOKED);
    if (o->self) {
        char *real = dir_of(o->self);
        scan_dir(&s, real, BINS_REAL);
        free(real);
    }
    char *pk = o->path ? path_kubectl_dir(o->path, o->self) : NULL;
    if (pk)
        scan_dir(&s, pk, BINS_PATH_KUBECTL);
    free(pk);
    if (o->cache_dir) {
        char *d = ks_asprintf("%s/bin", o->cache_dir);
        scan_dir(&s, d, BINS_CACHE);
        free(d);
    }
    if (o->home) {
        char *d = ks_asprintf("%s/.kuberlr/%s", o->home, bins_goos_goarch());
        scan_dir(&s, d, BINS_KUBERLR_HOME);
        free(d);
    }
    if (o->system_path && *o->system_path)
        scan_dir(&s, o->system_path, BINS_SYSTEM);
    free(inv);
    for (size_t i = 0; i < out->n; i++)
        free(s.reals[i]);
    free(s.reals);
    if (out->n > 1)
        qsort(out->v, out->n, sizeof(*out->v), cmp_entry);
}

void bins_release(struct bins_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
