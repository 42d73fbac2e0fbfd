# src/dispatch tests: unit tests of the pure helpers, and end-to-end runs of
# build/kubeshim installed as `kubectl` beside stub kubectl.1.NN scripts,
# against a loopback /version server.
set(KS_DISPATCH_SRC ${CMAKE_SOURCE_DIR}/src/dispatch)
ks_test_program(test_dispatch_unit ${CMAKE_CURRENT_LIST_DIR}/test_dispatch_unit.c
    ${KS_DISPATCH_SRC}/argv.c ${KS_DISPATCH_SRC}/bins.c ${KS_DISPATCH_SRC}/kver.c
    ${KS_DISPATCH_SRC}/policy.c ${KS_DISPATCH_SRC}/settings.c ${KS_DISPATCH_SRC}/toml.c
    ${KS_DISPATCH_SRC}/vcache.c
    MODULES ks_base)
add_test(NAME dispatch.unit COMMAND test_dispatch_unit)
set_tests_properties(dispatch.unit PROPERTIES LABELS unit)

if(KS_PYTHON3)
    set(KS_DISPATCH_PY ${KS_PYTHON3})
else()
    set(KS_DISPATCH_PY python3)
endif()
add_executable(dispatch_stub_argv0 ${CMAKE_CURRENT_LIST_DIR}/stub_argv0.c)
add_test(NAME dispatch.e2e COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/e2e.sh $<TARGET_FILE:kubeshim>
                                   ${KS_DISPATCH_PY} "" $<TARGET_FILE:dispatch_stub_argv0>)
set_tests_properties(dispatch.e2e PROPERTIES LABELS e2e TIMEOUT 120)

# The libcurl-free front end (dispatch_front.h). src/http is linked as a static
# archive, so only the members the front needs (kubeconfig, flags, base64, log)
# come in; with --as-needed, libcurl and OpenSSL (listed last, as a safety net)
# stay unloaded unless one of those members starts to need them.
if(TARGET ks_http)
add_library(ks_http_front STATIC $<TARGET_OBJECTS:ks_http>)
add_executable(kubeshim_front ${CMAKE_CURRENT_LIST_DIR}/front_main.c
    ${KS_DISPATCH_SRC}/argv.c ${KS_DISPATCH_SRC}/bins.c ${KS_DISPATCH_SRC}/kver.c
    ${KS_DISPATCH_SRC}/policy.c ${KS_DISPATCH_SRC}/settings.c ${KS_DISPATCH_SRC}/toml.c
    ${KS_DISPATCH_SRC}/vcache.c ${KS_DISPATCH_SRC}/resolve.c ${KS_DISPATCH_SRC}/dispatch_front.c
    $<TARGET_OBJECTS:ks_base>)
target_include_directories(kubeshim_front PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
target_link_options(kubeshim_front PRIVATE -Wl,--as-needed)
target_link_libraries(kubeshim_front PRIVATE ks_http_front PkgConfig::JANSSON PkgConfig::LIBYAML m
                      PkgConfig::CURL OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
add_test(NAME dispatch.e2e-front COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/e2e.sh
                                         $<TARGET_FILE:kubeshim> ${KS_DISPATCH_PY}
                                         $<TARGET_FILE:kubeshim_front>
                                         $<TARGET_FILE:dispatch_stub_argv0>)
set_tests_properties(dispatch.e2e-front PROPERTIES LABELS e2e TIMEOUT 120)
endif()
