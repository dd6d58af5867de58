# Packaging tests, run as `cmake -D... -P run_install_test.cmake`.
#
# MODE=prefix: `cmake --install` brisk's build into WORK/prefix, check the
#   installed files and libbrisk.so's dynamic symbols (only brisk_ and wasm_
#   may be defined), then build tests/install/consumer against the prefix
#   with find_package(brisk) and with pkg-config, shared and static, and run
#   every program.
# MODE=subdirectory: configure and build tests/install/subdirectory, which
#   add_subdirectory()s the source tree, and run its programs.
#
# Inputs: MODE, WORK, SOURCE_DIR (brisk's), BUILD_DIR (brisk's build), CONFIG,
# GENERATOR, C_COMPILER, C_FLAGS, LAUNCHER, TOOLCHAIN, EMULATOR ("@@"-joined),
# PKG_CONFIG, NM, READELF, LIBDIR, INCLUDEDIR, BINDIR, VERSION, SOVERSION.
cmake_minimum_required(VERSION 3.20)

foreach(var MODE WORK SOURCE_DIR C_COMPILER READELF)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_install_test.cmake: ${var} is not set")
  endif()
endforeach()
string(REPLACE "@@" ";" EMULATOR "${EMULATOR}")
separate_arguments(C_FLAGS UNIX_COMMAND "${C_FLAGS}")

function(fail what)
  message(SEND_ERROR "FAIL: ${what}")
endfunction()

# run(<what> COMMAND ...): runs a command, stops the test with its output if
# it fails; OUTPUT_VARIABLE of the caller gets stdout.
function(run what)
  cmake_parse_arguments(R "" "OUTPUT_VARIABLE" "COMMAND" ${ARGN})
  execute_process(COMMAND ${R_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    list(JOIN R_COMMAND " " cmdline)
    message(FATAL_ERROR "${what} failed (${rc}):\n  ${cmdline}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  if(R_OUTPUT_VARIABLE)
    set(${R_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
  endif()
endfunction()

# NEEDED entries of an ELF file.
function(needed_libs file out_var)
  run("readelf -d ${file}" COMMAND ${READELF} -d ${file} OUTPUT_VARIABLE dyn)
  string(REGEX MATCHALL "Shared library: \\[[^]]+\\]" entries "${dyn}")
  string(REGEX REPLACE "Shared library: \\[([^]]+)\\]" "\\1" entries "${entries}")
  set(${out_var} "${entries}" PARENT_SCOPE)
endfunction()

# Runs a consumer program (under the emulator when cross-compiling); it must
# exit 0 and report that all checks passed.
function(run_consumer program)
  run("running ${program}" COMMAND ${EMULATOR} ${program} OUTPUT_VARIABLE out)
  if(NOT out MATCHES "brisk consumer: all checks passed")
    fail("${program} did not report success:\n${out}")
  endif()
  message(STATUS "ok: ${program}")
endfunction()

# A program linked against the shared library loads libbrisk.so.N and
# nothing of asmjit; one linked statically does not load libbrisk at all.
function(check_linkage program kind)
  needed_libs(${program} libs)
  if(kind STREQUAL "shared")
    if(NOT "libbrisk.so.${SOVERSION}" IN_LIST libs)
      fail("${program} does not load libbrisk.so.${SOVERSION} (NEEDED: ${libs})")
    endif()
  elseif(libs MATCHES "libbrisk")
    fail("${program} should be linked statically but loads libbrisk (NEEDED: ${libs})")
  endif()
  if(libs MATCHES "asmjit")
    fail("${program} loads asmjit (NEEDED: ${libs}); asmjit is brisk's private dependency")
  endif()
endfunction()

# Configures and builds a CMake project; extra arguments go to the configure.
function(build_project src bin)
  set(args -S ${src} -B ${bin} -DCMAKE_BUILD_TYPE=${CONFIG} -DCMAKE_C_COMPILER=${C_COMPILER})
  if(GENERATOR)
    list(APPEND args -G ${GENERATOR})
  endif()
  if(TOOLCHAIN)
    list(APPEND args -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN})
  endif()
  if(LAUNCHER)
    list(APPEND args -DCMAKE_C_COMPILER_LAUNCHER=${LAUNCHER} -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
  endif()
  if(C_FLAGS)
    list(JOIN C_FLAGS " " flags)
    list(APPEND args "-DCMAKE_C_FLAGS=${flags}" "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
  endif()
  run("configuring ${src}" COMMAND ${CMAKE_COMMAND} ${args} ${ARGN})
  run("building ${src}" COMMAND ${CMAKE_COMMAND} --build ${bin} --config ${CONFIG})
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

if(MODE STREQUAL "subdirectory")
  build_project(${SOURCE_DIR}/tests/install/subdirectory ${WORK}/build -DBRISK_SOURCE_TREE=${SOURCE_DIR})
  foreach(kind shared static)
    check_linkage(${WORK}/build/consumer_${kind} ${kind})
    run_consumer(${WORK}/build/consumer_${kind})
  endforeach()
  return()
endif()

if(NOT MODE STREQUAL "prefix")
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()

# --- install ------------------------------------------------------------------
set(prefix ${WORK}/prefix)
run("cmake --install" COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --config ${CONFIG})
set(libdir ${prefix}/${LIBDIR})
foreach(file
    ${INCLUDEDIR}/brisk/brisk.h ${INCLUDEDIR}/brisk/brisk.hpp ${INCLUDEDIR}/wasm.h ${INCLUDEDIR}/wasm_brisk.h
    ${LIBDIR}/libbrisk.so.${VERSION} ${LIBDIR}/libbrisk.so.${SOVERSION} ${LIBDIR}/libbrisk.so ${LIBDIR}/libbrisk.a
    ${LIBDIR}/cmake/brisk/brisk-config.cmake ${LIBDIR}/cmake/brisk/brisk-config-version.cmake
    ${LIBDIR}/pkgconfig/brisk.pc ${LIBDIR}/pkgconfig/brisk-static.pc
    ${BINDIR}/brisk)
  if(NOT EXISTS ${prefix}/${file})
    fail("not installed: ${file}")
  endif()
endforeach()
foreach(link libbrisk.so libbrisk.so.${SOVERSION})
  if(NOT IS_SYMLINK ${libdir}/${link})
    fail("${LIBDIR}/${link} is not a symbolic link")
  endif()
endforeach()
# Only public headers: brisk/*.h, brisk/*.hpp (and the standard wasm.h with brisk's wasm_brisk.h), never src/.
file(GLOB_RECURSE headers RELATIVE ${prefix}/${INCLUDEDIR} ${prefix}/${INCLUDEDIR}/*)
foreach(h ${headers})
  if(NOT h MATCHES "^(brisk/[A-Za-z0-9_]+\\.h(pp)?|wasm(_brisk)?\\.h)$")
    fail("unexpected file installed under ${INCLUDEDIR}: ${h}")
  endif()
endforeach()

# --- libbrisk.so: soname and exported symbols ---------------------------------
run("readelf -d libbrisk.so" COMMAND ${READELF} -d ${libdir}/libbrisk.so.${VERSION} OUTPUT_VARIABLE dyn)
if(NOT dyn MATCHES "Library soname: \\[libbrisk\\.so\\.${SOVERSION}\\]")
  fail("libbrisk.so.${VERSION} has no soname libbrisk.so.${SOVERSION}:\n${dyn}")
endif()
if(dyn MATCHES "TEXTREL")
  fail("libbrisk.so has text relocations (objects that are not position-independent)")
endif()
run("nm -D libbrisk.so" COMMAND ${NM} -D --defined-only ${libdir}/libbrisk.so.${VERSION} OUTPUT_VARIABLE syms)
string(REPLACE "\n" ";" lines "${syms}")
set(exported "")
set(leaked "")
foreach(line ${lines})
  if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] ([^ @]+)")
    set(name ${CMAKE_MATCH_1})
    list(APPEND exported ${name})
    if(NOT name MATCHES "^(brisk_|wasm_)")
      list(APPEND leaked ${name})
    endif()
  endif()
endforeach()
if(leaked)
  list(LENGTH leaked n)
  list(SUBLIST leaked 0 20 some)
  list(JOIN some "\n  " some)
  fail("libbrisk.so exports ${n} non-API symbol(s), e.g.\n  ${some}")
endif()
foreach(api brisk_store_new brisk_module_new brisk_instantiate brisk_func_call brisk_store_delete
    wasm_engine_new wasm_module_new wasm_instance_new wasm_func_call wasm_store_delete)
  if(NOT api IN_LIST exported)
    fail("libbrisk.so does not export ${api}")
  endif()
endforeach()
list(LENGTH exported n)
message(STATUS "libbrisk.so exports ${n} symbols, all brisk_/wasm_")

# --- the CMake package: what each target puts on a consumer's command lines ---
# brisk::brisk needs nothing but itself; brisk::brisk_static links (only)
# asmjit, pthread and the C++ runtime, and gives no asmjit headers or flags.
file(READ ${libdir}/cmake/brisk/brisk-shared-targets.cmake shared_targets)
if(shared_targets MATCHES "INTERFACE_LINK_LIBRARIES|asmjit|Threads")
  fail("brisk::brisk passes brisk's private dependencies on to consumers (brisk-shared-targets.cmake)")
endif()
file(READ ${libdir}/cmake/brisk/brisk-static-targets.cmake static_targets)
if(NOT static_targets MATCHES "LINK_ONLY:asmjit::asmjit" OR NOT static_targets MATCHES "LINK_ONLY:Threads::Threads")
  fail("brisk::brisk_static does not link asmjit and Threads (brisk-static-targets.cmake)")
endif()
if(static_targets MATCHES "INTERFACE_COMPILE_[A-Z]+ [^)]*ASMJIT")
  fail("brisk::brisk_static passes asmjit's compile flags on to consumers")
endif()

# --- consumer with find_package(brisk) ----------------------------------------
build_project(${SOURCE_DIR}/tests/install/consumer ${WORK}/cmake-consumer -DCMAKE_PREFIX_PATH=${prefix})
foreach(kind shared static)
  check_linkage(${WORK}/cmake-consumer/consumer_${kind} ${kind})
  run_consumer(${WORK}/cmake-consumer/consumer_${kind})
endforeach()

# --- consumer with pkg-config ---------------------------------------------------
if(NOT PKG_CONFIG)
  fail("pkg-config not found: the pkg-config half of the install test cannot run")
  return()
endif()
set(ENV{PKG_CONFIG_PATH} ${libdir}/pkgconfig)
function(pkg_config out_var)
  run("pkg-config ${ARGN}" COMMAND ${PKG_CONFIG} ${ARGN} OUTPUT_VARIABLE out)
  string(STRIP "${out}" out)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
pkg_config(version --modversion brisk)
if(NOT version STREQUAL VERSION)
  fail("pkg-config --modversion brisk is '${version}', expected '${VERSION}'")
endif()
pkg_config(shared_libs --libs brisk)
pkg_config(static_libs --static --libs brisk)
if(shared_libs MATCHES "asmjit|stdc\\+\\+")
  fail("pkg-config --libs brisk names brisk's private dependencies: ${shared_libs}")
endif()
if(NOT static_libs MATCHES "-lasmjit" OR NOT static_libs MATCHES "-lstdc\\+\\+")
  fail("pkg-config --static --libs brisk lacks what libbrisk.a needs: ${static_libs}")
endif()
# cc prog.c $(pkg-config --cflags --libs brisk), run with an rpath.
set(main ${SOURCE_DIR}/tests/install/consumer/main.c)
foreach(kind shared static)
  if(kind STREQUAL "shared")
    pkg_config(flags --cflags --libs brisk)
    set(extra -Wl,-rpath,${libdir})
  else()
    pkg_config(flags --cflags --libs brisk-static)
    set(extra "")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  set(program ${WORK}/pkg-config-consumer_${kind})
  run("cc main.c (pkg-config, ${kind})"
      COMMAND ${C_COMPILER} ${C_FLAGS} ${main} ${flags} ${extra} -o ${program})
  check_linkage(${program} ${kind})
  run_consumer(${program})
endforeach()
