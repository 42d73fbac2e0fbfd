/*
 * kbase64.h: standard base64 (RFC 4648, padded) as Go's encoding/base64
 * StdEncoding, for kubeconfig *-data fields and basic-auth headers.
 */
#ifndef KBASE64_H
#define KBASE64_H

#include <stddef.h>

/*
 * Decode len bytes of s. Returns 0, or -1 for malformed input.
 * Ownership: *out (NUL-terminated, *outlen bytes before the NUL) is the caller's to free.
 */
int kbase64_decode(unsigned char **out, size_t *outlen, const char *s, size_t len);

/* Encode; the result is NUL-terminated. Ownership: caller frees. */
char *kbase64_encode(const unsigned char *data, size_t len);

#endif
