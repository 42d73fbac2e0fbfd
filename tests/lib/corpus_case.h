/*
 * corpus_case.h: load one YAML case file of ../shared/corpus as JSON, by
 * running tests/case2json.py (the corpus is YAML; our runners read JSON).
 */
#ifndef CORPUS_CASE_H
#define CORPUS_CASE_H

#include <jansson.h>

/*
 * Run `python3 case2json.py path` and parse its output with gojson_loads.
 * Returns the case (a new reference) or NULL after printing why to stderr.
 */
json_t *corpus_case_load(const char *python3, const char *case2json, const char *path);

/*
 * Parse the JSON text in field name of c (a string member), or NULL when the
 * member is absent or null. Prints and exits 1 when the text is not JSON.
 */
json_t *corpus_case_json(const json_t *c, const char *name);

/* Structural equality with JSON-merge number semantics (every number a double). */
int corpus_equal_floats(const json_t *a, const json_t *b);

/* Compact sorted JSON for messages (never NULL; free() it). */
char *corpus_dump(const json_t *v);

#endif
