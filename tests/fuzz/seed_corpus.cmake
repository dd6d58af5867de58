# Seed corpus for the module fuzzers: every module of the spec test suite,
# converted with wast2json into OUT at build time (the suite itself is never
# copied into the repository). Usage:
#   cmake -DTESTSUITE=DIR -DWAST2JSON=PATH -DOUT=DIR -P seed_corpus.cmake
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
file(GLOB wasts ${TESTSUITE}/core/*.wast)
if(NOT wasts)
  message(FATAL_ERROR "seed corpus: no .wast files under ${TESTSUITE}/core (set BRISK_TESTSUITE_DIR)")
endif()
set(failed "")
foreach(wast ${wasts})
  get_filename_component(base ${wast} NAME_WE)
  execute_process(COMMAND ${WAST2JSON} ${wast} -o ${OUT}/${base}.json
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    list(APPEND failed ${base})
  endif()
endforeach()
# Keep the binary modules only (text-format modules and the scripts go).
file(GLOB leftovers ${OUT}/*.json ${OUT}/*.wat)
if(leftovers)
  file(REMOVE ${leftovers})
endif()
file(GLOB modules ${OUT}/*.wasm)
list(LENGTH modules n)
message(STATUS "seed corpus: ${n} modules from the spec suite in ${OUT}")
if(failed)
  message(WARNING "seed corpus: wast2json failed on ${failed}")
endif()
