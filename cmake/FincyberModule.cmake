# Precompiled headers. The standard library, nlohmann/json, fmt and GoogleTest headers took
# half the compile time of a typical source file (2.9 of 5.8 s for one database test).
# GCC uses a precompiled header only under the options it was built with, so there is one
# for the code and one for the tests, each built once in a target of its own from an empty
# source, and every other target reuses them.
set(FINCYBER_PCH_CODE
    <algorithm> <array> <chrono> <cstdint> <filesystem> <fstream> <functional> <map>
    <memory> <mutex> <optional> <set> <string> <string_view> <utility> <vector>
    <fmt/format.h> <nlohmann/json.hpp>)
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/precompiled_headers.cc CONTENT "")
# The libraries every fincyber target links, for the same compile definitions.
set(FINCYBER_PCH_LIBS nlohmann_json::nlohmann_json fmt::fmt spdlog::spdlog simdjson::simdjson
    Threads::Threads)

add_library(fincyber_pch_code OBJECT ${CMAKE_BINARY_DIR}/precompiled_headers.cc)
target_link_libraries(fincyber_pch_code PRIVATE ${FINCYBER_PCH_LIBS})
target_compile_options(fincyber_pch_code PRIVATE ${FINCYBER_WARNINGS})
target_precompile_headers(fincyber_pch_code PRIVATE ${FINCYBER_PCH_CODE})

add_library(fincyber_pch_test OBJECT ${CMAKE_BINARY_DIR}/precompiled_headers.cc)
target_link_libraries(fincyber_pch_test PRIVATE ${FINCYBER_PCH_LIBS} GTest::gtest GTest::gmock)
target_compile_options(fincyber_pch_test PRIVATE ${FINCYBER_WARNINGS} ${FINCYBER_TEST_OPTIONS})
target_precompile_headers(fincyber_pch_test PRIVATE ${FINCYBER_PCH_CODE} <gmock/gmock.h>
                          <gtest/gtest.h>)

# fincyber_precompiled_headers(target code|test)
function(fincyber_precompiled_headers target kind)
  target_precompile_headers(${target} REUSE_FROM fincyber_pch_${kind})
endfunction()

# fincyber_module(NAME name SRCS ... DEPS ... [LIBS ...] [TESTS ...] [DBTESTS ...])
#
# Declares one layer or module as a static library `fincyber_<name>`.
# DEPS name other fincyber modules (lower layers only; scripts/check_layers.sh
# verifies includes match). LIBS are external libraries. TESTS are pure unit tests
# (label `unit`); DBTESTS need a database (label `db`) and run on SQLite and, when
# FINCYBER_TEST_PG is set, on PostgreSQL.
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
  fincyber_precompiled_headers(${target} code)
  foreach(test_src IN LISTS M_TESTS)
    fincyber_add_test(${target} ${test_src} unit)
  endforeach()
  foreach(test_src IN LISTS M_DBTESTS)
    fincyber_add_test(${target} ${test_src} db)
  endforeach()
endfunction()

# Every unit-test binary, so that the sanitizer build compiles only what it runs.
if(NOT TARGET unit_tests)
  add_custom_target(unit_tests)
endif()

# One test binary per test source, labelled for `ctest -L`.
function(fincyber_add_test library test_src label)
  get_filename_component(test_name ${test_src} NAME_WE)
  add_executable(${test_name} ${test_src})
  target_link_libraries(${test_name} PRIVATE ${library} fincyber_testing GTest::gtest GTest::gmock)
  target_compile_options(${test_name} PRIVATE ${FINCYBER_WARNINGS} ${FINCYBER_TEST_OPTIONS})
  fincyber_precompiled_headers(${test_name} test)
  # Listed when ctest runs, so FINCYBER_TEST_PG decides which backends are tested.
  gtest_discover_tests(${test_name} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60
                       DISCOVERY_MODE PRE_TEST)
  if(label STREQUAL "unit")
    add_dependencies(unit_tests ${test_name})
  endif()
endfunction()
