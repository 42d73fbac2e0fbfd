/*
 * cmd.h: the native commands' entry points (see dispatch/cmdtable.h for the contract).
 */
#ifndef CMD_H
#define CMD_H

int cmd_apply_run(int argc, char **argv);
int cmd_diff_run(int argc, char **argv);
int cmd_convert_run(int argc, char **argv);
int cmd_build_patch_run(int argc, char **argv);
int cmd_apply_patch_run(int argc, char **argv);

#endif
