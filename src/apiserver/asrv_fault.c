/*
 * asrv_fault.c: the fault rules, shared by every connection thread under one
 * mutex; each rule counts the requests it has answered (the same model as
 * fakeapi.py's "inject" rules).
 */
#include "apiserver/asrv_fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void asrv_fault_init(struct asrv_faults *f)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->mu, NULL);
}

static void rule_free(struct asrv_fault_rule *r)
{
    free(r->method);
    free(r->pattern);
    free(r->message);
    free(r->reason);
    regfree(&r->re);
}

static void clear_rules(struct asrv_faults *f)
{
    for (size_t i = 0; i < f->n; i++)
        rule_free(&f->rules[i]);
    free(f->rules);
    f->rules = NULL;
    f->n = 0;
}

void asrv_fault_release(struct asrv_faults *f)
{
    clear_rules(f);
    pthread_mutex_destroy(&f->mu);
}

static int rule_add(struct asrv_faults *f, struct asrv_fault_rule *r, struct ks_err *e)
{
    if (regcomp(&r->re, *r->pattern ? r->pattern : ".*", REG_EXTENDED | REG_NOSUB) != 0) {
        int rc = ks_fail(e, KS_EINPUT, "bad path pattern \"%s\"", r->pattern);
        free(r->method);
        free(r->pattern);
        free(r->message);
        free(r->reason);
        return rc;
    }
    f->rules = ks_realloc(f->rules, (f->n + 1) * sizeof(*f->rules));
    f->rules[f->n++] = *r;
    return 0;
}

int asrv_fault_add_spec(struct asrv_faults *f, const char *spec, struct ks_err *e)
{
    char method[32], pattern[512], what[64];
    if (sscanf(spec, "%31s %511s %63s", method, pattern, what) != 3)
        return ks_fail(e, KS_EUSAGE, "--fault \"%s\": want \"METHOD PATH_REGEX STATUS[xN]\"", spec);
    struct asrv_fault_rule r = {0};
    r.times = 1;
    r.skip_dry_run = true;
    char *x = strchr(what, 'x');
    if (x) {
        *x = '\0';
        r.times = atoi(x + 1);
    }
    if (strcmp(what, "drop") == 0) {
        r.action = ASRV_FAULT_DROP;
    } else if (strcmp(what, "hang") == 0) {
        r.action = ASRV_FAULT_HANG;
    } else {
        r.status = atoi(what);
        if (r.status < 100 || r.status > 599)
            return ks_fail(e, KS_EUSAGE, "--fault \"%s\": bad status \"%s\"", spec, what);
    }
    r.method = ks_strdup(strcmp(method, "*") == 0 ? "" : method);
    r.pattern = ks_strdup(strcmp(pattern, "*") == 0 ? "" : pattern);
    pthread_mutex_lock(&f->mu);
    int rc = rule_add(f, &r, e);
    pthread_mutex_unlock(&f->mu);
    return rc < 0 ? ks_fail(e, KS_EUSAGE, "--fault \"%s\": bad path pattern", spec) : 0;
}

static void add_conflicts_locked(struct asrv_faults *f, int n)
{
    struct asrv_fault_rule r = {0};
    r.method = ks_strdup("PATCH");
    r.pattern = ks_strdup("");
    r.status = 409;
    r.times = n;
    r.skip_dry_run = true;
    rule_add(f, &r, NULL);
}

void asrv_fault_add_conflicts(struct asrv_faults *f, int n)
{
    pthread_mutex_lock(&f->mu);
    add_conflicts_locked(f, n);
    pthread_mutex_unlock(&f->mu);
}

static char *opt_str(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? ks_strdup(json_string_value(v)) : NULL;
}

int asrv_fault_load(struct asrv_faults *f, const json_t *doc, struct ks_err *e)
{
    if (!json_is_object(doc))
        return ks_fail(e, KS_EINPUT, "faults: want a JSON object");
    const json_t *rules = json_object_get(doc, "rules");
    if (rules && !json_is_array(rules))
        return ks_fail(e, KS_EINPUT, "faults: \"rules\" must be a list");
    for (size_t i = 0; i < json_array_size(rules); i++) {
        const json_t *r = json_array_get(rules, i);
        const json_t *action = json_object_get(r, "action");
        if (!json_is_object(r) ||
            (!json_is_integer(json_object_get(r, "status")) && !json_is_string(action)))
            return ks_fail(e, KS_EINPUT, "faults: rules[%zu] needs \"status\" or \"action\"", i);
        if (action &&
            (!json_is_string(action) || (strcmp(json_string_value(action), "drop") != 0 &&
                                         strcmp(json_string_value(action), "hang") != 0 &&
                                         strcmp(json_string_value(action), "status") != 0)))
            return ks_fail(e, KS_EINPUT, "faults: rules[%zu].action must be drop, hang or status",
                           i);
    }
    pthread_mutex_lock(&f->mu);
    clear_rules(f);
    f->latency_ms = (int)json_integer_value(json_object_get(doc, "latencyMs"));
    int rc = 0;
    for (size_t i = 0; i < json_array_size(rules) && rc == 0; i++) {
        const json_t *j = json_array_get(rules, i);
        struct asrv_fault_rule r = {0};
        char *m = opt_str(j, "method");
        r.method = m ? m : ks_strdup("");
        for (char *p = r.method; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        char *p = opt_str(j, "path");
        r.pattern = p ? p : ks_strdup("");
        const char *act = json_string_value(json_object_get(j, "action"));
        r.action = act && strcmp(act, "drop") == 0   ? ASRV_FAULT_DROP
                   : act && strcmp(act, "hang") == 0 ? ASRV_FAULT_HANG
                                                     : ASRV_FAULT_STATUS;
        r.status = (int)json_integer_value(json_object_get(j, "status"));
        const json_t *t = json_object_get(j, "times");
        r.times = json_is_integer(t) ? (int)json_integer_value(t) : 1;
        r.message = opt_str(j, "message");
        r.reason = opt_str(j, "reason");
        r.skip_dry_run = !json_is_false(json_object_get(j, "skipDryRun"));
        rc = rule_add(f, &r, e);
    }
    json_int_t conflicts = json_integer_value(json_object_get(doc, "conflicts"));
    if (rc == 0 && conflicts > 0)
        add_conflicts_locked(f, (int)conflicts);
    pthread_mutex_unlock(&f->mu);
    return rc;
}

json_t *asrv_fault_dump(struct asrv_faults *f)
{
    pthread_mutex_lock(&f->mu);
    json_t *rules = json_array();
    for (size_t i = 0; i < f->n; i++) {
        const struct asrv_fault_rule *r = &f->rules[i];
        static const char *const acts[] = {"status", "drop", "hang"};
        json_array_append_new(rules, json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:b}", "method", r->method,
                                               "path", r->pattern, "action", acts[r->action],
                                               "status", r->status, "times", r->times, "hits",
                                               r->hits, "skipDryRun", r->skip_dry_run));
    }
    json_t *doc = json_pack("{s:i,s:o}", "latencyMs", f->latency_ms, "rules", rules);
    pthread_mutex_unlock(&f->mu);
    return doc;
}

bool asrv_fault_take(struct asrv_faults *f, const char *method, const char *path, bool dry_run,
                     struct asrv_fault_hit *hit)
{
    bool found = false;
    memset(hit, 0, sizeof(*hit));
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->n && !found; i++) {
        struct asrv_fault_rule *r = &f->rules[i];
        if (*r->method && strcasecmp(r->method, method) != 0)
            continue;
        if (dry_run && r->skip_dry_run)
            continue;
        if (r->times >= 0 && r->hits >= r->times)
            continue;
        if (regexec(&r->re, path, 0, NULL, 0) != 0)
            continue;
        r->hits++;
        hit->action = r->action;
        hit->status = r->status;
        hit->message = r->message ? ks_strdup(r->message) : NULL;
        hit->reason = r->reason ? ks_strdup(r->reason) : NULL;
        found = true;
    }
    pthread_mutex_unlock(&f->mu);
    return found;
}

void asrv_fault_hit_release(struct asrv_fault_hit *hit)
{
    free(hit->message);
    free(hit->reason);
    memset(hit, 0, sizeof(*hit));
}

int asrv_fault_latency(struct asrv_faults *f)
{
    pthread_mutex_lock(&f->mu);
    int ms = f->latency_ms;
    pthread_mutex_unlock(&f->mu);
    return ms;
}
