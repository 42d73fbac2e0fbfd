/*
 * apply.h: the machinery shared by `apply` and `diff`: one session per
 * command (connection, client, discovery, patch metadata) and one record per
 * object, driven as a small state machine over the asynchronous client.
 */
#ifndef APPLY_H
#define APPLY_H

#include "base/ks.h"
#include "base/manifest.h"
#include "base/strbuf.h"
#include "cmd/cliopt.h"
#include "http/kclient.h"
#include "http/kdisc.h"
#include "http/kflags.h"
#include "http/kopenapi.h"
#include "http/krest.h"
#include "http/kubeconfig.h"
#include "patch/pmeta.h"
#include "patch/pmeta_openapi.h"

#include <jansson.h>
#include <stdbool.h>

enum apply_dry { APPLY_DRY_NONE = 0, APPLY_DRY_CLIENT, APPLY_DRY_SERVER };

/* Flags of apply and diff (one struct: diff uses a subset). */
struct apply_opts {
    struct cliopt_list files;
    bool recursive;
    char *kustomize;
    char *dry_run; /* as given; resolved into dry */
    enum apply_dry dry;
    char *output;
    bool server_side;
    bool force_conflicts;
    char *field_manager;
    bool field_manager_set;
    bool overwrite;
    char *validate; /* as given; resolved into field_validation */
    const char *field_validation;
    bool openapi_patch;
    bool prune;
    char *selector;
    bool all;
    struct cliopt_list prune_allowlist;
    bool force;
    long grace_period;
    char *timeout;
    char *cascade;
    long concurrency;
    bool show_managed_fields;
    bool is_diff;
    char *convert;   /* --convert: auto (default) or never */
    bool no_convert; /* --convert=never: removed apiVersions fail as in kubectl */
};

/* Patch metadata of one group-version-kind, resolved once per session. */
struct apply_meta {
    char *gvk;                         /* "group/version/Kind" key */
    bool smp;                          /* strategic merge patch; false: JSON merge patch */
    const struct pmeta_type *schema;   /* first choice: the server's OpenAPI v3, else embedded */
    const struct pmeta_type *fallback; /* the embedded table when schema is the server's, or NULL */
};

struct apply_session {
    struct apply_opts *o;
    struct kflags flags;
    struct kconn conn;
    struct kclient *client;
    struct kdisc *disc;
    struct kopenapi *openapi;
    struct pmeta_openapi **sets; /* OpenAPI v3 documents turned into metadata, owned */
    char **set_keys;             /* their group-version keys ("apis/apps/v1") */
    size_t nsets;
    struct apply_meta **metas; /* each allocated alone: objects point at them */
    size_t nmetas;
    char **fv_known; /* GVKs whose OpenAPI v3 PATCH operation was found */
    size_t nfv_known;
    bool crds_listed; /* kubectl's field-validation check listed the CRDs */
    FILE *out;        /* stdout */
    FILE *err;        /* stderr */
    /* the run: objects in input order, at most limit in flight */
    struct aobj *objs;
    size_t n, next, active, limit, flushed;
    void (*start)(struct aobj *a); /* the command's first step for one object */
    bool keep_results;  /* -o json|yaml and diff need each object's result after it is done */
    bool stop_on_error; /* diff: the first failed object stops the run, as kubectl's visitor */
    bool stopped;
    void (*finished)(struct aobj *a); /* called for each object that succeeded, or NULL */
    void *ctx;                        /* the command's own state */
};

/* The state of one object. */
struct aobj {
    size_t index;
    const struct manifest_obj *src;
    json_t *obj;              /* the manifest object, namespace defaulted (owned) */
    char *parked;             /* or, while it waits or after it is done, its JSON text */
    struct kdisc_mapping map; /* its strings point into owned_map */
    char *owned_map[4];       /* copies of group, version, kind, resource */
    bool mapped;
    char *ns;         /* effective namespace, NULL when cluster-scoped */
    const char *name; /* borrowed from obj, or owned_name once parked */
    char *owned_name;
    const struct apply_meta *meta;
    int patches; /* PATCH requests sent so far (409 retries) */
    int diff_attempts;
    bool ns_looked_up;         /* diff: the namespace GET after a 404 was sent */
    char *patch_body;          /* the last patch sent */
    json_t *live;              /* the last live object read (owned) */
    json_t *result;            /* what the server returned, for -o json|yaml and diff */
    char *op;                  /* "created", "configured", "unchanged", ... */
    char *uid;                 /* the applied object's uid (prune skips it) */
    struct cliopt_list errors; /* error lines for this object */
    struct cliopt_list warnings;
    bool done;
    bool failed;
    bool deferred; /* waits for a later phase (Namespaces and CRDs go first) */
    struct apply_session *s;
};

/* Resolve --convert into o->no_convert. Errors: KS_EUSAGE for another value. */
int apply_opts_convert(struct apply_opts *o);

/* Open the session: kubeconfig, client, discovery. Errors: kubectl's texts. */
int apply_session_open(struct apply_session *s, struct apply_opts *o, int argc, char **argv,
                       const char *command, struct ks_err *e);
void apply_session_close(struct apply_session *s);

/*
 * Point a (cleared first) at the manifest object src, index index of s's run:
 * with take, a takes over src's tree (the manifest is not read again); else
 * it holds its own reference to it.
 */
void apply_obj_init(struct aobj *a, struct apply_session *s, size_t index, struct manifest_obj *src,
                    bool take);

/*
 * Map the object, check and default its namespace, and find its patch metadata.
 * Errors: the object's error text (kubectl's wording), KS_EINPUT/KS_ENOTFOUND.
 */
int apply_obj_prepare(struct aobj *a, struct ks_err *e);

/*
 * Park a prepared object: its tree becomes compact JSON text (a fifth of the
 * memory) until apply_obj_unpark() decodes it again. The text is what kubectl
 * itself turns a manifest into, so nothing changes but the memory: 400
 * objects waiting their turn do not hold 400 trees. No-op without a tree.
 */
void apply_obj_park(struct aobj *a);
void apply_obj_unpark(struct aobj *a);

/*
 * Get a ready for the run: apply_obj_prepare(), then park it; a failure is
 * recorded on a as kubectl's "error: ..." line (nothing will be sent for it).
 */
void apply_obj_ready(struct aobj *a);

/*
 * Every object has been prepared: the patch metadata it needs is built, so
 * the OpenAPI documents (megabytes of trees) are let go before the objects
 * go out. No apply_obj_prepare() may follow.
 */
void apply_session_prepared(struct apply_session *s);

/* "deployment.apps/web" (kind lowercased, group omitted for core). Ownership: caller frees. */
char *apply_obj_ref(const struct aobj *a);

/* The two-line "Resource: ..., GroupVersionKind: ...\nName: ..., Namespace: ..." of kubectl. */
char *apply_obj_info(const struct aobj *a);

/* The REST path of the object (name NULL: its collection) with query q. */
char *apply_obj_path(const struct aobj *a, bool collection, const struct krest_query *q);

void apply_obj_release(struct aobj *a);

/*
 * Run every prepared object through s->start, at most s->limit at a time,
 * printing each object's warnings and output line in input order.
 * Errors: only the client's own failure; objects record theirs.
 */
int apply_run(struct apply_session *s, struct ks_err *e);

/* An object is finished: print what can be printed, start the next ones. */
void apply_obj_done(struct aobj *a);

/* Record an error line for a (printed at the end, in input order). */
void apply_obj_error(struct aobj *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * Record kubectl's error for a failed response: the server's Status message
 * wrapped as cmdutil.AddSourceToErr does ("error when <verb> \"<source>\": <msg>"),
 * twice when inner_verb is not NULL (the patcher wraps "patching" first);
 * printed as "Error from server (<Reason>): ..." or, for a transport failure,
 * "error: ...".
 */
void apply_obj_status_error(struct aobj *a, const struct kclient_resp *resp, const char *verb,
                            const char *inner_verb);

/*
 * Queue one request for a, whose completion runs done(c, resp, a); delay_ms
 * postpones it (retry back-off). A refused submission finishes a with an error.
 */
void apply_obj_submit(struct aobj *a, const char *method, const char *path, const char *ctype,
                      const char *body, long delay_ms, kclient_done_fn done);

/* The JSON of a response body, or NULL. Ownership: a new reference. */
json_t *apply_body_json(const struct kclient_resp *resp);

/* Replace a->result by the JSON of resp's body (NULL when there is none). */
void apply_obj_set_result(struct aobj *a, const struct kclient_resp *resp);

/* v as the unstructured encoder writes a request body: compact, sorted, "\n". Caller frees. */
char *apply_body_dump(const json_t *v);

/* Keep the response's Warning headers as lines to print ("Warning: <text>"). */
void apply_obj_warnings(struct aobj *a, const struct kclient_resp *resp);

/* The client-side apply of one object (the default apply). */
void apply_csa_start(struct aobj *a);

/* The server-side apply of one object (--server-side). */
void apply_ssa_start(struct aobj *a);

/* Does obj's metadata.labels satisfy the label selector (NULL or "": everything)? */
bool apply_selector_matches(const char *selector, const json_t *obj);

/* PARITY: the builder's label selector: keep the objects of m that match. */
void apply_manifest_select(struct manifest *m, const char *selector);

/*
 * A pruning candidate: an object listed by the selector in a visited
 * namespace (ns NULL: cluster-scoped), carrying the last-applied annotation,
 * and not among the objects applied (by uid); item has its apiVersion and
 * kind. Return 0, or non-zero with *err set to stop the walk.
 */
typedef int (*apply_prune_fn)(struct apply_session *s, const struct kdisc_mapping *m,
                              const char *ns, json_t *item, void *ctx, char **err);

/*
 * kubectl's pruner walk: the allowlist (--prune-allowlist, else the default
 * one, with its deprecation warning), each namespaced kind in each visited
 * namespace (with flag_ns, the -n namespace counts as visited: apply), then
 * the cluster-scoped kinds; fn gets every candidate.
 * Errors: kubectl's texts in *err (caller frees): "error retrieving
 * RESTMappings to prune: ...", "error pruning namespaced object ...",
 * "error pruning nonNamespaced object ...".
 */
int apply_prune_each(struct apply_session *s, bool flag_ns, apply_prune_fn fn, void *ctx,
                     char **err);

/*
 * PARITY: prune.ParseResources, which kubectl runs before it reads any
 * object: with --prune, every --prune-allowlist entry must be
 * group/version/kind and map. Errors: kubectl's text in *err (caller frees).
 */
int apply_prune_allowlist_check(struct apply_session *s, char **err);

/*
 * --prune after a successful apply: list the allowlisted kinds in the visited
 * namespaces by the selector and delete what carries the last-applied
 * annotation but was not applied now, printing "<ref> pruned" lines to out.
 * Errors: kubectl's text in *err (caller frees).
 */
int apply_prune(struct apply_session *s, FILE *out, char **err);

#endif
