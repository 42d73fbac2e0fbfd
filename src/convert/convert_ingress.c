/*
 * convert_ingress.c: Ingress backends. v1beta1 names the service with
 * serviceName/servicePort (an int-or-string); v1 nests it as
 * service.name/service.port.{number,name}, and spec.backend became
 * spec.defaultBackend (kubernetes pkg/apis/networking/v1beta1/conversion.go).
 * pathType, optional in v1beta1, is required in v1.
 */
#include "convert/convert_ingress.h"

#include "convert/convert_util.h"

#include <stdio.h>
#include <string.h>

/* v1beta1 backend -> v1 backend, in place. */
static int backend_up(json_t *b, const char *where, struct ks_err *e)
{
    if (!json_is_object(b))
        return 0;
    json_t *name = json_object_get(b, "serviceName");
    json_t *port = json_object_get(b, "servicePort");
    if (name && !json_is_null(name) && !json_is_string(name))
        return ks_fail(e, KS_EINPUT, "%s.serviceName: expected a string", where);
    if (port && !json_is_null(port) && !json_is_string(port) && !json_is_integer(port))
        return ks_fail(e, KS_EINPUT, "%s.servicePort: expected an integer or a string", where);
    const char *n = json_string_value(name);
    /* PARITY: Convert_v1beta1_IngressBackend_To_networking_IngressBackend: a service when
     * the name is set, the port is a non-zero int, or the port is a string (even "") */
    if ((n && *n) || json_is_string(port) || (json_is_integer(port) && json_integer_value(port))) {
        json_t *svc = json_object(), *p = json_object();
        /* k8s.io/api networking/v1: `name` has no omitempty; `port` is a struct, always written */
        json_object_set_new(svc, "name", json_string(n ? n : ""));
        if (json_is_string(port) && json_string_length(port))
            json_object_set(p, "name", port);
        else if (json_is_integer(port) && json_integer_value(port))
            json_object_set(p, "number", port);
        json_object_set_new(svc, "port", p);
        json_object_set_new(b, "service", svc);
    }
    json_object_del(b, "serviceName");
    json_object_del(b, "servicePort");
    return 0;
}

/* v1 backend -> v1beta1 backend, in place. */
static void backend_down(json_t *b)
{
    json_t *svc = convert_util_obj_get(b, "service");
    if (!svc) {
        json_object_del(b, "service");
        return;
    }
    /* PARITY: Convert_networking_IngressBackend_To_v1beta1_IngressBackend */
    const char *n = convert_util_str_get(svc, "name");
    json_t *port = convert_util_obj_get(svc, "port");
    const char *pname = convert_util_str_get(port, "name");
    json_t *num = json_object_get(port, "number");
    if (n && *n)
        json_object_set_new(b, "serviceName", json_string(n));
    if (pname && *pname)
        json_object_set_new(b, "servicePort", json_string(pname));
    else
        json_object_set_new(b, "servicePort",
                            json_integer(json_is_integer(num) ? json_integer_value(num) : 0));
    json_object_del(b, "service");
}

/* Every backend under spec.rules[].http.paths[]; up also defaults pathType. */
static int paths_each(json_t *spec, bool up, struct ks_err *e)
{
    json_t *rules = convert_util_arr_get(spec, "rules");
    for (size_t i = 0; i < json_array_size(rules); i++) {
        json_t *paths =
            convert_util_arr_get(convert_util_obj_get(json_array_get(rules, i), "http"), "paths");
        for (size_t j = 0; j < json_array_size(paths); j++) {
            json_t *path = json_array_get(paths, j);
            if (!json_is_object(path))
                continue;
            json_t *b = convert_util_obj_get(path, "backend");
            if (up) {
                char where[96];
                snprintf(where, sizeof(where), "spec.rules[%zu].http.paths[%zu].backend", i, j);
                int rc = backend_up(b, where, e);
                if (rc)
                    return rc;
                /* PARITY: networking/v1beta1 SetDefaults_HTTPIngressPath */
                if (convert_util_empty(json_object_get(path, "pathType")))
                    json_object_set_new(path, "pathType", json_string("ImplementationSpecific"));
            } else {
                backend_down(b);
            }
        }
    }
    return 0;
}

int convert_ingress_up(json_t *obj, struct ks_err *e)
{
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    convert_util_rename(spec, "backend", "defaultBackend");
    int rc = backend_up(convert_util_obj_get(spec, "defaultBackend"), "spec.backend", e);
    return rc ? rc : paths_each(spec, true, e);
}

int convert_ingress_down(json_t *obj, struct ks_err *e)
{
    json_t *spec = convert_util_obj_get(obj, "spec");
    if (!spec)
        return 0;
    convert_util_rename(spec, "defaultBackend", "backend");
    backend_down(convert_util_obj_get(spec, "backend"));
    return paths_each(spec, false, e);
}
