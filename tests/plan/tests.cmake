# The apply plan against kubectl 1.33's recorded requests (label kubectl-golden):
# one test per case of ../shared/corpus/kubectl-golden that sends a strategic or
# JSON merge PATCH. Cases whose engine parts have not landed yet stay out of
# KS_PLAN_GOLDEN_CASES until they pass.
ks_test_program(test_plan_golden ${CMAKE_CURRENT_LIST_DIR}/test_plan_golden.c
                ${CMAKE_CURRENT_LIST_DIR}/../lib/corpus_case.c
                MODULES ks_base ks_schemas ks_patch ks_merge)
set(_plan_golden ${KS_SHARED_DIR}/corpus/kubectl-golden)
set(KS_PLAN_GOLDEN_CASES
    072-cr-change-nested-and-list
    111-diff-custom-resource)
# NEEDSWORK: until manifest_load reads YAML, manifests go through PyYAML first.
set(KS_PLAN_GOLDEN_FLAGS --py-manifest)
if(NOT EXISTS ${_plan_golden} OR NOT KS_PYTHON3)
    add_test(NAME plan.golden COMMAND test_plan_golden --absent ${_plan_golden})
    set_tests_properties(plan.golden PROPERTIES LABELS kubectl-golden SKIP_RETURN_CODE 77)
else()
    foreach(c ${KS_PLAN_GOLDEN_CASES})
        string(SUBSTRING ${c} 0 3 _nnn)
        add_test(NAME plan.golden.${_nnn}
                 COMMAND test_plan_golden ${KS_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/case2json.py
                         ${_plan_golden}/${c} ${KS_PLAN_GOLDEN_FLAGS})
        set_tests_properties(plan.golden.${_nnn} PROPERTIES LABELS kubectl-golden
                             SKIP_RETURN_CODE 77)
    endforeach()
endif()
