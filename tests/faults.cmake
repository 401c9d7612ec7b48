# I/O fault tests: the test-only yespo-hook-faults binary fails the k-th
# open, write, sync, rename, close or truncate; disk_full uses RLIMIT_FSIZE
# on the real binary, as does last_503 (the record --status reads);
# erase_kill9 makes the k-th call a SIGKILL instead.
add_test(NAME faults.io_each_call
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults/io_faults.sh
                 $<TARGET_FILE:yespo-hook-faults> ${CMAKE_SOURCE_DIR})
add_test(NAME faults.disk_full
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults/disk_full.sh
                 $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
add_test(NAME faults.compress_kill9
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults/compress_kill.sh
                 $<TARGET_FILE:yespo-hook-faults> ${CMAKE_SOURCE_DIR})
add_test(NAME faults.retention_kill9
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults/retention_kill.sh
                 $<TARGET_FILE:yespo-hook-faults> ${CMAKE_SOURCE_DIR})
add_test(NAME faults.last_503
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults/last_503.sh
                 $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
add_test(NAME faults.erase_kill9
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults/erase_kill9.sh
                 $<TARGET_FILE:yespo-hook-faults> ${CMAKE_SOURCE_DIR})
set_tests_properties(faults.io_each_call faults.disk_full faults.last_503 faults.erase_kill9
  faults.compress_kill9 faults.retention_kill9 PROPERTIES TIMEOUT 300 LABELS faults)
