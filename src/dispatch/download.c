/*
 * download.c: kubectl downloads. PARITY: kuberlr's URL layout
 * (<mirror>/release/v<X.Y.Z>/bin/<os>/<arch>/kubectl) and file naming
 * (kubectl<X.Y.Z>); unlike kuberlr it checks the .sha256 that dl.k8s.io
 * publishes, sets timeouts, locks, and never copies non-atomically.
 * NEEDSWORK: the checksum comes from the same mirror (integrity, not
 * authenticity); upstream's cosign signatures are not checked.
 */
#include "dispatch/download.h"

#include "base/sha256.h"
#include "base/strbuf.h"
#include "dispatch/vcache.h"

#include <ctype.h>
#include "http/kcurl.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOWNLOAD_MAX_BYTES (1024L * 1024 * 1024)

struct sink {
    int fd;             /* write here, or -1 to collect into mem */
    struct strbuf *mem; /* for the small checksum file */
    struct sha256 *md;  /* hash what goes to fd */
    curl_off_t total;
    int werrno;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
    struct sink *s = arg;
    size_t n = size * nmemb;
    s->total += (curl_off_t)n;
    if (s->total > DOWNLOAD_MAX_BYTES)
        return 0;
    if (s->fd < 0) {
        if (s->mem->len + n > 4096)
            return 0;
        strbuf_add(s->mem, p, n);
        return n;
    }
    sha256_update(s->md, p, n);
    for (size_t off = 0; off < n;) {
        ssize_t w = write(s->fd, p + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            s->werrno = errno;
            return 0;
        }
        off += (size_t)w;
    }
    return n;
}

static int fetch(const char *url, struct sink *s, const struct download_opts *o, struct ks_err *e)
{
    CURL *h = curl_easy_init();
    char ebuf[CURL_ERROR_SIZE] = "";
    long status = 0;
    int rc = 0;
    if (!h)
        return ks_fail(e, KS_EHTTP, "cannot start a download");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kubeshim/" KUBESHIM_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    CURLcode cc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK) {
        if (s->werrno)
            rc = ks_fail(e, KS_EGENERIC, "write: %s", strerror(s->werrno));
        else
            rc = ks_fail(e, KS_EHTTP, "get %s: %s", url, ebuf[0] ? ebuf : curl_easy_strerror(cc));
    } else if (strncmp(url, "file:", 5) != 0 && status != 200) {
        rc = ks_fail(e, KS_EHTTP, "get %s: HTTP %ld", url, status);
    }
    curl_easy_cleanup(h);
    return rc;
}

/* The first 64 hex digits of a .sha256 file ("<hex>" or "<hex>  kubectl"), lower-cased. */
static int parse_sha256(char out[65], const struct strbuf *sb, const char *url, struct ks_err *e)
{
    const char *p = strbuf_str(sb);
    while (isspace((unsigned char)*p))
        p++;
    for (int i = 0; i < 64; i++) {
        if (!isxdigit((unsigned char)p[i]))
            return ks_fail(e, KS_EINPUT, "%s: not a SHA-256 checksum", url);
        out[i] = (char)tolower((unsigned char)p[i]);
    }
    out[64] = '\0';
    if (p[64] && !isspace((unsigned char)p[64]))
        return ks_fail(e, KS_EINPUT, "%s: not a SHA-256 checksum", url);
    return 0;
}

int download_kubectl(char **out_path, const struct kver *v, const struct download_opts *o,
                     struct ks_err *e)
{
    char os[32] = "linux", *arch;
    char *url = NULL, *sumurl = NULL, *final = NULL, *tmp = NULL, *lockp = NULL;
    struct strbuf sumtext = STRBUF_INIT;
    char want[65], got[65];
    int rc = 0, fd = -1, lockfd = -1;
    struct sha256 md_state, *md = &md_state;
    *out_path = NULL;

    snprintf(os, sizeof(os), "%s", o->goos_arch);
    arch = strchr(os, '-');
    if (!arch)
        return ks_fail(e, KS_EGENERIC, "bad platform \"%s\"", o->goos_arch);
    *arch++ = '\0';
    url = ks_asprintf("%s/release/v%d.%d.%d/bin/%s/%s/kubectl", o->mirror, v->major, v->minor,
                      v->patch, os, arch);
    sumurl = ks_asprintf("%s.sha256", url);
    final = ks_asprintf("%s/kubectl%d.%d.%d", o->dest_dir, v->major, v->minor, v->patch);
    lockp = ks_asprintf("%s/.lock", o->dest_dir);
    if ((rc = vcache_mkdirs(o->dest_dir, e)) < 0)
        goto done;
    lockfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lockfd < 0 || flock(lockfd, LOCK_EX) < 0) {
        rc = ks_fail(e, KS_EGENERIC, "lock %s: %s", lockp, strerror(errno));
        goto done;
    }
    if (access(final, X_OK) == 0) /* another command finished it while we waited */
        goto found;

    struct sink ss = {-1, &sumtext, NULL, 0, 0};
    if ((rc = fetch(sumurl, &ss, o, e)) < 0 || (rc = parse_sha256(want, &sumtext, sumurl, e)) < 0)
        goto done;

    tmp = ks_asprintf("%s/.kubectl%d.%d.%d.XXXXXX", o->dest_dir, v->major, v->minor, v->patch);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = ks_fail(e, KS_EGENERIC, "create %s: %s", tmp, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto done;
    }
    sha256_init(md);
    struct sink bs = {fd, NULL, md, 0, 0};
    if ((rc = fetch(url, &bs, o, e)) < 0)
        goto done;
    unsigned char dig[32];
    sha256_final(md, dig);
    for (unsigned i = 0; i < 32; i++)
        snprintf(got + 2 * i, 3, "%02x", dig[i]);
    if (strcmp(got, want) != 0) {
        rc = ks_fail(e, KS_EINPUT, "%s: checksum mismatch (want sha256 %.12s..., got %.12s...)",
                     url, want, got);
        goto done;
    }
    if (fchmod(fd, 0755) < 0 || fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        rc = ks_fail(e, KS_EGENERIC, "write %s: %s", tmp, strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(tmp, final) < 0) {
        rc = ks_fail(e, KS_EGENERIC, "rename %s: %s", final, strerror(errno));
        goto done;
    }
    free(tmp);
    tmp = NULL;
found:
    *out_path = final;
    final = NULL;
done:
    if (fd >= 0)
        close(fd);
    if (tmp)
        unlink(tmp);
    if (lockfd >= 0)
        close(lockfd); /* releases the lock */
    strbuf_release(&sumtext);
    free(tmp);
    free(url);
    free(sumurl);
    free(final);
    free(lockp);
    return rc;
}
