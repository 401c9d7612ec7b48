# handler/package.cmake: the drop-in packages, for hosts (shared hosting)
# that have none of the -dev packages, no root access and any glibc (or
# none): one static binary per architecture.
#
#     cmake --build build --target package-dropin
#
# makes build/yespo-hook-<version>-x86_64.tar.gz and
# build/yespo-hook-<version>-aarch64.tar.gz, each one folder "yespo-hook/":
#
#   bin/yespo-hook          the program: static (musl, libfcgi, libconfig
#                           and cJSON linked in), no dynamic section at all
#   yespo-hook.conf.example copy to yespo-hook.conf here (found beside bin/)
#   sample.json             a batch as Yespo sends it, for INSTALL's tests
#   spool/                  an empty spool, mode 0700
#   web/cgi/                .htaccess + yespo-hook.cgi    (plain CGI)
#   web/fcgid/              .htaccess + yespo-hook.fcgi   (mod_fcgid)
#   web/downloads/          .htaccess + index.html        (the CSV downloads)
#   conf/                   apache-fcgid.conf, lighttpd.conf, the .htaccess
#                           variants under their repository names
#   man/                    yespo-hook.8, yespo-hook.conf.5
#   INSTALL, README.md
#
# The top folder, bin/, spool/, conf/ and man/ each hold a deny-all
# .htaccess (conf/htaccess-deny), so a package unpacked inside public_html
# by mistake serves none of its files.
#
# The binaries are built by handler/static-build.sh with musl-gcc (x86_64)
# and aarch64-linux-gnu-gcc with Debian's musl for arm64, against libfcgi,
# libconfig and cJSON built from their Debian source packages; the sources
# and libraries are kept in build/dropin-static/ so only the first build
# fetches and compiles them.  The normal build (cmake --install, linked
# against the system's shared libraries) is unaffected.
#
# Included from handler/CMakeLists.txt after the yespo-hook target; the same
# file, run with "cmake -P", assembles a tarball.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  # ---------------------------------------------------------------- targets
  set(YH_DROPIN_ARCHES x86_64 aarch64)
  set(yh_work ${CMAKE_BINARY_DIR}/dropin-static)
  find_program(YH_READELF NAMES readelf)
  find_program(YH_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
  get_target_property(yh_core_sources yh_core SOURCES)
  set(yh_sources)
  foreach(f main.c front.c ${yh_core_sources})
    list(APPEND yh_sources ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  file(GLOB yh_headers ${CMAKE_CURRENT_SOURCE_DIR}/*.h)

  set(yh_dropin_inputs
    ${PROJECT_SOURCE_DIR}/conf/apache-fcgid.conf
    ${PROJECT_SOURCE_DIR}/conf/lighttpd.conf
    ${PROJECT_SOURCE_DIR}/conf/htaccess-cgi
    ${PROJECT_SOURCE_DIR}/conf/htaccess-fcgid
    ${PROJECT_SOURCE_DIR}/conf/htaccess-deny
    ${PROJECT_SOURCE_DIR}/conf/yespo-hook.conf.example
    ${PROJECT_SOURCE_DIR}/tests/data/bulk-campaign.json
    ${PROJECT_SOURCE_DIR}/www/.htaccess
    ${PROJECT_SOURCE_DIR}/www/index.html
    ${PROJECT_SOURCE_DIR}/INSTALL
    ${PROJECT_SOURCE_DIR}/README.md
    ${CMAKE_CURRENT_SOURCE_DIR}/yespo-hook.8
    ${CMAKE_CURRENT_SOURCE_DIR}/yespo-hook.conf.5)
  set(yh_tarballs)
  set(yh_prev_bin)
  foreach(arch ${YH_DROPIN_ARCHES})
    set(yh_bin ${yh_work}/bin-${arch}/yespo-hook)
    set(yh_name yespo-hook-${PROJECT_VERSION}-${arch})
    set(yh_tarball ${CMAKE_BINARY_DIR}/${yh_name}.tar.gz)
    # One build at a time: they share the fetched sources.
    set(yh_after ${yh_prev_bin})
    set(yh_prev_bin ${yh_bin})
    add_custom_command(OUTPUT ${yh_bin}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/static-build.sh ${arch} ${yh_work}
              ${yh_bin} ${PROJECT_VERSION} ${yh_sources}
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/static-build.sh ${yh_sources} ${yh_headers}
              ${yh_after}
      COMMENT "Building the static yespo-hook for ${arch}"
      VERBATIM)
    # The x86_64 binary runs here; the aarch64 one under qemu-user if any.
    set(yh_run)
    if(arch STREQUAL "aarch64")
      set(yh_run ${YH_QEMU_AARCH64})
    endif()
    add_custom_command(OUTPUT ${yh_tarball}
      COMMAND ${CMAKE_COMMAND}
              -DBIN=${yh_bin}
              -DARCH=${arch}
              -DRUN=${yh_run}
              -DREADELF=${YH_READELF}
              -DSRC=${PROJECT_SOURCE_DIR}
              -DSTAGE=${CMAKE_BINARY_DIR}/dropin-${arch}
              -DOUT=${yh_tarball}
              -P ${CMAKE_CURRENT_LIST_FILE}
      DEPENDS ${yh_bin} ${CMAKE_CURRENT_LIST_FILE} ${yh_dropin_inputs}
      COMMENT "Packing ${yh_name}.tar.gz"
      VERBATIM)
    list(APPEND yh_tarballs ${yh_tarball})
    # For tests/apache.cmake and tests/package.cmake.
    set_property(GLOBAL PROPERTY YH_DROPIN_TARBALL_${arch} ${yh_tarball})
  endforeach()
  add_custom_target(package-dropin DEPENDS ${yh_tarballs})
  return()
endif()

# ------------------------------------------------- script mode: the tarball
foreach(v BIN ARCH SRC STAGE OUT READELF)
  if(NOT DEFINED ${v} OR "${${v}}" STREQUAL "")
    message(FATAL_ERROR "package.cmake: -D${v}=... is required")
  endif()
endforeach()

# No dynamic section: nothing to load, so any Linux kernel of the
# architecture runs it, whatever libc (if any) the host has.
execute_process(COMMAND ${READELF} -d ${BIN} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR dyn MATCHES "NEEDED|INTERP")
  message(FATAL_ERROR "package-dropin: ${BIN} is not static:\n${dyn}")
endif()

set(R ${STAGE}/yespo-hook)
file(REMOVE_RECURSE ${STAGE})
file(MAKE_DIRECTORY ${R}/bin ${R}/conf ${R}/man ${R}/spool
     ${R}/web/cgi ${R}/web/fcgid ${R}/web/downloads)

set(exe FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

file(COPY ${BIN} DESTINATION ${R}/bin ${exe})

# The two-line start script of each .htaccess variant: the binary, its
# config and its spool stay outside the web root (suEXEC drops SetEnv, and
# a config beside a binary in public_html would be in public_html).
foreach(kind cgi fcgid)
  if(kind STREQUAL "cgi")
    set(script yespo-hook.cgi)
  else()
    set(script yespo-hook.fcgi)
  endif()
  file(WRITE ${STAGE}/${script}
"#!/bin/sh
# Starts yespo-hook for Apache (${kind}).  The program, its config
# (yespo-hook.conf, found beside bin/) and its spool stay outside
# public_html, in the folder the package was unpacked to.
# EDIT the next line: that folder's full path (run \"pwd\" in it).
YH_HOME=/home/USER/yespo-hook
exec \"$YH_HOME/bin/yespo-hook\"
")
  file(COPY ${STAGE}/${script} DESTINATION ${R}/web/${kind} ${exe})
  file(REMOVE ${STAGE}/${script})
  configure_file(${SRC}/conf/htaccess-${kind} ${R}/web/${kind}/.htaccess COPYONLY)
  configure_file(${SRC}/conf/htaccess-${kind} ${R}/conf/htaccess-${kind} COPYONLY)
endforeach()
configure_file(${SRC}/www/.htaccess ${R}/web/downloads/.htaccess COPYONLY)
configure_file(${SRC}/www/index.html ${R}/web/downloads/index.html COPYONLY)
foreach(f apache-fcgid.conf lighttpd.conf)
  configure_file(${SRC}/conf/${f} ${R}/conf/${f} COPYONLY)
endforeach()
configure_file(${SRC}/conf/yespo-hook.conf.example ${R}/yespo-hook.conf.example COPYONLY)
configure_file(${SRC}/tests/data/bulk-campaign.json ${R}/sample.json COPYONLY)
foreach(d . bin spool conf man)
  configure_file(${SRC}/conf/htaccess-deny ${R}/${d}/.htaccess COPYONLY)
endforeach()
configure_file(${SRC}/conf/htaccess-deny ${R}/conf/htaccess-deny COPYONLY)
configure_file(${SRC}/handler/yespo-hook.8 ${R}/man/yespo-hook.8 COPYONLY)
configure_file(${SRC}/handler/yespo-hook.conf.5 ${R}/man/yespo-hook.conf.5 COPYONLY)
configure_file(${SRC}/INSTALL ${R}/INSTALL COPYONLY)
configure_file(${SRC}/README.md ${R}/README.md COPYONLY)
execute_process(COMMAND chmod 0700 ${R}/spool)
execute_process(COMMAND chmod 0755 ${R} ${R}/bin ${R}/web
                ${R}/web/cgi ${R}/web/fcgid ${R}/web/downloads)

# It must start from the unpacked tree with an empty environment.
if(ARCH STREQUAL "x86_64" OR RUN)
  execute_process(COMMAND env -i ${RUN} ${R}/bin/yespo-hook --version
                  OUTPUT_VARIABLE ver RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package-dropin: ${ARCH} bin/yespo-hook --version failed")
  endif()
  string(STRIP "${ver}" ver)
else()
  set(ver "not run: no qemu-aarch64-static (apt-get install qemu-user-static)")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${OUT} yespo-hook
                WORKING_DIRECTORY ${STAGE} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "package-dropin: tar failed")
endif()
file(SIZE ${OUT} size)
file(SIZE ${R}/bin/yespo-hook bin_size)
message(STATUS "package-dropin: ${OUT} (${size} bytes; bin/yespo-hook ${bin_size} bytes, static): ${ver}")
