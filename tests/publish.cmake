# tests/publish.cmake: what people open, made from the spool: the generated
# download page (rendered by headless Chromium; skipped, 77, without it;
# its screenshot kept in build/artifacts/download-page.png), --export, and
# the closed day's workbook (openpyxl; LibreOffice headless when installed).
# Included from tests/CMakeLists.txt.
#   ctest --test-dir build -L publish --output-on-failure

find_program(YH_PUBLISH_BASH bash)
if(NOT YH_PUBLISH_BASH)
  return()
endif()

foreach(t page_chromium export_cli workbook)
  add_test(NAME publish.${t}
           COMMAND ${YH_PUBLISH_BASH} ${CMAKE_SOURCE_DIR}/tests/publish/${t}.sh
                   $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
  set_tests_properties(publish.${t} PROPERTIES
    ENVIRONMENT "YH_ARTIFACTS=${CMAKE_BINARY_DIR}/artifacts"
    SKIP_RETURN_CODE 77
    TIMEOUT 150
    LABELS publish)
endforeach()

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_LIST_FILE})
