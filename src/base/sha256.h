/*
 * sha256.h: SHA-256 (FIPS 180-4), so that checksums need no cryptographic
 * library loaded at start-up (the dispatcher's start-up cost is the point).
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char buf[64];
    size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[32]);

/* The digest of data[0..len) in one call. */
void sha256_digest(unsigned char out[32], const void *data, size_t len);

#endif
