# tests/hostile.cmake: hostile input (yespo-hook(8), GUARANTEES, 4).  Included from
# tests/CMakeLists.txt.
#
# hostile.table: tests/hostile/table.sh sends each malformed request of its
#   table to the built binary as plain CGI and checks the answer, the counts,
#   that nothing is lost or half-written, and --verify.

find_program(YH_HOSTILE_BASH bash)
if(NOT YH_HOSTILE_BASH)
  message(WARNING "bash not found: the hostile-input tests are not registered")
  return()
endif()

add_test(NAME hostile.table
         COMMAND ${YH_HOSTILE_BASH} ${CMAKE_SOURCE_DIR}/tests/hostile/table.sh
                 $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
set_tests_properties(hostile.table PROPERTIES TIMEOUT 300 LABELS hostile)

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/tests/hostile.cmake)
