/*
 * klog.c: the trace lines kubectl prints at -v=6 and above.
 * PARITY: k8s.io/klog/v2 text header and structured values (InfoS), and
 * client-go's round_trippers.go / request.go body logging (1024-byte cut at -v=8).
 */
#include "http/klog.h"

#include "base/ks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void klog_header(struct strbuf *sb, char severity, const char *file_line)
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    strbuf_addf(sb, "%c%02d%02d %02d:%02d:%02d.%06ld %7d %s] ", severity, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec, (int)getpid(), file_line);
}

void klog_quote(struct strbuf *sb, const char *s, size_t len)
{
    strbuf_add_goquoted(sb, s, len);
}

void klog_body(struct strbuf *sb, const char *body, size_t len, int verbosity)
{
    size_t cut = len;
    if (verbosity < 9 && len > 1024)
        cut = 1024;
    strbuf_adds(sb, " body=");
    if (memchr(body, '\n', cut)) {
        strbuf_adds(sb, "<\n\t");
        for (size_t i = 0; i < cut; i++) {
            strbuf_addch(sb, body[i]);
            if (body[i] == '\n' && i + 1 < cut)
                strbuf_addch(sb, '\t');
        }
        if (cut < len)
            strbuf_addf(sb, " [truncated %zu chars]", len - cut);
        if (sb->len && sb->buf[sb->len - 1] != '\n')
            strbuf_addch(sb, '\n');
        strbuf_adds(sb, " >");
        return;
    }
    if (cut < len) {
        struct strbuf tmp = STRBUF_INIT;
        strbuf_add(&tmp, body, cut);
        strbuf_addf(&tmp, " [truncated %zu chars]", len - cut);
        klog_quote(sb, tmp.buf, tmp.len);
        strbuf_release(&tmp);
        return;
    }
    klog_quote(sb, body, len);
}

const char *klog_status_text(long code)
{
    static const struct {
        long code;
        const char *text;
    } t[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {203, "Non-Authoritative Information"},
        {204, "No Content"},
        {206, "Partial Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {304, "Not Modified"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Request Entity Too Large"},
        {415, "Unsupported Media Type"},
        {422, "Unprocessable Entity"},
        {429, "Too Many Requests"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].code == code)
            return t[i].text;
    return "";
}

void klog_flush(struct strbuf *sb, FILE *fp)
{
    if (sb->len) {
        fwrite(sb->buf, 1, sb->len, fp);
        fflush(fp);
    }
    strbuf_reset(sb);
}

char *klog_detach(struct strbuf *sb)
{
    strbuf_add(sb, "", 0);
    return strbuf_detach(sb, NULL);
}

/* Sort the "\tName: value\n" lines of sb (Go prints http.Header sorted by name). */
void klog_sort_headers(struct strbuf *sb)
{
    size_t n = 0, cap = 16;
    char **lines = ks_malloc(cap * sizeof(char *));
    char *s = klog_detach(sb), *save = NULL;
    for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (n == cap)
            lines = ks_realloc(lines, (cap *= 2) * sizeof(char *));
        lines[n++] = l;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        strbuf_addf(sb, "%s\n", lines[i]);
    free(lines);
    free(s);
}

void klog_request(FILE *fp, int v, const char *method, const char *url, struct strbuf *hdrs,
                  const char *body, size_t len)
{
    struct strbuf sb = STRBUF_INIT;
    if (v < 7)
        return;
    if (v >= 8) {
        klog_header(&sb, 'I', "request.go:1212");
        strbuf_adds(&sb, "\"Request Body\"");
        klog_body(&sb, body ? body : "", body ? len : 0, v);
        strbuf_addch(&sb, '\n');
    }
    klog_header(&sb, 'I', "round_trippers.go:527");
    strbuf_addf(&sb, "\"Request\" verb=\"%s\" url=", method);
    klog_quote(&sb, url, strlen(url));
    klog_sort_headers(hdrs);
    strbuf_addf(&sb, " headers=<\n%s >\n", strbuf_str(hdrs));
    klog_flush(&sb, fp);
    strbuf_release(&sb);
}

void klog_response(FILE *fp, int v, const char *method, const char *url, long status,
                   double elapsed_ms, struct strbuf *hdrs, const char *body, size_t len)
{
    struct strbuf sb = STRBUF_INIT;
    long ms = (long)(elapsed_ms + 0.5);
    if (v < 6)
        return;
    klog_header(&sb, 'I', "round_trippers.go:632");
    if (v < 7) {
        strbuf_addf(&sb, "\"Response\" verb=\"%s\" url=", method);
        klog_quote(&sb, url, strlen(url));
        if (status)
            strbuf_addf(&sb, " status=\"%ld %s\" milliseconds=%ld\n", status,
                        klog_status_text(status), ms);
        else
            strbuf_addf(&sb, " status=\"\" milliseconds=%ld\n", ms);
    } else {
        klog_sort_headers(hdrs);
        if (status)
            strbuf_addf(&sb, "\"Response\" status=\"%ld %s\" headers=<\n%s > milliseconds=%ld\n",
                        status, klog_status_text(status), strbuf_str(hdrs), ms);
        else
            strbuf_addf(&sb, "\"Response\" status=\"\" milliseconds=%ld\n", ms);
    }
    if (v >= 8 && status) {
        klog_header(&sb, 'I', "request.go:1212");
        strbuf_adds(&sb, "\"Response Body\"");
        klog_body(&sb, body ? body : "", body ? len : 0, v);
        strbuf_addch(&sb, '\n');
    }
    klog_flush(&sb, fp);
    strbuf_release(&sb);
}
