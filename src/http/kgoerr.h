/*
 * kgoerr.h: curl transport failures as Go's net/http words them.
 */
#ifndef KGOERR_H
#define KGOERR_H

#include "base/ks.h"

/*
 * Fail e (KS_EHTTP) with "<Op> \"<url>\": <reason>" for curl result curl_code;
 * errbuf is curl's CURLOPT_ERRORBUFFER text, server the connection's URL.
 */
void kgoerr_transport(struct ks_err *e, const char *method, const char *url, const char *server,
                      int curl_code, const char *errbuf);

#endif
