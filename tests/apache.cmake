# tests/apache.cmake: end-to-end tests of the shipped web-server configs
# (conf/apache-fcgid.conf, conf/htaccess-*, conf/lighttpd.conf,
# www/.htaccess), the drop-in package and restarts.  Included from
# tests/CMakeLists.txt after e2e.cmake.  Each starts its own Apache or
# lighttpd on a free loopback port and exits 77 (skip) only when the
# server or a module is not installed.
#   ctest --test-dir build -R '^e2e\.(apache|package|downloads|restart)_' --output-on-failure

find_program(YH_BASH bash)
if(NOT YH_BASH)
  return()
endif()

set(YH_APACHE_TESTS apache_fcgid apache_cgi downloads_apache downloads_lighttpd
                    restart_apache restart_lighttpd)
foreach(t ${YH_APACHE_TESTS})
  add_test(NAME e2e.${t}
           COMMAND ${YH_BASH} ${CMAKE_SOURCE_DIR}/tests/e2e/${t}.sh
                   $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e.${t} PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT 120
    LABELS "e2e;apache")
endforeach()

# The packages: built by a setup test (the package-dropin target is not
# part of the default build), then unpacked and run in an empty root
# (x86_64 natively, aarch64 under qemu-user) and served by Apache.
get_property(YH_DROPIN_TARBALL GLOBAL PROPERTY YH_DROPIN_TARBALL_x86_64)
get_property(YH_DROPIN_TARBALL_AARCH64 GLOBAL PROPERTY YH_DROPIN_TARBALL_aarch64)
if(YH_DROPIN_TARBALL)
  # The first build fetches and compiles the static libraries (about a
  # minute); later ones reuse them.
  add_test(NAME e2e.package_build
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target package-dropin)
  set_tests_properties(e2e.package_build PROPERTIES
    FIXTURES_SETUP yh_dropin
    TIMEOUT 600
    LABELS "e2e;apache")
  foreach(arch x86_64 aarch64)
    if(arch STREQUAL "x86_64")
      set(yh_tarball ${YH_DROPIN_TARBALL})
    else()
      set(yh_tarball ${YH_DROPIN_TARBALL_AARCH64})
    endif()
    add_test(NAME e2e.package_chroot_${arch}
             COMMAND ${YH_BASH} ${CMAKE_SOURCE_DIR}/tests/e2e/package_chroot.sh
                     $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR} ${yh_tarball} ${arch})
    set_tests_properties(e2e.package_chroot_${arch} PROPERTIES
      FIXTURES_REQUIRED yh_dropin
      SKIP_RETURN_CODE 77
      TIMEOUT 120
      LABELS "e2e;package")
  endforeach()
  add_test(NAME e2e.package_apache
           COMMAND ${YH_BASH} ${CMAKE_SOURCE_DIR}/tests/e2e/package_apache.sh
                   $<TARGET_FILE:yespo-hook> ${CMAKE_SOURCE_DIR} ${YH_DROPIN_TARBALL})
  set_tests_properties(e2e.package_apache PROPERTIES
    FIXTURES_REQUIRED yh_dropin
    SKIP_RETURN_CODE 77
    TIMEOUT 120
    LABELS "e2e;apache")
else()
  message(WARNING "handler/package.cmake is not included: no package tests")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_LIST_FILE})
