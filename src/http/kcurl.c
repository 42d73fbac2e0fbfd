/*
 * kcurl.c: libcurl loaded on first use (see kcurl.h). The table is filled
 * once; the program is single-threaded where it first calls libcurl.
 */
#include "http/kcurl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | _LOAD_CONFIG | _NO_LOAD_SSL_STRINGS (opensslv 3) */
#define KCURL_OPENSSL_INIT_FLAGS (0x00000001ULL | 0x00000040ULL | 0x00100000ULL)

static struct kcurl_api api;
static int loaded;

static void *sym(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "kubeshim: libcurl.so.4 lacks %s\n", name);
        exit(1);
    }
    return p;
}

const struct kcurl_api *kcurl(void)
{
    if (loaded)
        return &api;
    /*
     * libcurl pulls in GnuTLS (through librtmp and libldap), whose constructor
     * initialises it, loading p11-kit's modules: ~0.7 MB that nothing here
     * uses, since curl speaks TLS through OpenSSL. GnuTLS's documented switch
     * skips that; it is set only around the load, so the kubectl and diff
     * programs we run do not inherit it.
     */
    bool set_gnutls = !getenv("GNUTLS_NO_IMPLICIT_INIT");
    if (set_gnutls)
        setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 1);
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (set_gnutls)
        unsetenv("GNUTLS_NO_IMPLICIT_INIT");
    if (!lib) {
        fprintf(stderr, "kubeshim: cannot load libcurl.so.4: %s\n", dlerror());
        exit(1);
    }
    /*
     * OpenSSL loads the text of all its error codes into a hash table on
     * first initialisation (~0.5 MB). Our messages are kubectl's, built from
     * curl's result codes and X.509 verify results, never from those texts,
     * so OpenSSL is initialised first without them (curl's own later
     * initialisation then finds that step done).
     */
    void *ssl = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    int (*ssl_init)(uint64_t, const void *) = NULL;
    if (ssl)
        *(void **)(&ssl_init) = dlsym(ssl, "OPENSSL_init_ssl");
    if (ssl_init)
        ssl_init(KCURL_OPENSSL_INIT_FLAGS, NULL);
        /* POSIX allows converting dlsym's void * to a function pointer this way. */
#define KCURL_SYM(field, name) *(void **)(&api.field) = sym(lib, name)
    KCURL_SYM(global_init, "curl_global_init");
    KCURL_SYM(easy_init, "curl_easy_init");
    KCURL_SYM(easy_setopt, "curl_easy_setopt");
    KCURL_SYM(easy_perform, "curl_easy_perform");
    KCURL_SYM(easy_getinfo, "curl_easy_getinfo");
    KCURL_SYM(easy_cleanup, "curl_easy_cleanup");
    KCURL_SYM(easy_strerror, "curl_easy_strerror");
    KCURL_SYM(slist_append, "curl_slist_append");
    KCURL_SYM(slist_free_all, "curl_slist_free_all");
    KCURL_SYM(multi_init, "curl_multi_init");
    KCURL_SYM(multi_setopt, "curl_multi_setopt");
    KCURL_SYM(multi_add_handle, "curl_multi_add_handle");
    KCURL_SYM(multi_remove_handle, "curl_multi_remove_handle");
    KCURL_SYM(multi_perform, "curl_multi_perform");
    KCURL_SYM(multi_poll, "curl_multi_poll");
    KCURL_SYM(multi_info_read, "curl_multi_info_read");
    KCURL_SYM(multi_cleanup, "curl_multi_cleanup");
    KCURL_SYM(multi_strerror, "curl_multi_strerror");
#undef KCURL_SYM
    loaded = 1;
    return &api;
}
