/*
 * vcache.c: the per-cluster version cache (see vcache.h for the design and
 * why a skew warning cannot be read back). The file format is three
 * "key value" lines, written to a temp file and renamed into place.
 */
#include "dispatch/vcache.h"

#include "base/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FNV-1a, 64 bits, continuing from h. */
static unsigned long long fnv1a(unsigned long long h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

char *vcache_path(const char *cache_dir, const char *server, const unsigned char *ca, size_t ca_len,
                  const char *tls_server_name)
{
    /*
     * Two FNV-1a passes with different offsets over length-prefixed fields:
     * 128 bits to tell a user's clusters apart. Not a security boundary (the
     * directory is the user's own), and no libcrypto in the front end.
     */
    const char *sni = tls_server_name ? tls_server_name : "";
    size_t lens[3] = {strlen(server), ca_len, strlen(sni)};
    unsigned long long h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    for (int i = 0; i < 2; i++) {
        h[i] = fnv1a(h[i], lens, sizeof(lens));
        h[i] = fnv1a(h[i], server, lens[0]);
        h[i] = fnv1a(h[i], ca ? (const void *)ca : "", ca_len);
        h[i] = fnv1a(h[i], sni, lens[2]);
    }
    return ks_asprintf("%s/version/%016llx%016llx", cache_dir, h[0], h[1]);
}

int vcache_get(struct vcache_entry *out, const char *path, int ttl, time_t now)
{
    char buf[512];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    memset(out, 0, sizeof(*out));
    bool have_version = false;
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp++ = '\0';
        if (strcmp(line, "version") == 0 && strlen(sp) < sizeof(out->git_version)) {
            strcpy(out->git_version, sp);
            have_version = true;
        } else if (strcmp(line, "probed") == 0) {
            out->probed = (time_t)strtoll(sp, NULL, 10);
        } else if (strcmp(line, "download-failed") == 0) {
            out->download_failed = (time_t)strtoll(sp, NULL, 10);
        }
    }
    if (!have_version || out->probed <= 0)
        return -1;
    return now >= out->probed && now - out->probed < ttl ? 1 : 0;
}

int vcache_mkdirs(const char *dir, struct ks_err *e)
{
    char *copy = ks_strdup(dir);
    int rc = 0;
    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            rc = ks_fail(e, KS_EGENERIC, "mkdir %s: %s", copy, strerror(errno));
            break;
        }
        *p = c;
        if (!c)
            break;
    }
    free(copy);
    return rc;
}

int vcache_put(const char *path, const struct vcache_entry *ent, struct ks_err *e)
{
    const char *slash = strrchr(path, '/');
    char *dir = ks_strndup(path, slash ? (size_t)(slash - path) : 0);
    char *tmp = ks_asprintf("%s.XXXXXX", path);
    struct strbuf sb = STRBUF_INIT;
    int rc = 0, fd = -1;
    if (*dir && (rc = vcache_mkdirs(dir, e)) < 0)
        goto done;
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = ks_fail(e, KS_EGENERIC, "create %s: %s", tmp, strerror(errno));
        goto done;
    }
    strbuf_addf(&sb, "version %s\nprobed %lld\n", ent->git_version, (long long)ent->probed);
    if (ent->download_failed)
        strbuf_addf(&sb, "download-failed %lld\n", (long long)ent->download_failed);
    if (write(fd, sb.buf, sb.len) != (ssize_t)sb.len || close(fd) < 0) {
        fd = -1;
        rc = ks_fail(e, KS_EGENERIC, "write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        rc = ks_fail(e, KS_EGENERIC, "rename %s: %s", path, strerror(errno));
        unlink(tmp);
    }
done:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    strbuf_release(&sb);
    free(tmp);
    free(dir);
    return rc;
}

void vcache_drop(const char *path)
{
    unlink(path);
}
