/*
 * kcurl.h: libcurl, loaded when the first request is made rather than when
 * the program starts. Loading libcurl and the ~30 libraries it pulls in costs
 * several milliseconds, which every dispatched `kubectl` command would pay
 * although it never makes a request of its own (issue 7's 1.05x goal).
 *
 * Include this header instead of <curl/curl.h>: it maps the curl_* calls the
 * project uses onto a table filled by dlopen("libcurl.so.4") on first use.
 */
#ifndef KCURL_H
#define KCURL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

struct kcurl_api {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
    CURLcode (*easy_perform)(CURL *h);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *h);
    const char *(*easy_strerror)(CURLcode c);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *m, CURLMoption opt, ...);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd fds[], unsigned int n, int ms, int *ret);
    CURLMsg *(*multi_info_read)(CURLM *m, int *left);
    CURLMcode (*multi_cleanup)(CURLM *m);
    const char *(*multi_strerror)(CURLMcode c);
};

/*
 * The loaded library (loaded on the first call). When libcurl cannot be
 * loaded the program stops with one line naming the library and why: it is a
 * dependency of the package, like the C library.
 */
const struct kcurl_api *kcurl(void);

#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#define curl_global_init(...) (kcurl()->global_init(__VA_ARGS__))
#define curl_easy_init(...) (kcurl()->easy_init(__VA_ARGS__))
#define curl_easy_setopt(...) (kcurl()->easy_setopt(__VA_ARGS__))
#define curl_easy_perform(...) (kcurl()->easy_perform(__VA_ARGS__))
#define curl_easy_getinfo(...) (kcurl()->easy_getinfo(__VA_ARGS__))
#define curl_easy_cleanup(...) (kcurl()->easy_cleanup(__VA_ARGS__))
#define curl_easy_strerror(...) (kcurl()->easy_strerror(__VA_ARGS__))
#define curl_slist_append(...) (kcurl()->slist_append(__VA_ARGS__))
#define curl_slist_free_all(...) (kcurl()->slist_free_all(__VA_ARGS__))
#define curl_multi_init(...) (kcurl()->multi_init(__VA_ARGS__))
#define curl_multi_setopt(...) (kcurl()->multi_setopt(__VA_ARGS__))
#define curl_multi_add_handle(...) (kcurl()->multi_add_handle(__VA_ARGS__))
#define curl_multi_remove_handle(...) (kcurl()->multi_remove_handle(__VA_ARGS__))
#define curl_multi_perform(...) (kcurl()->multi_perform(__VA_ARGS__))
#define curl_multi_poll(...) (kcurl()->multi_poll(__VA_ARGS__))
#define curl_multi_info_read(...) (kcurl()->multi_info_read(__VA_ARGS__))
#define curl_multi_cleanup(...) (kcurl()->multi_cleanup(__VA_ARGS__))
#define curl_multi_strerror(...) (kcurl()->multi_strerror(__VA_ARGS__))

#endif
