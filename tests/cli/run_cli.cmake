# Runs the brisk CLI once and checks its exit code, stderr and stdout.
#
#   cmake -DBRISK=<path> -DARGS=<a@@b@@c> -DEXPECT_EXIT=<n>
#         [-DSTDERR_RE=<re1@@re2>] [-DSTDOUT_RE=<re1@@re2>] [-DSTDOUT_EQUALS=<text>]
#         [-DSTDERR_EMPTY=1] [-DFIXTURES=<dir>] -P run_cli.cmake
#
# Arguments and regex lists are separated by "@@". In expectations, "<NL>"
# stands for a newline, and "<NAME>" for the value of NAME from
# FIXTURES/offsets.txt (lines "NAME=value", written by the fixture
# generator), or for the regex-escaped path when NAME is FILE:<path-arg-index>.
# A process killed by a signal always fails the test.
cmake_minimum_required(VERSION 3.20)

if(NOT DEFINED BRISK OR NOT DEFINED EXPECT_EXIT)
  message(FATAL_ERROR "run_cli.cmake: BRISK and EXPECT_EXIT are required")
endif()

set(args "")
if(DEFINED ARGS AND NOT ARGS STREQUAL "")
  string(REPLACE "@@" ";" args "${ARGS}")
endif()

# Placeholder values: fixture offsets.
set(subst_names "")
if(DEFINED FIXTURES AND EXISTS "${FIXTURES}/offsets.txt")
  file(STRINGS "${FIXTURES}/offsets.txt" lines)
  foreach(line IN LISTS lines)
    if(line MATCHES "^([A-Za-z0-9_]+)=(.*)$")
      set("subst_${CMAKE_MATCH_1}" "${CMAKE_MATCH_2}")
      list(APPEND subst_names "${CMAKE_MATCH_1}")
    endif()
  endforeach()
endif()

function(regex_escape out text)
  string(REGEX REPLACE "([][+.*()^$?|\\\\{}])" "\\\\\\1" escaped "${text}")
  set(${out} "${escaped}" PARENT_SCOPE)
endfunction()

# Expands <NL>, <NAME> and <FILEn> (regex-escaped argument n) in {text}.
function(expand out text escape)
  string(REPLACE "<NL>" "\n" text "${text}")
  foreach(name IN LISTS subst_names)
    string(REPLACE "<${name}>" "${subst_${name}}" text "${text}")
  endforeach()
  set(i 0)
  foreach(a IN LISTS args)
    if(escape)
      regex_escape(a "${a}")
    endif()
    string(REPLACE "<ARG${i}>" "${a}" text "${text}")
    math(EXPR i "${i} + 1")
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

execute_process(
  COMMAND "${BRISK}" ${args}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 60)

string(REPLACE ";" " " shown_args "${args}")
set(report "command: brisk ${shown_args}\nexit: ${rc}\n--- stdout ---\n${out}--- stderr ---\n${err}--------------")

if(NOT rc MATCHES "^[0-9]+$")
  message(FATAL_ERROR "brisk did not exit normally (killed by a signal or timed out: '${rc}')\n${report}")
endif()
if(NOT rc EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_EXIT}\n${report}")
endif()

foreach(stream stdout stderr)
  string(TOUPPER "${stream}" S)
  if(stream STREQUAL "stdout")
    set(text "${out}")
  else()
    set(text "${err}")
  endif()
  if(DEFINED ${S}_RE AND NOT ${S}_RE STREQUAL "")
    string(REPLACE "@@" ";" res "${${S}_RE}")
    foreach(re IN LISTS res)
      expand(re "${re}" TRUE)
      if(NOT text MATCHES "${re}")
        message(FATAL_ERROR "${stream} does not match the regex:\n${re}\n${report}")
      endif()
    endforeach()
  endif()
  if(DEFINED ${S}_EQUALS)
    expand(want "${${S}_EQUALS}" FALSE)
    if(NOT text STREQUAL want)
      message(FATAL_ERROR "${stream} is not exactly:\n${want}\n${report}")
    endif()
  endif()
  if(${S}_EMPTY AND NOT text STREQUAL "")
    message(FATAL_ERROR "${stream} should be empty\n${report}")
  endif()
endforeach()
