/*
 * kproxy.h: which proxy a request to a server goes through: the cluster's
 * proxy-url, else HTTPS_PROXY/HTTP_PROXY unless NO_PROXY or loopback.
 */
#ifndef KPROXY_H
#define KPROXY_H

/*
 * The proxy URL for server ("https://host:port"), or NULL for a direct
 * connection. proxy_url is the kubeconfig's (may be NULL).
 * PARITY: Go's http.ProxyFromEnvironment (golang.org/x/net/http/httpproxy):
 * loopback hosts are never proxied by the environment; a proxy-url always is.
 * Ownership: caller frees.
 */
char *kproxy_for(const char *server, const char *proxy_url);

#endif
