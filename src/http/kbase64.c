/*
 * kbase64.c: base64 for kubeconfig data fields and basic auth.
 * PARITY: Go's base64.StdEncoding (padding required; '\r' and '\n' ignored).
 */
#include "http/kbase64.h"

#include "base/ks.h"

#include <stdlib.h>
#include <string.h>

static const char kbase64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int kbase64_value(char c)
{
    const char *p = c ? strchr(kbase64_alphabet, c) : NULL;
    return p ? (int)(p - kbase64_alphabet) : -1;
}

int kbase64_decode(unsigned char **out, size_t *outlen, const char *s, size_t len)
{
    unsigned char *buf = ks_malloc(len / 4 * 3 + 4);
    size_t n = 0, q = 0, pad = 0;
    unsigned acc = 0;
    *out = NULL;
    *outlen = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            pad++;
            q++;
            acc <<= 6;
            continue;
        }
        int v = kbase64_value(c);
        if (v < 0 || pad)
            goto bad;
        acc = (acc << 6) | (unsigned)v;
        q++;
        if (q == 4) {
            buf[n++] = (unsigned char)(acc >> 16);
            buf[n++] = (unsigned char)(acc >> 8);
            buf[n++] = (unsigned char)acc;
            q = 0;
            acc = 0;
        }
    }
    if (q == 4) {
        buf[n++] = (unsigned char)(acc >> 16);
        buf[n++] = (unsigned char)(acc >> 8);
        buf[n++] = (unsigned char)acc;
        q = 0;
    }
    if (q != 0 || pad > 2 || n < pad)
        goto bad;
    n -= pad;
    buf[n] = '\0';
    *out = buf;
    *outlen = n;
    return 0;
bad:
    free(buf);
    return -1;
}

char *kbase64_encode(const unsigned char *data, size_t len)
{
    char *out = ks_malloc((len + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        out[o++] = kbase64_alphabet[(v >> 18) & 63];
        out[o++] = kbase64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? kbase64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? kbase64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}
