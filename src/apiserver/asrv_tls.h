/*
 * asrv_tls.h: HTTPS for kubeshim-apiserver (a CA and a server certificate
 * for 127.0.0.1 and localhost, generated at start) and the kubeconfig that
 * points a client at the server.
 */
#ifndef ASRV_TLS_H
#define ASRV_TLS_H

#include "apiserver/asrv_server.h"

/*
 * Generate the CA and server certificate, write ca.crt, server.crt and
 * server.key into dir, and set s->tls. Ownership: *ca_pem gets the CA
 * certificate in PEM (free it).
 * Errors: KS_EINPUT naming a file that cannot be written, KS_EGENERIC for OpenSSL.
 */
int asrv_tls_setup(struct asrv *s, const char *dir, char **ca_pem, struct ks_err *e);

/*
 * Write a kubeconfig for this server to path (ca_pem NULL: plain HTTP).
 * Errors: KS_EINPUT when path cannot be written.
 */
int asrv_tls_kubeconfig(const struct asrv *s, const char *path, const char *ca_pem,
                        struct ks_err *e);

#endif
