# tests/fuzz.cmake: coverage-guided fuzzing.  Included from
# tests/CMakeLists.txt.
#
# fuzz.batch_csv: tests/fuzz/run.sh builds tests/fuzz/fuzz_batch.c with
#   clang's libFuzzer (ASan + UBSan) and runs it for 60 s on a copy of
#   tests/fuzz/corpus; skipped (77) without clang or libFuzzer.  Only this
#   one: ctest -L fuzz; everything else: ctest -LE fuzz.
#   Longer runs: bash tests/fuzz/run.sh BUILD_DIR . SECONDS

find_program(YH_FUZZ_BASH bash)
if(NOT YH_FUZZ_BASH)
  message(WARNING "bash not found: the fuzz test is not registered")
  return()
endif()

add_test(NAME fuzz.batch_csv
         COMMAND ${YH_FUZZ_BASH} ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh
                 ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR} 60)
set_tests_properties(fuzz.batch_csv PROPERTIES
  TIMEOUT 180
  SKIP_RETURN_CODE 77
  LABELS fuzz)

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/tests/fuzz.cmake)
