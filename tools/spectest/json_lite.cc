// See spectest_main.cc: a stand-in for json.cc under the name that the
// top-level CMakeLists.txt compiles. Delete once it lists json.cc.
#include "json.cc"
