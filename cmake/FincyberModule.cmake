# fincyber_module(NAME name SRCS ... DEPS ... [LIBS ...] [TESTS ...] [DBTESTS ...])
#
# Declares one layer or module as a static library `fincyber_<name>`.
# DEPS name other fincyber modules (lower layers only; scripts/check_layers.sh
# verifies includes match). LIBS are external libraries. TESTS are pure unit tests
# (label `unit`), built into one binary `<name>_tests`; DBTESTS need a database (label
# `db`), built into `<name>_dbtests`, and run on SQLite and, when FINCYBER_TEST_PG is
# set, on PostgreSQL.
function(fincyber_module)
  cmake_parse_arguments(M "" "NAME" "SRCS;DEPS;LIBS;TESTS;DBTESTS" ${ARGN})
  set(target fincyber_${M_NAME})
  add_library(${target} STATIC ${M_SRCS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  set(deps "")
  foreach(dep IN LISTS M_DEPS)
    list(APPEND deps fincyber_${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${deps} ${M_LIBS})
  target_compile_options(${target} PRIVATE ${FINCYBER_WARNINGS})
  if(M_TESTS)
    fincyber_add_tests(${M_NAME}_tests unit ${M_TESTS})
    target_link_libraries(${M_NAME}_tests PRIVATE ${target})
  endif()
  if(M_DBTESTS)
    fincyber_add_tests(${M_NAME}_dbtests db ${M_DBTESTS})
    target_link_libraries(${M_NAME}_dbtests PRIVATE ${target})
  endif()
endfunction()

# Every unit-test binary, so that the sanitizer build compiles only what it runs.
if(NOT TARGET unit_tests)
  add_custom_target(unit_tests)
endif()

# One test binary for several test sources, labelled for `ctest -L`. In a unity build its
# sources are compiled together in batches, parsing GoogleTest and the shared headers
# once per batch instead of once per source: test sources were half the compile time.
function(fincyber_add_tests test_name label)
  add_executable(${test_name} ${ARGN})
  target_link_libraries(${test_name} PRIVATE fincyber_testing GTest::gtest GTest::gmock)
  target_compile_options(${test_name} PRIVATE ${FINCYBER_WARNINGS} ${FINCYBER_TEST_OPTIONS})
  # Listed when ctest runs, so FINCYBER_TEST_PG decides which backends are tested.
  gtest_discover_tests(${test_name} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60
                       DISCOVERY_MODE PRE_TEST)
  if(label STREQUAL "unit")
    add_dependencies(unit_tests ${test_name})
  endif()
endfunction()
