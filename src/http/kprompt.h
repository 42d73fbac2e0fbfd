/*
 * kprompt.h: kubectl's prompt for basic-auth credentials (conn->prompt_basic).
 */
#ifndef KPROMPT_H
#define KPROMPT_H

#include "base/ks.h"
#include "http/kubeconfig.h"

#include <stdio.h>

/*
 * What kubectl does when conn->prompt_basic is set (the edge calls this before the
 * first request; it is the only function here that reads and writes streams):
 * "Please enter Username: " on out and a line from in, then "Please enter Password: "
 * and a password read from a terminal (echo off). Fills conn->username/password.
 * Errors: KS_EINPUT "EOF" (no line), "error reading input for Password" (in is not a
 * terminal); kubectl prints both after "error: " and exits 1.
 */
int kprompt_basic(struct kconn *conn, FILE *in, FILE *out, struct ks_err *e);

#endif
