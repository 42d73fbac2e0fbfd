# JSON merge patch: apply, two- and three-way build, conflict check. Every case
# of ../shared/corpus/jsonmergepatch and ../shared/corpus/mergepatch is one
# ctest test labelled `upstream` (jmp.<group>.<NNN>, mergepatch.<group>.<NNN>).
ks_test_program(test_jmp_corpus ${CMAKE_CURRENT_LIST_DIR}/test_jmp_corpus.c
                ${CMAKE_CURRENT_LIST_DIR}/../lib/corpus_case.c MODULES ks_base ks_patch ks_merge)
set(_jmp_corpus ${KS_SHARED_DIR}/corpus)
file(GLOB _jmp_cases ${_jmp_corpus}/jsonmergepatch/*/*.yaml ${_jmp_corpus}/mergepatch/*/*.yaml)
if(NOT _jmp_cases OR NOT KS_PYTHON3)
    add_test(NAME jmp.corpus COMMAND test_jmp_corpus --absent ${_jmp_corpus})
    set_tests_properties(jmp.corpus PROPERTIES LABELS upstream SKIP_RETURN_CODE 77)
else()
    foreach(f ${_jmp_cases})
        get_filename_component(_dir ${f} DIRECTORY)
        get_filename_component(_group ${_dir} NAME)
        get_filename_component(_adir ${_dir} DIRECTORY)
        get_filename_component(_area ${_adir} NAME)
        get_filename_component(_base ${f} NAME)
        string(SUBSTRING ${_base} 0 3 _nnn)
        if(_area STREQUAL "jsonmergepatch")
            set(_area jmp)
        endif()
        add_test(NAME ${_area}.${_group}.${_nnn}
                 COMMAND test_jmp_corpus ${KS_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/case2json.py ${f})
        set_tests_properties(${_area}.${_group}.${_nnn} PROPERTIES LABELS upstream
                             SKIP_RETURN_CODE 77)
    endforeach()
endif()

# JSON patch (RFC 6902) against results recorded from kubectl 1.33 (jsonpatch/record.py).
ks_test_program(test_jsonpatch ${CMAKE_CURRENT_LIST_DIR}/test_jsonpatch.c MODULES ks_base ks_patch)
add_test(NAME jmp.jsonpatch COMMAND test_jsonpatch ${CMAKE_CURRENT_LIST_DIR}/jsonpatch/cases.json)
set_tests_properties(jmp.jsonpatch PROPERTIES LABELS unit)

# The JSON merge patch round trip (must-show 3 of issue 3): seeds replayed in ctest.
ks_fuzz_target(fuzz_jmp_roundtrip ${CMAKE_CURRENT_LIST_DIR}/fuzz_jmp_roundtrip.c
               ${CMAKE_CURRENT_LIST_DIR}/fuzz-seeds MODULES ks_base ks_patch ks_merge)

ks_test_program(test_jmp_unit ${CMAKE_CURRENT_LIST_DIR}/test_jmp_unit.c MODULES ks_base ks_patch ks_merge)
add_test(NAME jmp.unit COMMAND test_jmp_unit)
set_tests_properties(jmp.unit PROPERTIES LABELS unit)
