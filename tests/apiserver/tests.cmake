# kubeshim-apiserver: unit tests of its pure parts, and end-to-end runs of
# real kubectl 1.27 and 1.33 against it (skipped, exit 77, without kubectl).
set(KS_AS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(KS_AS_FIXTURES ${CMAKE_SOURCE_DIR}/fixtures/apiserver)

if(TARGET kubeshim-apiserver)
    foreach(v 1.27 1.33)
        add_test(NAME apiserver.e2e.kubectl-${v}
                 COMMAND bash ${KS_AS_DIR}/e2e_kubectl.sh $<TARGET_FILE:kubeshim-apiserver>
                         ${KS_KUBECTL_DIR} ${v} ${KS_AS_FIXTURES}/e2e "${KS_PYTHON3}")
        set_tests_properties(apiserver.e2e.kubectl-${v} PROPERTIES LABELS e2e
                             SKIP_RETURN_CODE 77 TIMEOUT 240)
    endforeach()
endif()

ks_test_program(test_asrv_unit ${KS_AS_DIR}/test_asrv_unit.c MODULES ks_apiserver ks_schemas ks_patch ks_base)
add_test(NAME apiserver.unit COMMAND test_asrv_unit)
set_tests_properties(apiserver.unit PROPERTIES LABELS unit)

if(TARGET kubeshim-apiserver)
    add_test(NAME apiserver.e2e.faults
             COMMAND bash ${KS_AS_DIR}/e2e_faults.sh $<TARGET_FILE:kubeshim-apiserver>
                     ${KS_KUBECTL_DIR} "${KS_PYTHON3}")
    add_test(NAME apiserver.e2e.tls
             COMMAND bash ${KS_AS_DIR}/e2e_tls.sh $<TARGET_FILE:kubeshim-apiserver>
                     ${KS_KUBECTL_DIR} "${KS_PYTHON3}")
    add_test(NAME apiserver.e2e.badinput
             COMMAND bash ${KS_AS_DIR}/e2e_badinput.sh $<TARGET_FILE:kubeshim-apiserver>
                     "${KS_PYTHON3}" ${KS_AS_FIXTURES})
    set_tests_properties(apiserver.e2e.faults apiserver.e2e.tls apiserver.e2e.badinput
                         PROPERTIES LABELS e2e
                         SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()

# The load generator of bench/apiserver.sh, and a short smoke run of it:
# 1,000 objects, one second, every request answered (no throughput floor
# beyond 200 req/s, so a busy machine cannot make it flaky; figures: bench/apiserver.md).
ks_test_program(apiserver_load ${CMAKE_SOURCE_DIR}/bench/apiserver_load.c MODULES ks_base)
if(TARGET kubeshim-apiserver)
    add_test(NAME apiserver.bench.smoke
             COMMAND bash ${KS_AS_DIR}/bench_smoke.sh $<TARGET_FILE:kubeshim-apiserver>
                     $<TARGET_FILE:apiserver_load>)
    set_tests_properties(apiserver.bench.smoke PROPERTIES LABELS e2e TIMEOUT 60)
endif()
