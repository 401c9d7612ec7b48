# handler/package.cmake: the drop-in package, for hosts (shared hosting)
# that have none of the -dev packages and no root access.
#
#     cmake --build build --target package-dropin
#
# makes build/yespo-hook-<version>-<arch>.tar.gz, one folder "yespo-hook/":
#
#   bin/yespo-hook          the program, libfcgi and libconfig linked in
#                           statically, RUNPATH $ORIGIN/../lib
#   lib/                    the shared libraries it needs that are not part
#                           of glibc (on Debian 12: libcjson.so.1, which has
#                           no static archive)
#   yespo-hook.conf.example copy to yespo-hook.conf here (found beside bin/)
#   spool/                  an empty spool, mode 0700
#   web/cgi/                .htaccess + yespo-hook.cgi    (plain CGI)
#   web/fcgid/              .htaccess + yespo-hook.fcgi   (mod_fcgid)
#   web/downloads/          .htaccess + index.html        (the CSV downloads)
#   conf/                   apache-fcgid.conf, lighttpd.conf, the .htaccess
#                           variants under their repository names
#   man/                    yespo-hook.8, yespo-hook.conf.5
#   INSTALL, README.md
#
# The packaged binary is a separate target, yespo-hook-dropin, built only
# for the package (never with sanitizers), so the normal build is unchanged.
#
# Included from handler/CMakeLists.txt after the yespo-hook target; the same
# file, run with "cmake -P", assembles the tarball.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  # ---------------------------------------------------------------- targets
  set(YH_DROPIN_NAME yespo-hook-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR})
  set(YH_DROPIN_TARBALL ${CMAKE_BINARY_DIR}/${YH_DROPIN_NAME}.tar.gz)
  # For tests/apache.cmake.
  set_property(GLOBAL PROPERTY YH_DROPIN_TARBALL ${YH_DROPIN_TARBALL})

  # Static archives where the system has them (Debian 12: libfcgi.a and
  # libconfig.a yes, libcjson.a no); else the shared library, bundled.
  set(yh_dropin_libs)
  foreach(pkg FCGI LIBCONFIG CJSON)
    set(yh_static)
    foreach(name ${${pkg}_LIBRARIES})
      find_library(YH_DROPIN_${pkg}_${name}_A NAMES lib${name}.a
                   HINTS ${${pkg}_LIBRARY_DIRS})
      if(YH_DROPIN_${pkg}_${name}_A)
        list(APPEND yh_static ${YH_DROPIN_${pkg}_${name}_A})
      else()
        set(yh_static NOTFOUND)
        break()
      endif()
    endforeach()
    if(yh_static)
      message(STATUS "package-dropin: ${pkg} linked statically (${yh_static})")
      list(APPEND yh_dropin_libs ${yh_static})
      # What the static archive itself needs (e.g. -lm), minus itself.
      set(yh_extra ${${pkg}_STATIC_LIBRARIES})
      list(REMOVE_ITEM yh_extra ${${pkg}_LIBRARIES})
      list(APPEND yh_dropin_libs ${yh_extra})
    else()
      message(STATUS "package-dropin: ${pkg} has no static archive; its shared library goes into lib/")
      list(APPEND yh_dropin_libs ${${pkg}_LINK_LIBRARIES})
    endif()
  endforeach()

  get_target_property(yh_core_sources yh_core SOURCES)
  add_executable(yespo-hook-dropin EXCLUDE_FROM_ALL main.c front.c ${yh_core_sources})
  target_include_directories(yespo-hook-dropin PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}
    ${FCGI_INCLUDE_DIRS} ${CJSON_INCLUDE_DIRS} ${LIBCONFIG_INCLUDE_DIRS})
  target_compile_definitions(yespo-hook-dropin PRIVATE YH_VERSION="${PROJECT_VERSION}")
  target_link_libraries(yespo-hook-dropin PRIVATE ${yh_dropin_libs})
  # Never a sanitizer build: the host has no libasan.
  get_target_property(yh_opts yespo-hook-dropin COMPILE_OPTIONS)
  if(yh_opts)
    list(FILTER yh_opts EXCLUDE REGEX "sanitize|^-fno-omit-frame-pointer$")
    set_property(TARGET yespo-hook-dropin PROPERTY COMPILE_OPTIONS ${yh_opts})
  endif()
  get_target_property(yh_opts yespo-hook-dropin LINK_OPTIONS)
  if(yh_opts)
    list(FILTER yh_opts EXCLUDE REGEX "sanitize")
    set_property(TARGET yespo-hook-dropin PROPERTY LINK_OPTIONS ${yh_opts})
  endif()
  # Find bundled libraries in ../lib, relative to the binary wherever it is
  # unpacked; RUNPATH (new dtags), no build-tree paths.
  set_target_properties(yespo-hook-dropin PROPERTIES
    OUTPUT_NAME yespo-hook
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/dropin-bin
    BUILD_WITH_INSTALL_RPATH ON
    INSTALL_RPATH "$ORIGIN/../lib")
  target_link_options(yespo-hook-dropin PRIVATE -Wl,--enable-new-dtags)

  set(yh_dropin_inputs
    ${PROJECT_SOURCE_DIR}/conf/apache-fcgid.conf
    ${PROJECT_SOURCE_DIR}/conf/lighttpd.conf
    ${PROJECT_SOURCE_DIR}/conf/htaccess-cgi
    ${PROJECT_SOURCE_DIR}/conf/htaccess-fcgid
    ${PROJECT_SOURCE_DIR}/conf/yespo-hook.conf.example
    ${PROJECT_SOURCE_DIR}/www/.htaccess
    ${PROJECT_SOURCE_DIR}/www/index.html
    ${PROJECT_SOURCE_DIR}/INSTALL
    ${PROJECT_SOURCE_DIR}/README.md
    ${CMAKE_CURRENT_SOURCE_DIR}/yespo-hook.8
    ${CMAKE_CURRENT_SOURCE_DIR}/yespo-hook.conf.5)
  add_custom_command(OUTPUT ${YH_DROPIN_TARBALL}
    COMMAND ${CMAKE_COMMAND}
            -DBIN=$<TARGET_FILE:yespo-hook-dropin>
            -DSRC=${PROJECT_SOURCE_DIR}
            -DSTAGE=${CMAKE_BINARY_DIR}/dropin
            -DOUT=${YH_DROPIN_TARBALL}
            -DSTRIP=${CMAKE_STRIP}
            -P ${CMAKE_CURRENT_LIST_FILE}
    DEPENDS yespo-hook-dropin ${CMAKE_CURRENT_LIST_FILE} ${yh_dropin_inputs}
    COMMENT "Packing ${YH_DROPIN_NAME}.tar.gz"
    VERBATIM)
  add_custom_target(package-dropin DEPENDS ${YH_DROPIN_TARBALL})
  return()
endif()

# ------------------------------------------------- script mode: the tarball
foreach(v BIN SRC STAGE OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "package.cmake: -D${v}=... is required")
  endif()
endforeach()

set(R ${STAGE}/yespo-hook)
file(REMOVE_RECURSE ${STAGE})
file(MAKE_DIRECTORY ${R}/bin ${R}/lib ${R}/conf ${R}/man ${R}/spool
     ${R}/web/cgi ${R}/web/fcgid ${R}/web/downloads)

set(exe FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(ro FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

file(COPY ${BIN} DESTINATION ${R}/bin ${exe})
get_filename_component(bin_name ${BIN} NAME)
if(NOT bin_name STREQUAL "yespo-hook")
  file(RENAME ${R}/bin/${bin_name} ${R}/bin/yespo-hook)
endif()
if(STRIP)
  execute_process(COMMAND ${STRIP} --strip-unneeded ${R}/bin/yespo-hook
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "strip failed")
  endif()
endif()

# Bundle every shared library the binary needs that is not glibc's own,
# as a plain file named by its soname (FTP uploads lose symlinks).
execute_process(COMMAND ldd ${R}/bin/yespo-hook OUTPUT_VARIABLE ldd_out
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ldd ${R}/bin/yespo-hook failed")
endif()
string(REPLACE "\n" ";" ldd_lines "${ldd_out}")
foreach(line ${ldd_lines})
  if(line MATCHES "^[ \t]*([^ \t]+) => ([^ \t]+) \\(")
    set(soname ${CMAKE_MATCH_1})
    set(path ${CMAKE_MATCH_2})
    if(soname MATCHES "^(libc|libm|libpthread|libdl|librt|libresolv|libutil|ld-linux[^.]*)\\.so")
      continue()
    endif()
    get_filename_component(real ${path} REALPATH)
    get_filename_component(real_name ${real} NAME)
    file(COPY ${real} DESTINATION ${R}/lib ${ro})
    if(NOT real_name STREQUAL soname)
      file(RENAME ${R}/lib/${real_name} ${R}/lib/${soname})
    endif()
    message(STATUS "package-dropin: bundled lib/${soname} (from ${real})")
  elseif(line MATCHES "not found")
    message(FATAL_ERROR "package-dropin: ${line}")
  endif()
endforeach()

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
configure_file(${SRC}/handler/yespo-hook.8 ${R}/man/yespo-hook.8 COPYONLY)
configure_file(${SRC}/handler/yespo-hook.conf.5 ${R}/man/yespo-hook.conf.5 COPYONLY)
configure_file(${SRC}/INSTALL ${R}/INSTALL COPYONLY)
configure_file(${SRC}/README.md ${R}/README.md COPYONLY)
execute_process(COMMAND chmod 0700 ${R}/spool)
execute_process(COMMAND chmod 0755 ${R} ${R}/bin ${R}/lib ${R}/web
                ${R}/web/cgi ${R}/web/fcgid ${R}/web/downloads)

# It must start from the unpacked tree with nothing but glibc.
execute_process(COMMAND env -i ${R}/bin/yespo-hook --version
                OUTPUT_VARIABLE ver RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "package-dropin: bin/yespo-hook --version failed")
endif()
# The newest glibc symbol version it needs: the oldest host it runs on.
file(GLOB bundled ${R}/lib/*)
execute_process(COMMAND objdump -T ${R}/bin/yespo-hook ${bundled}
                OUTPUT_VARIABLE syms ERROR_QUIET)
string(REGEX MATCHALL "GLIBC_[0-9]+\\.[0-9]+" glibc "${syms}")
set(need 0)
foreach(g ${glibc})
  string(REPLACE "GLIBC_" "" g ${g})
  if(g VERSION_GREATER need)
    set(need ${g})
  endif()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${OUT} yespo-hook
                WORKING_DIRECTORY ${STAGE} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "package-dropin: tar failed")
endif()
file(SIZE ${OUT} size)
string(STRIP "${ver}" ver)
message(STATUS "package-dropin: ${OUT} (${size} bytes): ${ver}; needs glibc ${need} or newer")
