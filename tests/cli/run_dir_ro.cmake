# cli.dir_read_only: `brisk run --dir-ro` keeps the guest from changing the directory.
#
#   cmake -DBRISK=<brisk> -DGUEST=<dir_ro_guest.wasm> -DWORK=<scratch dir> -DMODE=<mode> -P run_dir_ro.cmake
#
# Runs the guest twice on a fresh copy of a directory holding existing.txt:
# with --dir-ro every write must fail with EROFS (EACCES is accepted too: both
# say "not writable" to a POSIX program) and the directory must stay as it
# was; with --dir, the control run, the same writes must succeed, which shows
# that the guest's attempts are real writes.
cmake_minimum_required(VERSION 3.20)
foreach(v BRISK GUEST WORK MODE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_dir_ro.cmake: ${v} is required")
  endif()
endforeach()

set(content "original\n")
function(fresh_dir)
  file(REMOVE_RECURSE ${WORK})
  file(MAKE_DIRECTORY ${WORK})
  file(WRITE ${WORK}/existing.txt "${content}")
endfunction()

function(run_guest option out_var)
  execute_process(COMMAND ${BRISK} run --mode=${MODE} ${option}=${WORK}::/data ${GUEST} /data
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "brisk run ${option}: exit ${rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Read-only: every write refused, nothing changed.
fresh_dir()
run_guest(--dir-ro out)
set(refused "(EROFS|EACCES)")
set(expected "^read: ok original\nwrite-through-read-fd: ${refused}\nopen-for-write: ${refused}\ncreate: ${refused}\n"
             "mkdir: ${refused}\nrename: ${refused}\nunlink: ${refused}\n$")
string(JOIN "" expected ${expected})
if(NOT out MATCHES "${expected}")
  message(FATAL_ERROR "--dir-ro: the guest saw\n${out}\nexpected (regex)\n${expected}")
endif()
file(READ ${WORK}/existing.txt now)
file(GLOB entries RELATIVE ${WORK} ${WORK}/*)
if(NOT now STREQUAL content OR NOT entries STREQUAL "existing.txt")
  message(FATAL_ERROR "--dir-ro: the host directory changed: entries '${entries}', existing.txt '${now}'")
endif()

# Writable control: the same writes go through.
fresh_dir()
run_guest(--dir out)
set(expected "read: ok original\nwrite-through-read-fd: EBADF\nopen-for-write: ok\ncreate: ok\nmkdir: ok\nrename: ok\nunlink: ok\n")
if(NOT out STREQUAL expected)
  message(FATAL_ERROR "--dir (control): the guest saw\n${out}\nexpected\n${expected}")
endif()
file(GLOB entries RELATIVE ${WORK} ${WORK}/*)
list(SORT entries)
if(NOT entries STREQUAL "created.txt;sub")
  message(FATAL_ERROR "--dir (control): expected created.txt and sub in the host directory, found '${entries}'")
endif()
file(REMOVE_RECURSE ${WORK})
message(STATUS "dir_read_only (${MODE}): ok")
