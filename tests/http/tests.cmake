# tests/http: cluster access (src/http). Unit tests need nothing; the loopback
# tests need python3, openssl, ../shared/tools/oracle/fakeapi.py and real
# kubectl 1.33 (they skip with 77 when those are missing).
ks_test_program(http_driver ${CMAKE_CURRENT_LIST_DIR}/http_driver.c MODULES ks_base ks_http)
ks_test_program(test_http_unit ${CMAKE_CURRENT_LIST_DIR}/test_http_unit.c MODULES ks_base ks_http)
add_test(NAME http.unit COMMAND test_http_unit)
set_tests_properties(http.unit PROPERTIES LABELS unit)
# The native HTTP/1.1 transport against scripted loopback servers (raw sockets, no tools needed).
ks_test_program(test_knet ${CMAKE_CURRENT_LIST_DIR}/test_knet.c MODULES ks_base ks_http)
add_test(NAME http.knet COMMAND test_knet)
set_tests_properties(http.knet PROPERTIES LABELS unit TIMEOUT 60)

if(KS_PYTHON3)
    set(KS_HTTP_PY ${CMAKE_CURRENT_LIST_DIR}/test_http.py)
    foreach(section tls exec proxy hang kubeconfig discovery rest h2 pool transport)
        add_test(NAME http.loopback.${section}
                 COMMAND ${KS_PYTHON3} ${KS_HTTP_PY} $<TARGET_FILE:http_driver> ${KS_SHARED_DIR}
                         ${KS_KUBECTL_DIR} ${section})
        set_tests_properties(http.loopback.${section} PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
                             TIMEOUT 120)
        if(TARGET kubeshim-apiserver)
            set_tests_properties(http.loopback.${section} PROPERTIES
                                 ENVIRONMENT KS_APISERVER=$<TARGET_FILE:kubeshim-apiserver>)
        endif()
    endforeach()
    # must-show 3: each section also greps all its -v=9 outputs for tokens and keys
endif()
