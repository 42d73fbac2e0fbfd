/*
 * test_sha256.c: SHA-256 against the example vectors of FIPS 180-4 / NIST
 * (the empty string, "abc", the 448-bit message, one million 'a'), fed in one
 * piece and in uneven pieces.
 */
#include "base/sha256.h"
#include "ktest.h"

static void hex(char out[65], const unsigned char d[32])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check(const char *msg, size_t len, const char *want)
{
    unsigned char d[32];
    char h[65];
    sha256_digest(d, msg, len);
    hex(h, d);
    KT_CHECK_STR(h, want);
    struct sha256 s;
    sha256_init(&s);
    for (size_t i = 0; i < len; i += 7)
        sha256_update(&s, msg + i, len - i < 7 ? len - i : 7);
    sha256_final(&s, d);
    hex(h, d);
    KT_CHECK_STR(h, want);
}

int main(void)
{
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(m448, strlen(m448), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    size_t n = 1000000;
    char *a = malloc(n);
    memset(a, 'a', n);
    check(a, n, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
    return kt_done();
}
