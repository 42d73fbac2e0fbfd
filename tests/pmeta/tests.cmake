# Patch metadata: the generated built-in tables (schemas/) and the OpenAPI reader.
ks_test_program(test_pmeta_builtin ${CMAKE_CURRENT_LIST_DIR}/test_pmeta_builtin.c
                MODULES ks_base ks_schemas ks_patch)
add_test(NAME pmeta.builtin
         COMMAND test_pmeta_builtin ${KS_SHARED_DIR}/corpus/smp/builtin-patch-meta.tsv
                 ${KS_SHARED_DIR}/k8s-openapi/swagger-v1.33.json)
set_tests_properties(pmeta.builtin PROPERTIES LABELS upstream SKIP_RETURN_CODE 77)

ks_test_program(test_pmeta_openapi ${CMAKE_CURRENT_LIST_DIR}/test_pmeta_openapi.c
                MODULES ks_base ks_patch)
add_test(NAME pmeta.openapi COMMAND test_pmeta_openapi ${KS_SHARED_DIR})
set_tests_properties(pmeta.openapi PROPERTIES LABELS upstream SKIP_RETURN_CODE 77)
