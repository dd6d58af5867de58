# The one way test folders build their wasm fixtures and register tests run in every
# execution mode (tests/api, tests/wasm_c_api, tests/wasi, tests/cli). A fixture is built at
# build time from its source, chosen by the source's extension:
#   .wat  wat2wasm --debug-names (a name section, for backtraces)
#   .c    clang --target=wasm32-wasi with wasi-libc, -O2 -Wall
#   .rs   /usr/bin/rustc --target wasm32-wasi -O
# A tool a fixture needs that is missing, or a clang that cannot build a wasm32-wasi program,
# stops the configure step with the package to install: a test never disappears silently.
include_guard(GLOBAL)

find_program(BRISK_WAT2WASM wat2wasm)
find_program(BRISK_CLANG clang)
find_program(BRISK_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH)

# brisk_require_wasm_tool(EXT): configure-time error unless the compiler of fixtures with
# extension EXT (.wat, .c or .rs) works. clang is probed once per configure by compiling and
# linking a program against wasi-libc, since a clang without the wasm32 target, lld or
# wasi-libc is found by find_program but cannot build a single fixture.
function(brisk_require_wasm_tool ext)
  if(ext STREQUAL ".wat")
    if(NOT BRISK_WAT2WASM)
      message(FATAL_ERROR "wat2wasm is required to build the wasm test fixtures (apt install wabt)")
    endif()
  elseif(ext STREQUAL ".c")
    set(hint "(apt install clang lld wasi-libc libclang-rt-dev-wasm32)")
    if(NOT BRISK_CLANG)
      message(FATAL_ERROR "clang is required to build the wasm32-wasi test programs ${hint}")
    endif()
    get_property(probed GLOBAL PROPERTY BRISK_WASI_CLANG_PROBED)
    if(probed)
      return()
    endif()
    set(dir ${CMAKE_BINARY_DIR}/wasi-clang-probe)
    file(WRITE ${dir}/probe.c "#include <stdio.h>\nint main(void) { return puts(\"probe\") < 0; }\n")
    execute_process(COMMAND ${BRISK_CLANG} --target=wasm32-wasi --sysroot=/usr ${dir}/probe.c -o ${dir}/probe.wasm
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${dir}/probe.wasm)
      message(FATAL_ERROR "${BRISK_CLANG} cannot build a wasm32-wasi program with wasi-libc ${hint}:\n"
                          "${BRISK_CLANG} --target=wasm32-wasi --sysroot=/usr ${dir}/probe.c exited with ${rc}\n${out}${err}")
    endif()
    set_property(GLOBAL PROPERTY BRISK_WASI_CLANG_PROBED TRUE)
  elseif(ext STREQUAL ".rs")
    if(NOT BRISK_RUSTC)
      message(FATAL_ERROR "/usr/bin/rustc is required for the Rust WASI test programs "
                          "(apt install rustc libstd-rust-dev-wasm32)")
    endif()
  else()
    message(FATAL_ERROR "brisk wasm fixtures: no compiler for '${ext}' sources (.wat, .c or .rs)")
  endif()
endfunction()

# brisk_wasm_fixture(SOURCE src OUTPUT out.wasm [FLAGS f...] [DEPENDS file...]): the build
# rule of one fixture; FLAGS go to its compiler, DEPENDS are files it includes.
function(brisk_wasm_fixture)
  cmake_parse_arguments(F "" "SOURCE;OUTPUT" "FLAGS;DEPENDS" ${ARGN})
  get_filename_component(ext ${F_SOURCE} LAST_EXT)
  get_filename_component(dir ${F_OUTPUT} DIRECTORY)
  get_filename_component(file ${F_SOURCE} NAME)
  brisk_require_wasm_tool(${ext})
  if(ext STREQUAL ".wat")
    set(cmd ${BRISK_WAT2WASM} --debug-names ${F_FLAGS} ${F_SOURCE} -o ${F_OUTPUT})
  elseif(ext STREQUAL ".c")
    set(cmd ${BRISK_CLANG} --target=wasm32-wasi --sysroot=/usr -O2 -Wall ${F_FLAGS} ${F_SOURCE} -o ${F_OUTPUT})
  else()
    set(cmd ${BRISK_RUSTC} --target wasm32-wasi -O ${F_FLAGS} ${F_SOURCE} -o ${F_OUTPUT})
  endif()
  add_custom_command(OUTPUT ${F_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ${cmd}
    DEPENDS ${F_SOURCE} ${F_DEPENDS}
    COMMENT "Building wasm fixture ${file}" VERBATIM)
endfunction()

# brisk_wasm_fixtures(TARGET t DIR d SOURCES src... [FLAGS f...] [DEPENDS file...]): builds
# each source into d/<stem>.wasm (paths relative to the current source folder), all under
# the custom target t, which is part of ALL.
function(brisk_wasm_fixtures)
  cmake_parse_arguments(F "" "TARGET;DIR" "SOURCES;FLAGS;DEPENDS" ${ARGN})
  set(outputs "")
  foreach(src IN LISTS F_SOURCES)
    get_filename_component(src ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(stem ${src} NAME_WE)
    brisk_wasm_fixture(SOURCE ${src} OUTPUT ${F_DIR}/${stem}.wasm FLAGS ${F_FLAGS} DEPENDS ${F_DEPENDS})
    list(APPEND outputs ${F_DIR}/${stem}.wasm)
  endforeach()
  add_custom_target(${F_TARGET} ALL DEPENDS ${outputs})
endfunction()

# brisk_mode_tests(NAME prefix COMMAND cmd arg... [MODES m...] [LABELS l...] [TIMEOUT s]
#                  [ENVIRONMENT VAR=value...]): one test prefix.<mode> per execution mode
# (MODES, default BRISK_TEST_MODES), running COMMAND with each @MODE@ replaced by the mode.
function(brisk_mode_tests)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "COMMAND;MODES;LABELS;ENVIRONMENT" ${ARGN})
  if(NOT T_MODES)
    set(T_MODES ${BRISK_TEST_MODES})
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  foreach(mode IN LISTS T_MODES)
    string(REPLACE "@MODE@" "${mode}" cmd "${T_COMMAND}")
    add_test(NAME ${T_NAME}.${mode} COMMAND ${cmd})
    set_tests_properties(${T_NAME}.${mode} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
    if(T_ENVIRONMENT)
      set_tests_properties(${T_NAME}.${mode} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
    endif()
  endforeach()
endfunction()
