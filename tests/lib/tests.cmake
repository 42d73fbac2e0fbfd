# The public API: an example program that includes only <kubeshim.h> and links
# the static engine library, as a user would.
add_executable(kubeshim_example ${CMAKE_CURRENT_LIST_DIR}/example.c)
target_link_libraries(kubeshim_example PRIVATE kubeshim_engine)
add_test(NAME lib.example COMMAND kubeshim_example ${CMAKE_SOURCE_DIR}/fixtures/plan/example)
set_tests_properties(lib.example PROPERTIES LABELS unit)
