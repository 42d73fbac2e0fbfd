# Strategic merge patch: apply (src/patch/patch_smp*), build (src/merge/merge_smp*).
# Every case of ../shared/corpus/smp is one ctest test labelled `upstream`,
# named smp.<group>.<NNN>; the runner reads the YAML case through case2json.py.
# The engine sources are compiled in directly, so a half-written file elsewhere
# in src/patch or src/merge cannot break these tests.
set(KS_SMP_SRCS
    ${CMAKE_SOURCE_DIR}/src/patch/pmeta.c
    ${CMAKE_SOURCE_DIR}/src/patch/patch_smp.c
    ${CMAKE_SOURCE_DIR}/src/patch/patch_smp_list.c
    ${CMAKE_SOURCE_DIR}/src/patch/patch_smp_order.c
    ${CMAKE_SOURCE_DIR}/src/patch/patch_smp_util.c
    ${CMAKE_SOURCE_DIR}/src/merge/merge_smp.c
    ${CMAKE_SOURCE_DIR}/src/merge/merge_smp_list.c
    ${CMAKE_SOURCE_DIR}/src/merge/merge_smp_conflict.c)
set(KS_SMP_TEST_SRCS ${CMAKE_CURRENT_LIST_DIR}/smp_schemas.c ${CMAKE_CURRENT_LIST_DIR}/smp_sort.c
    ${CMAKE_SOURCE_DIR}/src/patch/pmeta_openapi.c)

ks_test_program(test_smp_corpus ${CMAKE_CURRENT_LIST_DIR}/test_smp_corpus.c ${KS_SMP_TEST_SRCS}
                ${KS_SMP_SRCS} MODULES ks_base)
set(_smp_corpus ${KS_SHARED_DIR}/corpus/smp)
file(GLOB _smp_cases ${_smp_corpus}/*/*.yaml)
if(NOT _smp_cases OR NOT KS_PYTHON3)
    add_test(NAME smp.corpus COMMAND test_smp_corpus --absent ${_smp_corpus})
    set_tests_properties(smp.corpus PROPERTIES LABELS upstream SKIP_RETURN_CODE 77)
else()
    # case2json.py runs once per case at build time (a test then takes milliseconds);
    # the runner converts the YAML itself when that JSON is missing or empty (a
    # failed conversion never fails the build: the test reports it).
    set(_smp_json_dir ${CMAKE_CURRENT_BINARY_DIR}/smp-corpus-json)
    file(MAKE_DIRECTORY ${_smp_json_dir})
    set(_smp_jsons)
    foreach(f ${_smp_cases})
        get_filename_component(_dir ${f} DIRECTORY)
        get_filename_component(_group ${_dir} NAME)
        get_filename_component(_base ${f} NAME)
        string(SUBSTRING ${_base} 0 3 _nnn)
        set(_json ${_smp_json_dir}/${_group}.${_nnn}.json)
        add_custom_command(OUTPUT ${_json}
                           COMMAND sh -c "\"$0\" \"$1\" \"$2\" > \"$3\" || : > \"$3\"" ${KS_PYTHON3}
                                   ${CMAKE_SOURCE_DIR}/tests/case2json.py ${f} ${_json}
                           DEPENDS ${f} ${CMAKE_SOURCE_DIR}/tests/case2json.py VERBATIM)
        list(APPEND _smp_jsons ${_json})
        add_test(NAME smp.${_group}.${_nnn}
                 COMMAND test_smp_corpus ${KS_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/case2json.py ${f}
                         ${_smp_corpus}/schemas ${_json})
        set_tests_properties(smp.${_group}.${_nnn} PROPERTIES LABELS upstream SKIP_RETURN_CODE 77)
    endforeach()
    add_custom_target(smp_corpus_json ALL DEPENDS ${_smp_jsons})
endif()

# Must-show 3: the build-then-apply round trip, seeds replayed in every ctest run.
ks_fuzz_target(fuzz_smp_roundtrip ${CMAKE_CURRENT_LIST_DIR}/fuzz_smp_roundtrip.c
               ${CMAKE_SOURCE_DIR}/fixtures/smp/fuzz-seeds MODULES ks_base ks_patch ks_merge)

# Must-show 4: bench/smp_bench (not a test; run it by hand, results in bench/smp.md).
ks_test_program(smp_bench ${CMAKE_SOURCE_DIR}/bench/smp_bench.c MODULES ks_base ks_patch ks_merge)

# patch_smp_apply against what real kubectl 1.33 does (patch --local), recorded
# in fixtures/smp/patch-local.yaml by tests/smp/record_patch_local.py.
ks_test_program(test_smp_patch_local ${CMAKE_CURRENT_LIST_DIR}/test_smp_patch_local.c ${KS_SMP_SRCS}
                MODULES ks_base)
if(KS_PYTHON3)
    add_test(NAME smp.patch-local
             COMMAND test_smp_patch_local ${KS_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/case2json.py
                     ${CMAKE_SOURCE_DIR}/fixtures/smp/patch-local.yaml)
else()
    add_test(NAME smp.patch-local COMMAND test_smp_patch_local --absent "no python3 with PyYAML")
endif()
set_tests_properties(smp.patch-local PROPERTIES LABELS golden SKIP_RETURN_CODE 77)

# The --overwrite=false conflict message, against real kubectl (recorded with the oracle).
ks_test_program(test_smp_conflict ${CMAKE_CURRENT_LIST_DIR}/test_smp_conflict.c ${KS_SMP_SRCS}
                MODULES ks_base)
foreach(_c configmap finalizers)
    add_test(NAME smp.conflict.${_c}
             COMMAND test_smp_conflict ${CMAKE_SOURCE_DIR}/fixtures/smp/conflict/${_c}/expected.json)
    set_tests_properties(smp.conflict.${_c} PROPERTIES LABELS golden)
endforeach()

ks_test_program(test_pmeta ${CMAKE_CURRENT_LIST_DIR}/test_pmeta.c ${KS_SMP_TEST_SRCS} ${KS_SMP_SRCS}
                MODULES ks_base)
add_test(NAME smp.pmeta COMMAND test_pmeta)
set_tests_properties(smp.pmeta PROPERTIES LABELS unit)

# Robustness of apply / build on arbitrary documents (seeds from the corpus).
ks_fuzz_target(fuzz_smp_apply ${CMAKE_CURRENT_LIST_DIR}/fuzz_smp_apply.c
               ${CMAKE_SOURCE_DIR}/fixtures/smp/fuzz-apply-seeds MODULES ks_base ks_patch ks_merge)

ks_test_program(test_smp_util ${CMAKE_CURRENT_LIST_DIR}/test_smp_util.c ${KS_SMP_SRCS}
                MODULES ks_base)
add_test(NAME smp.util COMMAND test_smp_util)
set_tests_properties(smp.util PROPERTIES LABELS unit)
