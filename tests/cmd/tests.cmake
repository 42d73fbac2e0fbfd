# src/cmd unit tests (the lead's area).
ks_test_program(test_cliopt ${CMAKE_CURRENT_LIST_DIR}/test_cliopt.c MODULES ks_base ks_schemas ks_patch ks_merge ks_convert ks_http ks_cmd)
add_test(NAME cmd.cliopt COMMAND test_cliopt)
set_tests_properties(cmd.cliopt PROPERTIES LABELS unit)
