# Conversion rules (src/convert): unit tests and one golden test per case file (*.yaml) in
# fixtures/convert/<rule>/<case>.yaml, plus a round-trip test for each case file that
# has a `roundTrip:` line (the two-way rules).
ks_test_program(test_convert ${CMAKE_CURRENT_LIST_DIR}/test_convert.c MODULES ks_base ks_convert)
add_test(NAME convert.unit COMMAND test_convert)
set_tests_properties(convert.unit PROPERTIES LABELS "unit;convert")

ks_test_program(convert_run_case ${CMAKE_CURRENT_LIST_DIR}/run_case.c MODULES ks_base ks_convert)
file(GLOB KS_CONVERT_CASES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fixtures/convert/*/*.yaml)
foreach(f ${KS_CONVERT_CASES})
    get_filename_component(stem ${f} NAME_WE)
    get_filename_component(dir ${f} DIRECTORY)
    get_filename_component(rule ${dir} NAME)
    add_test(NAME convert.${rule}.${stem} COMMAND convert_run_case ${f})
    set_tests_properties(convert.${rule}.${stem} PROPERTIES LABELS convert)
    file(STRINGS ${f} rt REGEX "^roundTrip:")
    if(rt)
        add_test(NAME convert.roundtrip.${rule}.${stem} COMMAND convert_run_case --roundtrip ${f})
        set_tests_properties(convert.roundtrip.${rule}.${stem} PROPERTIES LABELS convert)
    endif()
endforeach()

# Every rule of the table has a golden case; every two-way pair a round trip.
if(KS_PYTHON3)
    add_test(NAME convert.coverage
             COMMAND ${KS_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/coverage.py
                     ${CMAKE_SOURCE_DIR}/src/convert/convert_rules.c ${CMAKE_SOURCE_DIR}/fixtures/convert)
    set_tests_properties(convert.coverage PROPERTIES LABELS convert)
endif()

# `kubeshim convert` end to end: flags, List wrapping, output formats, errors, plugin hand-off.
add_test(NAME convert.cli COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/cli.sh $<TARGET_FILE:kubeshim>
                                  ${CMAKE_SOURCE_DIR}/fixtures/convert/cli)
set_tests_properties(convert.cli PROPERTIES LABELS "convert;e2e")

# Every rule over arbitrary JSON (seeds: the golden inputs); replayed in every ctest run.
ks_fuzz_target(fuzz_convert ${CMAKE_CURRENT_LIST_DIR}/fuzz_convert.c
               ${CMAKE_SOURCE_DIR}/fixtures/convert/fuzz-seeds MODULES ks_base ks_convert)

# The same-shape rules (no function) lose no field: 1.20.4's old types against 1.33's.
if(KS_PYTHON3)
    add_test(NAME convert.shapes
             COMMAND ${KS_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/shapes.py
                     ${CMAKE_SOURCE_DIR}/src/convert/convert_rules.c ${KS_SHARED_DIR}/k8s-openapi)
    set_tests_properties(convert.shapes PROPERTIES LABELS convert SKIP_RETURN_CODE 77)
endif()

# The golden objects fit the API schemas (1.33's, or 1.20.4's for the old versions).
if(KS_PYTHON3)
    add_test(NAME convert.schema
             COMMAND ${KS_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/schema.py
                     ${CMAKE_SOURCE_DIR}/fixtures/convert ${KS_SHARED_DIR}/k8s-openapi)
    set_tests_properties(convert.schema PROPERTIES LABELS convert SKIP_RETURN_CODE 77)
endif()
