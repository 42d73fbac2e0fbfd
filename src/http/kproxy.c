/*
 * kproxy.c: choose the proxy of a connection as Go's net/http does.
 * PARITY: golang.org/x/net/http/httpproxy Config.ProxyFunc (NO_PROXY entries:
 * "*", host, ".domain", "domain" with subdomains, IP, CIDR, host:port).
 */
#include "http/kproxy.h"

#include "base/ks.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *kproxy_env(const char *upper, const char *lower)
{
    const char *v = getenv(upper);
    if (!v || !*v)
        v = getenv(lower);
    return v && *v ? v : NULL;
}

/* Split "scheme://host:port/..." into host (no brackets) and port. */
static void kproxy_host_port(const char *server, char **host, char **port)
{
    const char *p = strstr(server, "://");
    bool https = strncmp(server, "https", 5) == 0;
    p = p ? p + 3 : server;
    const char *end = p + strcspn(p, "/?");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at)
        p = at + 1;
    const char *colon = NULL;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        *host = ks_strndup(p + 1, rb ? (size_t)(rb - p - 1) : (size_t)(end - p - 1));
        colon = rb && rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
        *host = ks_strndup(p, colon ? (size_t)(colon - p) : (size_t)(end - p));
    }
    *port =
        colon ? ks_strndup(colon + 1, (size_t)(end - colon - 1)) : ks_strdup(https ? "443" : "80");
}

static bool kproxy_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (strcasecmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

static bool kproxy_cidr_match(const char *cidr, const char *host)
{
    char net[64];
    const char *slash = strchr(cidr, '/');
    struct in_addr n4, h4;
    if (!slash || (size_t)(slash - cidr) >= sizeof(net))
        return false;
    memcpy(net, cidr, (size_t)(slash - cidr));
    net[slash - cidr] = '\0';
    int bits = atoi(slash + 1);
    if (inet_pton(AF_INET, net, &n4) != 1 || inet_pton(AF_INET, host, &h4) != 1 || bits < 0 ||
        bits > 32)
        return false;
    unsigned long mask = bits == 0 ? 0 : 0xffffffffUL << (32 - bits);
    return (ntohl(n4.s_addr) & mask) == (ntohl(h4.s_addr) & mask);
}

static bool kproxy_no_proxy(const char *host, const char *port)
{
    const char *np = kproxy_env("NO_PROXY", "no_proxy");
    bool match = false;
    if (!np)
        return false;
    char *copy = ks_strdup(np), *save = NULL;
    for (char *t = strtok_r(copy, ", ", &save); t && !match; t = strtok_r(NULL, ", ", &save)) {
        if (strcmp(t, "*") == 0) {
            match = true;
            break;
        }
        if (strchr(t, '/')) {
            match = kproxy_cidr_match(t, host);
            continue;
        }
        char *tport = NULL;
        char *c = strrchr(t, ':');
        if (c && !strchr(t, ']') && strchr(t, ':') == c) {
            *c = '\0';
            tport = c + 1;
        }
        if (tport && strcmp(tport, port) != 0)
            continue;
        const char *name = t[0] == '.' ? t + 1 : t;
        if (strcasecmp(name, host) == 0) {
            match = true;
            continue;
        }
        size_t hl = strlen(host), nl = strlen(name);
        if (hl > nl && strcasecmp(host + hl - nl, name) == 0 && host[hl - nl - 1] == '.')
            match = true;
    }
    free(copy);
    return match;
}

char *kproxy_for(const char *server, const char *proxy_url)
{
    char *host = NULL, *port = NULL, *res = NULL;
    if (proxy_url && *proxy_url)
        return ks_strdup(proxy_url);
    const char *p = strncmp(server, "https://", 8) == 0 ? kproxy_env("HTTPS_PROXY", "https_proxy")
                                                        : kproxy_env("HTTP_PROXY", "http_proxy");
    if (!p)
        return NULL;
    kproxy_host_port(server, &host, &port);
    if (!kproxy_loopback(host) && !kproxy_no_proxy(host, port))
        res = ks_strdup(p);
    free(host);
    free(port);
    return res;
}
