# tests/stress.cmake: the stress tests (tests/stress/*.sh), included from
# tests/CMakeLists.txt.  Each runs the built binary behind lighttpd on a
# loopback port and prints its figures:
#   stress.concurrency   8 concurrent senders (HTTP, 4 FastCGI workers) and
#                        8 concurrent --ingest processes, overlapping batches
#   stress.crash_kill9   kill -9 at random instants (mod_cgi, then FastCGI)
#                        while a Yespo-like sender resends until 200
# Exit 77 (skip) when lighttpd or curl is missing.  They take about a minute
# together and want the machine to themselves: RUN_SERIAL.
# Run them alone with: ctest --test-dir build -L stress --output-on-failure

find_program(YH_STRESS_BASH bash)
if(NOT YH_STRESS_BASH)
  message(WARNING "bash not found: the stress tests are not registered")
  return()
endif()

add_test(NAME stress.concurrency
         COMMAND ${YH_STRESS_BASH} ${CMAKE_SOURCE_DIR}/tests/stress/concurrency.sh
                 $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
add_test(NAME stress.crash_kill9
         COMMAND ${YH_STRESS_BASH} ${CMAKE_SOURCE_DIR}/tests/stress/crash.sh
                 $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
set_tests_properties(stress.concurrency stress.crash_kill9 PROPERTIES
  SKIP_RETURN_CODE 77
  TIMEOUT 300
  LABELS stress
  RUN_SERIAL TRUE)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/tests/stress.cmake)
