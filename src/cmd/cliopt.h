/*
 * cliopt.h: one option parser for the native commands, with pflag's rules
 * (kubectl's flag library): --name=value, --name value, -x value, -xvalue,
 * -x=value, grouped boolean shorthands (-Rf file), --bool / --bool=false,
 * flags with a "no option default" (--dry-run alone means "unchanged") that
 * take a value only with '=', and `--` ending the flags. kubectl's global
 * flags may stand anywhere and are skipped here (the cluster-access layer
 * reads them from argv).
 *
 * An option table points at the fields it fills. A flag that is not in the
 * table, or one marked CLIOPT_DELEGATE, makes the parser return KS_EDELEGATE:
 * the whole command line then goes to kubectl, which implements it (or
 * reports it as unknown in its own words).
 */
#ifndef CLIOPT_H
#define CLIOPT_H

#include "base/ks.h"

#include <stdbool.h>
#include <stddef.h>

enum cliopt_kind {
    CLIOPT_BOOL,     /* bool *dest */
    CLIOPT_STRING,   /* char **dest: owned copy; a later flag replaces an earlier one */
    CLIOPT_STRINGS,  /* struct cliopt_list *dest: every occurrence; comma-split if split_commas */
    CLIOPT_INT,      /* long *dest */
    CLIOPT_DELEGATE, /* a kubectl flag we do not implement natively */
};

struct cliopt_list {
    char **v;
    size_t n, alloc;
};

struct cliopt {
    const char *name; /* long name, without "--" */
    char shorthand;   /* 0 for none */
    enum cliopt_kind kind;
    void *dest;
    const char *noopt; /* value used when given without "=value", or NULL */
    bool *changed;     /* set to true when the flag appears, or NULL */
    bool split_commas; /* CLIOPT_STRINGS: "a,b" adds two values (pflag StringSlice) */
};

/*
 * Parse argv[1..argc) with opts (terminated by an entry with name == NULL),
 * skipping argv[cmd_index] (the command word) and the words in skip_words
 * (sub-command words such as "view-last-applied"; may be NULL). Positional
 * arguments go to args.
 * Ownership: strings stored in dest fields and args are owned by them; free
 * them with cliopt_free() / cliopt_list_free().
 * Errors: KS_EDELEGATE for flags to hand to kubectl; KS_EUSAGE with pflag's
 * wording for a missing or malformed value.
 */
int cliopt_parse(const struct cliopt *opts, int argc, char **argv, int cmd_index,
                 struct cliopt_list *args, struct ks_err *e);

/* True when flag (e.g. "--context", "-n") is one of kubectl's global flags taking a value. */
bool cliopt_global_takes_value(const char *flag);

/* True when flag is one of kubectl's global flags (with or without a value). */
bool cliopt_is_global(const char *flag);

/* Index of the command word: the first argument that is neither a flag nor a
 * global flag's value; -1 when there is none. */
int cliopt_command_index(int argc, char **argv);

void cliopt_list_add(struct cliopt_list *l, const char *s);
void cliopt_list_free(struct cliopt_list *l);

/* Free what cliopt_parse stored in the table's dest fields. */
void cliopt_free(const struct cliopt *opts);

/* Parse a pflag bool value ("1", "t", "T", "TRUE", "true", "True", ...). */
int cliopt_parse_bool(bool *out, const char *s);

#endif
