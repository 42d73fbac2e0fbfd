/*
 * applyin.c: reading the inputs of apply and diff.
 * PARITY: cli-runtime resource.Builder FilenameParam: FileExtensions
 * .json/.yaml/.yml for directory walks (lexical order, like filepath.Walk),
 * any name for a file given explicitly, "-" for stdin (source "STDIN"),
 * URLs fetched with GET (source is the URL).
 */
#include "cmd/applyin.h"

#include "base/strbuf.h"
#include "http/klog.h"

#include "http/kcurl.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_fd(struct strbuf *out, int fd)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            return 0;
        strbuf_add(out, buf, (size_t)n);
    }
}

static int read_path(struct strbuf *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int rc = read_fd(out, fileno(f));
    fclose(f);
    return rc;
}

static size_t url_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
    strbuf_add(arg, ptr, size * nmemb);
    return size * nmemb;
}

/* PARITY: cli-runtime readHttpWithRetries: a non-200 answer is an error. */
static int read_url(struct strbuf *out, const char *url, struct ks_err *e)
{
    CURL *h = curl_easy_init();
    if (!h)
        return ks_fail(e, KS_EHTTP, "unable to read URL \"%s\"", url);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, url_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (cc != CURLE_OK)
        return ks_fail(e, KS_EHTTP, "unable to read URL \"%s\", server reported %s", url,
                       curl_easy_strerror(cc));
    if (status != 200)
        return ks_fail(e, KS_EHTTP,
                       "unable to read URL \"%s\", server reported %ld %s, status code=%ld", url,
                       status, klog_status_text(status), status);
    return 0;
}

static bool has_manifest_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot &&
           (strcmp(dot, ".json") == 0 || strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every skipped document's message, then the error that stopped the stream, if any. */
static void load_bytes(struct manifest *m, struct cliopt_list *errs, const struct strbuf *sb,
                       const char *source, bool validate)
{
    struct ks_err e = KS_ERR_INIT;
    struct manifest_opts mo = {NULL, validate};
    size_t before = m->nerrs;
    int rc = manifest_load_opts(m, strbuf_str(sb), sb->len, source, &mo, &e);
    for (size_t i = before; i < m->nerrs; i++)
        cliopt_list_add(errs, m->errs[i]);
    if (rc && (m->nerrs == before || strcmp(e.msg, m->errs[before]) != 0))
        cliopt_list_add(errs, e.msg);
}

static void load_file(struct manifest *m, struct cliopt_list *errs, const char *path, bool validate)
{
    struct strbuf sb = STRBUF_INIT;
    if (read_path(&sb, path) != 0) {
        char *msg = ks_asprintf("open %s: %s", path, strerror(errno));
        cliopt_list_add(errs, msg);
        free(msg);
    } else {
        load_bytes(m, errs, &sb, path, validate);
    }
    strbuf_release(&sb);
}

/* Walk dir in lexical order; descend only when recursive. */
static void load_dir(struct manifest *m, struct cliopt_list *errs, const char *dir, bool recursive,
                     bool validate)
{
    DIR *d = opendir(dir);
    if (!d) {
        char *msg = ks_asprintf("open %s: %s", dir, strerror(errno));
        cliopt_list_add(errs, msg);
        free(msg);
        return;
    }
    struct cliopt_list names = {0};
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            cliopt_list_add(&names, de->d_name);
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof(*names.v), name_cmp);
    for (size_t i = 0; i < names.n; i++) {
        char *p = ks_asprintf("%s/%s", dir, names.v[i]);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (recursive)
                load_dir(m, errs, p, recursive, validate);
        } else if (has_manifest_ext(names.v[i])) {
            load_file(m, errs, p, validate);
        }
        free(p);
    }
    cliopt_list_free(&names);
}

static bool is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/*
 * Render DIR with `kubectl kustomize DIR`, run through this very program so
 * that dispatch chooses the kubectl matching the cluster. Its stderr passes
 * through; a failure is the child's exit status.
 */
static int kustomize(struct strbuf *out, const char *dir, struct ks_err *e)
{
    int fds[2];
    if (pipe(fds) != 0)
        return ks_fail(e, KS_EGENERIC, "pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        char *argv[] = {"kubectl", "kustomize", (char *)dir, NULL};
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return ks_fail(e, KS_EGENERIC, "fork: %s", strerror(errno));
    }
    read_fd(out, fds[0]);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ks_fail(e, KS_EINPUT, "kustomize %s failed", dir);
    return 0;
}

int applyin_load(struct manifest *m, struct cliopt_list *errs, const struct applyin_opts *o,
                 struct ks_err *e)
{
    if (o->kustomize) {
        struct strbuf sb = STRBUF_INIT;
        int rc = kustomize(&sb, o->kustomize, e);
        if (rc == 0)
            load_bytes(m, errs, &sb, o->kustomize, o->validate);
        strbuf_release(&sb);
        return rc;
    }
    if (!o->files || o->files->n == 0)
        return ks_fail(e, KS_EUSAGE, "must specify one of -f and -k");
    /* kubectl checks every path before it reads anything. */
    for (size_t i = 0; i < o->files->n; i++) {
        const char *f = o->files->v[i];
        struct stat st;
        if (strcmp(f, "-") != 0 && !is_url(f) && stat(f, &st) != 0)
            return ks_fail(e, KS_ENOTFOUND, "the path \"%s\" does not exist", f);
    }
    for (size_t i = 0; i < o->files->n; i++) {
        const char *f = o->files->v[i];
        struct strbuf sb = STRBUF_INIT;
        if (strcmp(f, "-") == 0) {
            if (read_fd(&sb, 0) != 0) {
                char *msg = ks_asprintf("read STDIN: %s", strerror(errno));
                cliopt_list_add(errs, msg);
                free(msg);
            } else {
                load_bytes(m, errs, &sb, "STDIN", o->validate);
            }
        } else if (is_url(f)) {
            struct ks_err ue = KS_ERR_INIT;
            if (read_url(&sb, f, &ue) != 0)
                cliopt_list_add(errs, ue.msg);
            else
                load_bytes(m, errs, &sb, f, o->validate);
        } else {
            struct stat st;
            if (stat(f, &st) == 0 && S_ISDIR(st.st_mode))
                load_dir(m, errs, f, o->recursive, o->validate);
            else
                load_file(m, errs, f, o->validate);
        }
        strbuf_release(&sb);
    }
    return 0;
}
