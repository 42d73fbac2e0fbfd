# Native apply/diff against the cases recorded from real kubectl 1.33 (issue 6):
# ../shared/corpus/kubectl-golden and our own fixtures/kubectl-golden, one ctest
# test per case (label kubectl-golden): requests byte for byte, stdout,
# stderr, exit code and retry sequence must equal kubectl's.
set(KS_ORACLE_DIR ${KS_SHARED_DIR}/tools/oracle)
file(GLOB KS_GOLDEN_CASES LIST_DIRECTORIES true
     ${KS_SHARED_DIR}/corpus/kubectl-golden/[0-9]*
     ${CMAKE_SOURCE_DIR}/fixtures/kubectl-golden/[0-9]*)
if(NOT KS_GOLDEN_CASES OR NOT KS_PYTHON3)
    add_test(NAME apply.golden.missing
             COMMAND sh -c "echo 'SKIPPED: needs ../shared/corpus/kubectl-golden and python3 with PyYAML'; exit 77")
    set_tests_properties(apply.golden.missing PROPERTIES SKIP_RETURN_CODE 77 LABELS kubectl-golden)
else()
    foreach(c ${KS_GOLDEN_CASES})
        if(IS_DIRECTORY ${c} AND EXISTS ${c}/expected.json)
            get_filename_component(n ${c} NAME)
            get_filename_component(parent ${c} DIRECTORY)
            get_filename_component(parent ${parent} DIRECTORY)
            get_filename_component(parent ${parent} NAME)
            if(parent STREQUAL "fixtures")
                set(tn apply.golden.own.${n})
            else()
                set(tn apply.golden.${n})
            endif()
            add_test(NAME ${tn} COMMAND ${CMAKE_CURRENT_LIST_DIR}/oracle_case.sh ${KS_PYTHON3}
                     ${KS_ORACLE_DIR} $<TARGET_FILE:kubeshim> ${c})
            set_tests_properties(${tn} PROPERTIES SKIP_RETURN_CODE 77 LABELS "kubectl-golden;e2e"
                                 FAIL_REGULAR_EXPRESSION "DIFF |ERROR ")
        endif()
    endforeach()
endif()

# Issue 8: removed apiVersions converted inside apply and diff, end to end.
if(TARGET kubeshim-apiserver)
    add_test(NAME apply.convert-e2e COMMAND ${CMAKE_CURRENT_LIST_DIR}/convert_e2e.sh
             $<TARGET_FILE:kubeshim> $<TARGET_FILE:kubeshim-apiserver>
             ${CMAKE_SOURCE_DIR}/fixtures/convert-e2e/old-versions.yaml)
    set_tests_properties(apply.convert-e2e PROPERTIES LABELS "e2e;convert" TIMEOUT 60)
endif()

# Issue 6: faults injected by the local API server (conflicts, 5xx, a dropped
# connection, a reply that never comes): no write lost or sent twice.
if(TARGET kubeshim-apiserver)
    add_test(NAME apply.faults-e2e COMMAND ${CMAKE_CURRENT_LIST_DIR}/faults_e2e.sh
             $<TARGET_FILE:kubeshim> $<TARGET_FILE:kubeshim-apiserver>)
    set_tests_properties(apply.faults-e2e PROPERTIES LABELS "e2e;faults" TIMEOUT 120)
endif()

# Request-for-request parity with real kubectl 1.33 against the local API server
# (server-side apply and its managedFields migration, diff, dry runs, OpenAPI v3
# patch metadata from the server).
if(TARGET kubeshim-apiserver)
    add_test(NAME apply.parity-e2e COMMAND ${CMAKE_CURRENT_LIST_DIR}/parity_e2e.sh
             $<TARGET_FILE:kubeshim> $<TARGET_FILE:kubeshim-apiserver>
             ${KS_KUBECTL_DIR}/kubectl.1.33 ${KS_SHARED_DIR}/k8s-openapi/v3-v1.33
             ${CMAKE_SOURCE_DIR}/fixtures/parity)
    set_tests_properties(apply.parity-e2e PROPERTIES LABELS "e2e;parity" TIMEOUT 180
                         SKIP_RETURN_CODE 77)
endif()

# Inputs (stdin, URLs) and concurrency (CRDs first, output in input order).
if(TARGET kubeshim-apiserver AND KS_PYTHON3)
    add_test(NAME apply.inputs-e2e COMMAND ${CMAKE_CURRENT_LIST_DIR}/inputs_e2e.sh
             $<TARGET_FILE:kubeshim> $<TARGET_FILE:kubeshim-apiserver>
             ${CMAKE_SOURCE_DIR}/fixtures/apply-e2e ${KS_PYTHON3})
    set_tests_properties(apply.inputs-e2e PROPERTIES LABELS e2e TIMEOUT 90)
endif()

# The README's demo on the built binaries (it dispatches `get` to real kubectl).
if(TARGET kubeshim-apiserver)
    if(EXISTS ${KS_KUBECTL_DIR}/kubectl.1.33)
        add_test(NAME demo COMMAND ${CMAKE_CURRENT_LIST_DIR}/demo_check.sh ${CMAKE_BINARY_DIR})
        set_tests_properties(demo PROPERTIES LABELS e2e TIMEOUT 120)
    else()
        add_test(NAME demo COMMAND sh -c "echo 'SKIPPED: the demo dispatches to real kubectl'; exit 77")
        set_tests_properties(demo PROPERTIES SKIP_RETURN_CODE 77)
    endif()
endif()
