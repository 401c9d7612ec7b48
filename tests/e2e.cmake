# tests/e2e.cmake: the end-to-end tests (tests/e2e/*.sh), one ctest entry
# each, named e2e.<script>.  Included from tests/CMakeLists.txt.
#
# Each script runs the built binary behind lighttpd (FastCGI or CGI),
# spawn-fcgi/cgi-fcgi, or from the command line, and exits 0 (pass),
# 1 (fail) or 77 (skip: lighttpd, spawn-fcgi, cgi-fcgi or curl missing).
# Run them alone with: ctest --test-dir build -R '^e2e\.' --output-on-failure

find_program(YH_BASH bash)
if(NOT YH_BASH)
  message(WARNING "bash not found: the end-to-end tests are not registered")
  return()
endif()

set(YH_E2E_TESTS
  fastcgi_bulk
  fastcgi_triggered
  fastcgi_edge
  fastcgi_repost_duplicates
  fastcgi_probe
  fastcgi_probe_figures
  fastcgi_probe_unhealthy
  fastcgi_probe_status
  fastcgi_auth
  fastcgi_method
  cgi_bulk
  cgi_triggered
  cgi_chunked
  cgi_no_content_length
  cgi_endless_body
  cgi_quarantine_full
  cgi_bad_content_length
  cli_ingest
  cli_argv_ignored
  cli_decoded_key
  cli_newer_format
  cli_check_token_advice
  cli_check_token_list_advice
  cli_status_silence
  cli_status_views_behind
  cli_status_quarantine
  cli_status_disk
  cli_status_on_commit
  cli_status_consumers
  cli_status_option_clash
  cli_stale_temporaries
  cli_endless_input
  cli_consumer_pending
  cli_consumer_days
  cli_consumer_torn_tail
  cli_consumer_compressed
  cli_stdout_full
  quarantine_bad_json
  quarantine_mixed
  quarantine_pid_namespaces
  spawn_fcgi_bulk
  links_csv_file
  links_tmp_name
  links_day_dir
  links_archive
  links_spool_subdir
  index_bad_header
  verify_read_only
  rebuild_keeps_foreign_csv
  setup_csv_dir_unusable
  views_behind_after_commit
  config_unreadable_other_user
  cgi_no_proc
  archive_compress
  archive_pair_plain_wins
  archive_compress_off
  archive_workbook_from_gz
  archive_erase_compressed
  cli_status_stale_consumer
  verify_consumer_offsets
  retention_removes_old
  retention_keeps_consumer_days
  retention_moves_stale_consumer
  erase_no_trace
  erase_resend_duplicate
  erase_consumers
  erase_during_tail
  erase_exact_value
  erase_quarantine_redacted
  erase_quarantine_seams
  erase_quarantine_only
  erase_quarantine_surrogate
)

foreach(t ${YH_E2E_TESTS})
  add_test(NAME e2e.${t}
           COMMAND ${YH_BASH} ${CMAKE_SOURCE_DIR}/tests/e2e/${t}.sh
                   $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e.${t} PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT 60
    LABELS e2e)
endforeach()

# A script run once for each of its arguments: e2e.<script>_<argument>.
function(yh_e2e_variants script)
  foreach(v ${ARGN})
    add_test(NAME e2e.${script}_${v}
             COMMAND ${YH_BASH} ${CMAKE_SOURCE_DIR}/tests/e2e/${script}.sh
                     $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR} ${v})
    set_tests_properties(e2e.${script}_${v} PROPERTIES
      SKIP_RETURN_CODE 77
      TIMEOUT 60
      LABELS e2e)
  endforeach()
endfunction()
# Key rotation under load, of a token and of a Basic password.
yh_e2e_variants(fastcgi_key_rotation token basic_auth)
# Each long command's progress line.
yh_e2e_variants(cli_progress rebuild verify export xlsx erase)

# A script added to tests/e2e/ without a line above is a mistake: say so.
file(GLOB yh_e2e_scripts RELATIVE ${CMAKE_SOURCE_DIR}/tests/e2e
     ${CMAKE_SOURCE_DIR}/tests/e2e/*.sh)
foreach(s ${yh_e2e_scripts})
  string(REGEX REPLACE "\\.sh$" "" n "${s}")
  # apache.cmake lists the scripts of the Apache, package, download and restart tests.
  if(NOT n MATCHES "^(lib|apache_lib|erase_lib|days_lib|retention_lib|cli_progress|fastcgi_key_rotation|(apache|package|downloads|restart)_.*)$")
    list(FIND YH_E2E_TESTS ${n} found)
    if(found EQUAL -1)
      message(WARNING "tests/e2e/${s} is not listed in tests/e2e.cmake")
    endif()
  endif()
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/tests/e2e.cmake)
