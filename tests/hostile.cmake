# tests/hostile.cmake: hostile input (yespo-hook(8), GUARANTEES, 4).  Included from
# tests/CMakeLists.txt.
#
# hostile.table: tests/hostile/table.sh sends each malformed request of its
#   table to the built binary as plain CGI and checks the answer, the counts,
#   that nothing is lost or half-written, and --verify.
# fuzz.batch_csv: tests/fuzz/run.sh builds tests/fuzz/fuzz_batch.c with
#   clang's libFuzzer (ASan + UBSan) and runs it for 60 s on a copy of
#   tests/fuzz/corpus; skipped (77) without clang or libFuzzer.  Only this
#   one: ctest -L fuzz; everything else: ctest -LE fuzz.
#   Longer runs: bash tests/fuzz/run.sh BUILD_DIR . SECONDS

find_program(YH_HOSTILE_BASH bash)
if(NOT YH_HOSTILE_BASH)
  message(WARNING "bash not found: the hostile-input tests are not registered")
  return()
endif()

add_test(NAME hostile.table
         COMMAND ${YH_HOSTILE_BASH} ${CMAKE_SOURCE_DIR}/tests/hostile/table.sh
                 $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
set_tests_properties(hostile.table PROPERTIES TIMEOUT 300 LABELS hostile)

add_test(NAME fuzz.batch_csv
         COMMAND ${YH_HOSTILE_BASH} ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh
                 ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR} 60)
set_tests_properties(fuzz.batch_csv PROPERTIES
  TIMEOUT 180
  SKIP_RETURN_CODE 77
  LABELS fuzz)

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/tests/hostile.cmake)
