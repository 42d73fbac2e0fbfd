/*
 * kcurl.c: libcurl loaded on first use (see kcurl.h). The table is filled
 * once; the program is single-threaded where it first calls libcurl.
 */
#include "http/kcurl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

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
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "kubeshim: cannot load libcurl.so.4: %s\n", dlerror());
        exit(1);
    }
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
