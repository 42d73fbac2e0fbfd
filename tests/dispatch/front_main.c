/*
 * front_main.c: the libcurl-free front end as a program (dispatch_front.h),
 * built here so the e2e tests and bench/dispatch.sh can run it.
 */
#include "base/ks.h"
#include "dispatch/dispatch_front.h"

int main(int argc, char **argv)
{
    ks_alloc_install();
    return dispatch_front_run(argc, argv);
}
