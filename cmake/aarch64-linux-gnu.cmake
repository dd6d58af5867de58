# Cross build for 64-bit ARM Linux with Debian's cross toolchain:
#   apt-get install g++-aarch64-linux-gnu qemu-user
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install libasmjit-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
#   cmake -S . -B build-a64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# Tests then run under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR), so
# `ctest` works as on a native machine.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Debian's multiarch layout: arm64 libraries and their CMake packages live in
# /usr/lib/aarch64-linux-gnu, headers in /usr/include (shared by all arches).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
# Appended, so that a -DCMAKE_PREFIX_PATH given on the command line (an
# installed brisk, say) is still searched.
list(APPEND CMAKE_PREFIX_PATH /usr/lib/aarch64-linux-gnu/cmake)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

find_program(BRISK_QEMU_AARCH64 qemu-aarch64)
if(BRISK_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${BRISK_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu")
endif()
