/*
 * klog.h: kubectl's -v trace lines (klog's header, structured key="value"
 * pairs, Go-quoted strings) and net/http's status texts.
 */
#ifndef KLOG_H
#define KLOG_H

#include "base/strbuf.h"

#include <stddef.h>
#include <stdio.h>

/* Append klog's line header: "I1122 03:21:27.848196    8410 file.go:632] ". */
void klog_header(struct strbuf *sb, char severity, const char *file_line);

/* Append s as Go's strconv.Quote would, within double quotes. */
void klog_quote(struct strbuf *sb, const char *s, size_t len);

/*
 * Append ` body=...` as klog prints a body: quoted on one line, or the
 * multi-line "<\n\t...\n >" form when it holds newlines; bodies longer than
 * 1024 bytes are cut with " [truncated N chars]" below -v=9.
 */
void klog_body(struct strbuf *sb, const char *body, size_t len, int verbosity);

/* "OK", "Not Found", ... (Go's http.StatusText); "" when unknown. */
const char *klog_status_text(long code);

/*
 * strbuf_detach() that is NUL-terminated even for a buffer that never held a
 * byte (strbuf_grow() leaves a fresh allocation unterminated).
 * Ownership: caller frees.
 */
char *klog_detach(struct strbuf *sb);

/* Sort the "\tName: value\n" lines of sb (Go prints http.Header sorted by name). */
void klog_sort_headers(struct strbuf *sb);

/*
 * The trace of a request at verbosity v: nothing below 7; "Request" with its
 * headers (hdrs: "\tName: value\n" lines, sorted here) at 7; the "Request Body"
 * line before it at 8 and above.
 */
void klog_request(FILE *fp, int v, const char *method, const char *url, struct strbuf *hdrs,
                  const char *body, size_t len);

/*
 * The trace of a response: the one-line "Response" at 6, with headers at 7,
 * then "Response Body" at 8 and above (status 0: a transport failure).
 */
void klog_response(FILE *fp, int v, const char *method, const char *url, long status,
                   double elapsed_ms, struct strbuf *hdrs, const char *body, size_t len);

/* Write sb to fp in one call and reset it. */
void klog_flush(struct strbuf *sb, FILE *fp);

#endif
