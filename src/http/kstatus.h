/*
 * kstatus.h: turn an API server's reply (a metav1.Status or any non-2xx
 * response) into kubectl's error text and a ks error code.
 *
 * PARITY: k8s.io/apimachinery/pkg/api/errors (FromObject, newUnexpectedResponseError)
 * and kubectl's cmdutil.StandardErrorMessage / checkErr.
 */
#ifndef KSTATUS_H
#define KSTATUS_H

#include "base/ks.h"
#include "http/kclient.h"

#include <jansson.h>

struct kstatus {
    long code;     /* Status.code, else the HTTP status */
    char *reason;  /* "NotFound", "Conflict", "Invalid", "AlreadyExists", ... (never NULL) */
    char *message; /* the server's message (never NULL) */
    json_t *obj;   /* the Status object when the body was one (owned), else NULL */
};

/*
 * Fill st from a non-2xx response (a transport failure gives reason "" and
 * resp->err.msg as the message). A body that is not a Status gets the
 * message client-go would invent ("the server could not find the requested
 * resource", "an error on the server (\"...\") has prevented the request from succeeding", ...).
 * Ownership: release st with kstatus_release().
 */
void kstatus_from_resp(struct kstatus *st, const struct kclient_resp *resp);

/*
 * The line(s) kubectl's checkErr prints for the error, without the final newline:
 *   "Error from server (NotFound): deployments.apps \"web\" not found",
 *   "error: You must be logged in to the server (Unauthorized)",
 *   "The Deployment \"web\" is invalid: spec.x: Invalid value: ..." (one cause) or
 *   "The Deployment \"web\" is invalid: \n* a: ...\n* b: ..." (several),
 *   "The connection to the server h:p was refused - did you specify the right host or port?",
 *   "Unable to connect to the server: <reason>" (other transport failures).
 * Ownership: the caller frees the result.
 */
char *kstatus_text(const struct kstatus *st);

/* KS_ENOTFOUND (404), KS_ECONFLICT (409), KS_EINVALID (422), else KS_EHTTP. */
int kstatus_code(const struct kstatus *st);

/*
 * Convenience: fail e with kstatus_code() and kstatus_text() for resp.
 * Returns the code.
 */
int kstatus_fail(struct ks_err *e, const struct kclient_resp *resp);

void kstatus_release(struct kstatus *st);

#endif
