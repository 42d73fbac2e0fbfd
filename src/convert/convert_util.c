/*
 * convert_util.c: field helpers for the conversion rules. They model Go's
 * decoding of a versioned object: an absent or null field is a nil pointer
 * (the state defaulting fills), and omitempty drops empty values.
 */
#include "convert/convert_util.h"

#include <stdarg.h>

json_t *convert_util_obj_get(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_object(v) ? v : NULL;
}

json_t *convert_util_arr_get(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_array(v) ? v : NULL;
}

const char *convert_util_str_get(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *convert_util_obj_ensure(json_t *obj, const char *key)
{
    if (!json_is_object(obj))
        return NULL;
    json_t *v = json_object_get(obj, key);
    if (v && !json_is_null(v))
        return json_is_object(v) ? v : NULL;
    v = json_object();
    json_object_set_new(obj, key, v);
    return v;
}

bool convert_util_unset(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return !v || json_is_null(v);
}

void convert_util_default_new(json_t *obj, const char *key, json_t *v)
{
    if (json_is_object(obj) && convert_util_unset(obj, key))
        json_object_set_new(obj, key, v);
    else
        json_decref(v);
}

bool convert_util_empty(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_NULL:
        return true;
    case JSON_STRING:
        return json_string_length(v) == 0;
    case JSON_INTEGER:
        return json_integer_value(v) == 0;
    case JSON_REAL:
        return json_real_value(v) == 0;
    case JSON_FALSE:
        return true;
    case JSON_TRUE:
        return false;
    case JSON_ARRAY:
        return json_array_size(v) == 0;
    case JSON_OBJECT:
        return json_object_size(v) == 0;
    }
    return false;
}

void convert_util_rename(json_t *obj, const char *from, const char *to)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, from) : NULL;
    if (!v)
        return;
    json_incref(v);
    json_object_del(obj, from);
    json_object_set_new(obj, to, v);
}

json_t *convert_util_path(const json_t *obj, ...)
{
    va_list ap;
    va_start(ap, obj);
    json_t *cur = (json_t *)obj;
    for (const char *k = va_arg(ap, const char *); k && cur; k = va_arg(ap, const char *))
        cur = convert_util_obj_get(cur, k);
    va_end(ap);
    return json_is_object(cur) ? cur : NULL;
}

void convert_util_selector_from_template(json_t *obj)
{
    json_t *spec = convert_util_obj_get(obj, "spec");
    json_t *labels =
        convert_util_obj_get(convert_util_path(spec, "template", "metadata", NULL), "labels");
    if (!labels)
        return;
    if (convert_util_unset(spec, "selector")) {
        json_t *sel = json_object();
        /* PARITY: an empty map is dropped by omitempty, leaving selector {} */
        if (json_object_size(labels))
            json_object_set_new(sel, "matchLabels", json_deep_copy(labels));
        json_object_set_new(spec, "selector", sel);
    }
    if (!json_object_size(labels))
        return;
    json_t *meta = convert_util_obj_ensure(obj, "metadata");
    if (meta && convert_util_empty(json_object_get(meta, "labels")))
        json_object_set_new(meta, "labels", json_deep_copy(labels));
}
