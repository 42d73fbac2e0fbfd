/*
 * asrv_net.h: the listener and connection threads of kubeshim-apiserver:
 * one thread per connection (keep-alive, optional TLS handshake), a clean
 * stop that wakes every connection, including the ones a fault holds.
 */
#ifndef ASRV_NET_H
#define ASRV_NET_H

#include "apiserver/asrv_server.h"

/* Listen on 127.0.0.1:s->opts.port and set s->port. Errors: KS_EHTTP. */
int asrv_net_listen(struct asrv *s, struct ks_err *e);

/* Accept and serve until asrv_net_stop(); returns once every connection is closed. */
int asrv_net_run(struct asrv *s, struct ks_err *e);

/* Ask the server to stop. Async-signal-safe. */
void asrv_net_stop(struct asrv *s);

#endif
