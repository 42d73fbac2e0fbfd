/*
 * kgoerr.c: a curl transport failure in the words of Go's net/http, as
 * kubectl prints them: "Get \"URL\": dial tcp H:P: connect: connection refused",
 * "... context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
 * "tls: failed to verify certificate: x509: certificate signed by unknown authority".
 * PARITY: net/url.Error, net.OpError, crypto/tls and crypto/x509 error texts.
 */
#include "http/kgoerr.h"

#include "http/kcurl.h"
#include <stdio.h>
#include <string.h>

/* Go's url.Error operation: "Get", "Post", "Patch", ... */
static void kgoerr_op(char *dst, size_t n, const char *method)
{
    size_t i = 0;
    for (; method[i] && i + 1 < n; i++)
        dst[i] = (char)(i == 0                                   ? method[i]
                        : (method[i] >= 'A' && method[i] <= 'Z') ? method[i] + 32
                                                                 : method[i]);
    dst[i] = '\0';
}

void kgoerr_transport(struct ks_err *e, const char *method, const char *url, const char *server,
                      int curl_code, const char *errbuf)
{
    char op[16];
    const char *why;
    char hostport[256] = "";
    const char *p = strstr(server, "://");
    if (p)
        snprintf(hostport, sizeof(hostport), "%.*s", (int)strcspn(p + 3, "/"), p + 3);
    kgoerr_op(op, sizeof(op), method);
    CURLcode cc = (CURLcode)curl_code;
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
        ks_fail(e, KS_EHTTP, "%s \"%s\": dial tcp %s: connect: connection refused", op, url,
                hostport);
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
        ks_fail(e, KS_EHTTP, "%s \"%s\": dial tcp: lookup %s: no such host", op, url, hostport);
        return;
    case CURLE_OPERATION_TIMEDOUT:
        why = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        why = strstr(errbuf, "match") || strstr(errbuf, "subject")
                  ? "tls: failed to verify certificate: x509: certificate is not valid for the "
                    "requested host"
                  : "tls: failed to verify certificate: x509: certificate signed by unknown "
                    "authority";
        break;
    case CURLE_SSL_CONNECT_ERROR:
        why = "remote error: tls: handshake failure";
        break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        /* the server refused our (missing) client certificate during the handshake */
        if (strstr(errbuf, "alert certificate required"))
            why = "remote error: tls: certificate required";
        else if (strstr(errbuf, "alert bad certificate") || strstr(errbuf, "alert unknown ca"))
            why = "remote error: tls: bad certificate";
        else
            why = "EOF";
        break;
    default:
        why = errbuf[0] ? errbuf : curl_easy_strerror(cc);
    }
    ks_fail(e, KS_EHTTP, "%s \"%s\": %s", op, url, why);
}
