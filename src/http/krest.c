/*
 * krest.c: resource paths and query strings.
 * PARITY: client-go rest.Request.URL (the /api or /apis prefix, the
 * namespaces/<ns> segment only for namespaced resources, url.Values.Encode's
 * sorted keys and QueryEscape).
 */
#include "http/krest.h"

#include "base/strbuf.h"
#include "http/klog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *krest_query_escape(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~')
            strbuf_addch(&sb, (char)*p);
        else if (*p == ' ')
            strbuf_addch(&sb, '+');
        else
            strbuf_addf(&sb, "%%%02X", *p);
    }
    return klog_detach(&sb);
}

static void krest_param(struct strbuf *sb, const char *key, const char *value)
{
    if (!value)
        return;
    char *v = krest_query_escape(value);
    strbuf_addf(sb, "%c%s=%s", strchr(strbuf_str(sb), '?') ? '&' : '?', key, v);
    free(v);
}

char *krest_path(const struct kdisc_mapping *m, const char *ns, const char *name,
                 const struct krest_query *q)
{
    struct strbuf sb = STRBUF_INIT;
    char limit[32];
    if (m->group && *m->group)
        strbuf_addf(&sb, "/apis/%s/%s", m->group, m->version);
    else
        strbuf_addf(&sb, "/api/%s", m->version);
    if (m->namespaced && ns && *ns)
        strbuf_addf(&sb, "/namespaces/%s", ns);
    strbuf_addf(&sb, "/%s", m->resource);
    if (name)
        strbuf_addf(&sb, "/%s", name);
    if (q) {
        /* sorted keys, as url.Values.Encode() writes them */
        krest_param(&sb, "continue", q->continue_);
        krest_param(&sb, "dryRun", q->dry_run);
        krest_param(&sb, "fieldManager", q->field_manager);
        krest_param(&sb, "fieldSelector", q->field_selector);
        krest_param(&sb, "fieldValidation", q->field_validation);
        krest_param(&sb, "force", q->force < 0 ? NULL : q->force ? "true" : "false");
        krest_param(&sb, "labelSelector", q->label_selector);
        snprintf(limit, sizeof(limit), "%ld", q->limit);
        krest_param(&sb, "limit", q->limit > 0 ? limit : NULL);
        krest_param(&sb, "resourceVersion", q->resource_version);
    }
    return klog_detach(&sb);
}

char *krest_delete_body(const char *propagation_policy)
{
    if (!propagation_policy)
        return ks_strdup("{}");
    return ks_asprintf("{\"propagationPolicy\":\"%s\"}", propagation_policy);
}
