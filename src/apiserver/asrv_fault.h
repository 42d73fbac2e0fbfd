/*
 * asrv_fault.h: fault injection for tests and benchmarks: the first N
 * PATCHes answered 409, a method and path pattern answered with a status N
 * times, a fixed latency, a connection dropped mid-reply, a reply that never
 * comes. Rules come from the command line or POST /_kubeshim/faults.
 */
#ifndef ASRV_FAULT_H
#define ASRV_FAULT_H

#include "base/ks.h"

#include <jansson.h>
#include <pthread.h>
#include <regex.h>
#include <stdbool.h>

enum asrv_fault_action { ASRV_FAULT_STATUS = 0, ASRV_FAULT_DROP, ASRV_FAULT_HANG };

struct asrv_fault_rule {
    char *method;  /* "PATCH", or "" for any */
    char *pattern; /* POSIX extended regex on the path, or "" for any */
    regex_t re;
    int action;        /* enum asrv_fault_action */
    int status;        /* ASRV_FAULT_STATUS: the HTTP status */
    int times;         /* how many requests it answers; <0 without limit */
    int hits;          /* how many it has answered */
    char *message;     /* Status message, or NULL for the standard one */
    char *reason;      /* Status reason, or NULL for the standard one */
    bool skip_dry_run; /* leave dryRun=All requests alone */
};

struct asrv_faults {
    pthread_mutex_t mu;
    struct asrv_fault_rule *rules;
    size_t n;
    int latency_ms;
};

/* What a request drew. */
struct asrv_fault_hit {
    int action, status;
    char *message, *reason; /* owned copies or NULL */
};

void asrv_fault_init(struct asrv_faults *f);
void asrv_fault_release(struct asrv_faults *f);

/*
 * Add a rule from a command-line spec "METHOD PATH_REGEX STATUS[xTIMES]"
 * (STATUS may be "drop" or "hang"; METHOD or PATH_REGEX "*" for any).
 * Errors: KS_EUSAGE naming the bad part.
 */
int asrv_fault_add_spec(struct asrv_faults *f, const char *spec, struct ks_err *e);
/* The first n non-dry-run PATCHes get 409 Conflict. */
void asrv_fault_add_conflicts(struct asrv_faults *f, int n);

/*
 * Replace every rule from a JSON document:
 * {"latencyMs": N, "conflicts": N, "rules": [{"method", "path", "status" | "action":
 *  "drop"|"hang", "times", "message", "reason", "skipDryRun"}]}.
 * Errors: KS_EINPUT naming the bad member.
 */
int asrv_fault_load(struct asrv_faults *f, const json_t *doc, struct ks_err *e);

/* The rules with their hit counts. Ownership: a new object. */
json_t *asrv_fault_dump(struct asrv_faults *f);

/* Draw a rule for this request; false when none applies. Release hit with asrv_fault_hit_release.
 */
bool asrv_fault_take(struct asrv_faults *f, const char *method, const char *path, bool dry_run,
                     struct asrv_fault_hit *hit);
void asrv_fault_hit_release(struct asrv_fault_hit *hit);

int asrv_fault_latency(struct asrv_faults *f);

#endif
