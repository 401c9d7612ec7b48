# tests/recipes.cmake: the database recipes of README.md (conf/schema.sql,
# conf/load-postgresql.sh, conf/load-sqlite.sh, conf/feed-postgresql.sh on
# a consumer, killed 50 times while batches arrive) and on_commit, run as
# written against a spool the built binary makes.  Included from
# tests/CMakeLists.txt.
# Each exits 77 (skip) when its database is not installed.
#   ctest --test-dir build -L recipes --output-on-failure

find_program(YH_RECIPES_BASH bash)
if(NOT YH_RECIPES_BASH)
  return()
endif()

foreach(t postgresql sqlite feed_postgresql on_commit)
  add_test(NAME recipes.${t}
           COMMAND ${YH_RECIPES_BASH} ${CMAKE_SOURCE_DIR}/tests/recipes/${t}.sh
                   $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
  set_tests_properties(recipes.${t} PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT 300
    LABELS recipes)
endforeach()

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_LIST_FILE})
