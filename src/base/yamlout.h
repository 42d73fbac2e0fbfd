/*
 * yamlout.h: write a value as YAML exactly as kubectl prints it (`-o yaml`,
 * and the files `kubectl diff` compares): sigs.k8s.io/yaml Marshal, that is
 * json.Marshal, then go-yaml v2 reading that JSON back (so number kinds are
 * what go-yaml resolves from Go's JSON text) and marshalling it again.
 *
 * Keys in go-yaml v2's order (digit runs compare as numbers: "a2" < "a10"),
 * 2-space indent, sequences under a key not indented, strings quoted when
 * they would read back as something else (numbers, bools, null, timestamps,
 * base-60 numbers like "1:30") or cannot be plain, strings with a newline as
 * literal blocks, empty maps and lists as {} and [], long plain and quoted
 * strings folded at 80 columns as go-yaml v2.4 does.
 */
#ifndef YAMLOUT_H
#define YAMLOUT_H

#include "base/ks.h"
#include "base/strbuf.h"

#include <jansson.h>

/*
 * Append v as one YAML document (no "---"; ends with a newline).
 * Ownership: v is borrowed.
 * Errors: KS_EINPUT for NaN or an infinity (json.Marshal refuses them).
 */
int yamlout_write(struct strbuf *out, const json_t *v, struct ks_err *e);

/*
 * Compare two map keys as go-yaml v2's sorter does: <0, 0 or >0.
 * (sorter.go keyList.Less for string keys.)
 */
int yamlout_keycmp(const char *a, const char *b);

#endif
