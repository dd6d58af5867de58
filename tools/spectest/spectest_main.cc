// The top-level CMakeLists.txt compiles brisk-spectest from this file and
// json_lite.cc. The runner's sources are main.cc, runner.cc and json.cc:
// once CMakeLists.txt lists those three, delete this file and json_lite.cc.
#include "main.cc"
#include "runner.cc"
