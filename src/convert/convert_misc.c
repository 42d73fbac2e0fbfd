/*
 * convert_misc.c: PodDisruptionBudget (pkg/apis/policy/v1beta1/conversion.go),
 * EndpointSlice (pkg/apis/discovery/v1beta1/conversion.go), the admission
 * webhooks (pkg/apis/admissionregistration/v1beta1/defaults.go), the
 * PriorityLevelConfiguration shares (pkg/apis/flowcontrol/v1beta*) and
 * CertificateSigningRequest (pkg/apis/certificates/v1beta1/defaults.go).
 */
#include "convert/convert_misc.h"

#include "convert/convert_util.h"

#include <string.h>

#define PDB_V1BETA1_LABEL "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match"

/* The selector's matchExpressions is exactly [{key: PDB_V1BETA1_LABEL, operator: op}]. */
static bool pdb_only_expression(json_t *sel, const char *op)
{
    json_t *exprs = convert_util_arr_get(sel, "matchExpressions");
    if (json_array_size(exprs) != 1 || !convert_util_empty(json_object_get(sel, "matchLabels")))
        return false;
    json_t *x = json_array_get(exprs, 0);
    const char *key = convert_util_str_get(x, "key"), *o = convert_util_str_get(x, "operator");
    return key && o && strcmp(key, PDB_V1BETA1_LABEL) == 0 && strcmp(o, op) == 0 &&
           convert_util_empty(json_object_get(x, "values")) && json_object_size(x) <= 3;
}

/* A selector of one expression on PDB_V1BETA1_LABEL with operator op. */
static json_t *pdb_selector(const char *op)
{
    json_t *x = json_object(), *sel = json_object();
    json_object_set_new(x, "key", json_string(PDB_V1BETA1_LABEL));
    json_object_set_new(x, "operator", json_string(op));
    json_object_set_new(sel, "matchExpressions", json_pack("[o]", x));
    return sel;
}

/* StripPDBV1beta1Label: drop the expressions on the reserved label. */
static void pdb_strip(json_t *sel)
{
    json_t *exprs = convert_util_arr_get(sel, "matchExpressions");
    for (size_t i = json_array_size(exprs); i-- > 0;) {
        const char *key = convert_util_str_get(json_array_get(exprs, i), "key");
        if (key && strcmp(key, PDB_V1BETA1_LABEL) == 0)
            json_array_remove(exprs, i);
    }
    if (exprs && json_array_size(exprs) == 0)
        json_object_del(sel, "matchExpressions");
}

static bool pdb_selector_empty(json_t *sel)
{
    return convert_util_empty(json_object_get(sel, "matchLabels")) &&
           convert_util_empty(json_object_get(sel, "matchExpressions"));
}

int convert_misc_pdb_down(json_t *obj, struct ks_err *e)
{
    (void)e;
    json_t *spec = convert_util_obj_get(obj, "spec");
    /* unhealthyPodEvictionPolicy came in 1.26 (KEP-3017), after the last server that served
     * policy/v1beta1 (1.24), which would not know it */
    json_object_del(spec, "unhealthyPodEvictionPolicy");
    json_t *sel = convert_util_obj_get(spec, "selector");
    if (!sel)
        return 0;
    /* PARITY: Convert_v1_PodDisruptionBudget_To_policy_PodDisruptionBudget keeps the two
     * special selectors and strips the label otherwise; then
     * Convert_policy_PodDisruptionBudget_To_v1beta1_PodDisruptionBudget spells v1's match-none
     * as v1beta1's {} and v1's {} (all pods) as the DoesNotExist expression */
    if (pdb_only_expression(sel, "Exists"))
        json_object_set_new(spec, "selector", json_object());
    else if (pdb_selector_empty(sel))
        json_object_set_new(spec, "selector", pdb_selector("DoesNotExist"));
    else if (!pdb_only_expression(sel, "DoesNotExist"))
        pdb_strip(sel);
    return 0;
}

int convert_misc_pdb_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    json_t *spec = convert_util_obj_get(obj, "spec");
    json_t *sel = convert_util_obj_get(spec, "selector");
    if (!sel)
        return 0;
    /* PARITY: Convert_v1beta1_PodDisruptionBudget_To_policy_PodDisruptionBudget (Semantic
     * DeepEqual: nil and empty lists and maps are equal) */
    if (pdb_selector_empty(sel)) {
        /* v1beta1's empty selector matches no pods; v1 says so with an Exists expression */
        json_object_set_new(spec, "selector", pdb_selector("Exists"));
        return 0;
    }
    if (pdb_only_expression(sel, "DoesNotExist")) {
        json_object_set_new(spec, "selector", json_object()); /* v1's match-all */
        return 0;
    }
    pdb_strip(sel);
    return 0;
}

int convert_misc_endpointslice_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    json_t *eps = convert_util_arr_get(obj, "endpoints");
    for (size_t i = 0; i < json_array_size(eps); i++) {
        json_t *ep = json_array_get(eps, i);
        json_t *topo = convert_util_obj_get(ep, "topology");
        if (!topo) {
            json_object_del(ep, "topology");
            continue;
        }
        /* PARITY: Convert_v1beta1_Endpoint_To_discovery_Endpoint: the zone label becomes
         * zone; the hostname label goes only when it equals nodeName; the rest stays in
         * deprecatedTopology, dropped when empty */
        json_t *dep = json_deep_copy(topo);
        json_t *zone = json_object_get(dep, "topology.kubernetes.io/zone");
        if (json_is_string(zone)) {
            json_object_set(ep, "zone", zone);
            json_object_del(dep, "topology.kubernetes.io/zone");
        }
        const char *host = convert_util_str_get(dep, "kubernetes.io/hostname");
        const char *node = convert_util_str_get(ep, "nodeName");
        if (host && node && strcmp(host, node) == 0)
            json_object_del(dep, "kubernetes.io/hostname");
        json_object_del(ep, "topology");
        if (json_object_size(dep))
            json_object_set(ep, "deprecatedTopology", dep);
        json_decref(dep);
    }
    return 0;
}

int convert_misc_webhooks_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    json_t *hooks = convert_util_arr_get(obj, "webhooks");
    for (size_t i = 0; i < json_array_size(hooks); i++) {
        json_t *w = json_array_get(hooks, i);
        if (!json_is_object(w))
            continue;
        /* PARITY: v1beta1 SetDefaults_{Validating,Mutating}Webhook, where v1 differs (Fail,
         * Equivalent, 10s) or requires the field (sideEffects, admissionReviewVersions).
         * namespaceSelector, objectSelector, reinvocationPolicy, rules[].scope and the
         * service port default alike in v1. v1 refuses sideEffects Unknown/Some on create,
         * as the server would tell. */
        convert_util_default_new(w, "failurePolicy", json_string("Ignore"));
        convert_util_default_new(w, "matchPolicy", json_string("Exact"));
        convert_util_default_new(w, "sideEffects", json_string("Unknown"));
        convert_util_default_new(w, "timeoutSeconds", json_integer(30));
        if (convert_util_empty(json_object_get(w, "admissionReviewVersions")))
            json_object_set_new(w, "admissionReviewVersions", json_pack("[s]", "v1beta1"));
    }
    return 0;
}

#define PLC_PRESERVE_ZERO "flowcontrol.k8s.io/v1beta3-preserve-zero-concurrency-shares"

/*
 * The beta versions' shares are an int32 where 0 means "default 30"
 * (SetDefaults_LimitedPriorityLevelConfiguration); v1's is a pointer, nil
 * defaulting to 30 and 0 meaning 0. So 0 or unset becomes unset, unless
 * keep_zero.
 */
static void plc_shares(json_t *obj, const char *key, bool keep_zero)
{
    json_t *limited = convert_util_path(obj, "spec", "limited", NULL);
    if (!limited)
        return;
    json_t *v = json_object_get(limited, key);
    json_incref(v);
    json_object_del(limited, key);
    if (v && !json_is_null(v) && (!convert_util_empty(v) || keep_zero))
        json_object_set(limited, "nominalConcurrencyShares", v);
    json_decref(v);
}

int convert_misc_plc_v1beta2_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: v1beta1/v1beta2 conversion.go: AssuredConcurrencyShares was renamed
     * NominalConcurrencyShares (Convert_v1beta2_LimitedPriorityLevelConfiguration_To_...) */
    plc_shares(obj, "assuredConcurrencyShares", false);
    return 0;
}

int convert_misc_plc_v1beta3_up(json_t *obj, struct ks_err *e)
{
    (void)e;
    /* PARITY: v1beta3 SetDefaults_PriorityLevelConfiguration defaults a zero only without the
     * round-trip annotation, which the conversion to internal drops (and v1 forbids) */
    json_t *meta = convert_util_obj_get(obj, "metadata");
    json_t *ann = convert_util_obj_get(meta, "annotations");
    bool keep_zero = ann && json_object_get(ann, PLC_PRESERVE_ZERO);
    plc_shares(obj, "nominalConcurrencyShares", keep_zero);
    if (ann) {
        json_object_del(ann, PLC_PRESERVE_ZERO);
        if (json_object_size(ann) == 0)
            json_object_del(meta, "annotations");
    }
    return 0;
}

int convert_misc_csr_up(json_t *obj, struct ks_err *e)
{
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    /* NEEDSWORK: v1beta1 defaulted signerName by parsing the PEM request
     * (DefaultSignerNameFromSpec: kubelet client/serving or kubernetes.io/legacy-unknown,
     * which v1 refuses); without it, ask for the field */
    if (convert_util_empty(json_object_get(spec, "signerName")))
        return ks_fail(e, KS_EINVALID,
                       "spec.signerName: required in certificates.k8s.io/v1 (v1beta1 guessed "
                       "it from the request); set it, e.g. kubernetes.io/kube-apiserver-client");
    /* PARITY: SetDefaults_CertificateSigningRequestSpec: usages; v1 requires them */
    if (convert_util_empty(json_object_get(spec, "usages")))
        json_object_set_new(spec, "usages",
                            json_pack("[ss]", "digital signature", "key encipherment"));
    /* PARITY: SetDefaults_CertificateSigningRequestCondition: status True */
    json_t *conds = convert_util_arr_get(convert_util_obj_get(obj, "status"), "conditions");
    for (size_t i = 0; i < json_array_size(conds); i++)
        if (convert_util_empty(json_object_get(json_array_get(conds, i), "status")))
            json_object_set_new(json_array_get(conds, i), "status", json_string("True"));
    return 0;
}
