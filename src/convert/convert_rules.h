/*
 * convert_rules.h: the table of conversion rules and of kinds removed without
 * successor. To add a rule, add a line to the table in convert_rules.c (and
 * a function, when the shapes differ), then a golden case in
 * fixtures/convert/<rule>/.
 */
#ifndef CONVERT_RULES_H
#define CONVERT_RULES_H

#include "convert/convert.h"

#include <stddef.h>

/* The rules, up rules before down rules. *n (if n) gets the count. */
const struct convert_rule *convert_rules_table(size_t *n);

/* The kinds removed without successor. */
const struct convert_removed *convert_rules_removed(size_t *n);

#endif
