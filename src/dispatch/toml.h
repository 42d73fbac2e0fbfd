/*
 * toml.h: a strict reader for the TOML subset that kuberlr.conf files use:
 * comments, `key = value` with bare or quoted keys, basic and literal
 * strings, integers, floats, booleans, and one level of [table] headers.
 * Anything else (arrays, inline tables, multi-line strings, dotted keys,
 * dates) is refused with a line-numbered error rather than misread.
 */
#ifndef TOML_H
#define TOML_H

#include "base/ks.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Parse text (len bytes) into a JSON object: keys in file order, tables as
 * nested objects, strings, integers (json_integer), floats (json_real), booleans.
 * name labels errors: "<name>:<line>: <what>".
 * Ownership: *out is a new reference, NULL on error.
 * Errors: KS_EINPUT for any syntax outside the subset, duplicate keys or tables.
 */
int toml_load(json_t **out, const char *text, size_t len, const char *name, struct ks_err *e);

#endif
