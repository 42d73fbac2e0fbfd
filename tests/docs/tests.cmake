# Documents: the YAML reader, manifest streams and the YAML writer (src/base).
ks_test_program(docs_tool ${CMAKE_CURRENT_LIST_DIR}/docs_tool.c MODULES ks_base)

# Manifests read as kubectl reads them (expected files recorded from kubectl 1.33).
ks_test_program(test_docs_read ${CMAKE_CURRENT_LIST_DIR}/test_docs_read.c MODULES ks_base)
add_test(NAME docs.read COMMAND test_docs_read ${CMAKE_SOURCE_DIR}/fixtures/docs/read)
set_tests_properties(docs.read PROPERTIES LABELS "docs;unit")

# Must-show 2 of issue 2: the last-applied bytes kubectl sent, for every golden case
# (the shared corpus and our own recorded cases, fixtures/kubectl-golden/5NN; the other
# engineers' cases there pass too: run the script on the whole directory by hand).
if(KS_PYTHON3)
    add_test(NAME docs.kubectl-golden.lastapplied
             COMMAND ${KS_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/golden_lastapplied.py
                     $<TARGET_FILE:docs_tool> ${KS_SHARED_DIR}/corpus/kubectl-golden
                     ${CMAKE_SOURCE_DIR}/fixtures/kubectl-golden:5)
    set_tests_properties(docs.kubectl-golden.lastapplied PROPERTIES LABELS "docs;kubectl-golden"
                         SKIP_RETURN_CODE 77)
endif()

# YAML written as kubectl prints it (expected files recorded from kubectl 1.33).
ks_test_program(test_docs_yamlout ${CMAKE_CURRENT_LIST_DIR}/test_docs_yamlout.c MODULES ks_base)
add_test(NAME docs.yamlout COMMAND test_docs_yamlout ${CMAKE_SOURCE_DIR}/fixtures/docs/yamlout)
set_tests_properties(docs.yamlout PROPERTIES LABELS "docs;unit")

# Must-show 3 of issue 2: malformed manifests, kubectl's words plus document and line.
ks_test_program(test_docs_bad ${CMAKE_CURRENT_LIST_DIR}/test_docs_bad.c MODULES ks_base)
add_test(NAME docs.bad COMMAND test_docs_bad ${CMAKE_SOURCE_DIR}/fixtures/docs/bad)
set_tests_properties(docs.bad PROPERTIES LABELS "docs;unit")
add_test(NAME docs.bad-validate COMMAND test_docs_bad --validate
         ${CMAKE_SOURCE_DIR}/fixtures/docs/bad-validate)
set_tests_properties(docs.bad-validate PROPERTIES LABELS "docs;unit")

# Must-show 4 of issue 2: the document loader's fuzz target; ctest replays the seeds.
ks_fuzz_target(fuzz_manifest ${CMAKE_CURRENT_LIST_DIR}/fuzz_manifest.c
               ${CMAKE_SOURCE_DIR}/fixtures/docs/fuzz-seeds MODULES ks_base)
set_tests_properties(fuzz.fuzz_manifest.seeds PROPERTIES LABELS "fuzz;docs")
