/*
 * stub_argv0.c: a compiled stand-in for kubectl that prints its argv[0] (a
 * shell script cannot see it), so the e2e test can check that dispatch
 * keeps the original argv[0], as Google's dispatcher does.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("argv0=[%s]\n", argc > 0 ? argv[0] : "");
    return 0;
}
