# src/base unit tests.
ks_test_program(test_gojson ${CMAKE_CURRENT_LIST_DIR}/test_gojson.c MODULES ks_base)
add_test(NAME base.gojson COMMAND test_gojson)
set_tests_properties(base.gojson PROPERTIES LABELS unit)
ks_test_program(test_sha256 ${CMAKE_CURRENT_LIST_DIR}/test_sha256.c MODULES ks_base)
add_test(NAME base.sha256 COMMAND test_sha256)
set_tests_properties(base.sha256 PROPERTIES LABELS unit)
