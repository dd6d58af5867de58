# asmjit for libbrisk.so.
#
# Debian ships asmjit only as a static archive built as position-dependent
# executable code (-fPIE, not -fPIC). Its objects go into a shared library
# except for one kind of relocation: a PC-relative load of an external data
# symbol, which on x86_64 is `stderr` (in DebugUtils::debugOutput). A copy of
# the archive with that symbol renamed to a hidden variable of our own
# (cmake/asmjit_stderr_shim.c) links into libbrisk.so; the symbol names of
# asmjit stay local to libbrisk.so (see cmake/libbrisk.map).
#
# Defines the target brisk_asmjit_for_shared (what libbrisk.so links
# privately), BRISK_ASMJIT_SHIM_SOURCES (what it compiles in addition) and
# BRISK_ASMJIT_FOR_SHARED_DEPENDS (the target that writes the copy).
get_target_property(_brisk_asmjit_type asmjit::asmjit TYPE)
set(BRISK_ASMJIT_SHIM_SOURCES "")
set(BRISK_ASMJIT_FOR_SHARED_DEPENDS "")
if(NOT _brisk_asmjit_type STREQUAL "STATIC_LIBRARY")
  # A shared (or header-only) asmjit is linked as it is.
  add_library(brisk_asmjit_for_shared INTERFACE)
  target_link_libraries(brisk_asmjit_for_shared INTERFACE asmjit::asmjit)
  return()
endif()

set(_brisk_asmjit_archive "")
get_target_property(_brisk_asmjit_configs asmjit::asmjit IMPORTED_CONFIGURATIONS)
set(_brisk_asmjit_props "")
foreach(_config RELEASE ${_brisk_asmjit_configs})
  string(TOUPPER "${_config}" _config)
  list(APPEND _brisk_asmjit_props IMPORTED_LOCATION_${_config})
endforeach()
list(APPEND _brisk_asmjit_props IMPORTED_LOCATION)
foreach(_prop ${_brisk_asmjit_props})
  get_target_property(_loc asmjit::asmjit ${_prop})
  if(_loc)
    set(_brisk_asmjit_archive "${_loc}")
    break()
  endif()
endforeach()
if(NOT _brisk_asmjit_archive OR NOT CMAKE_OBJCOPY)
  message(FATAL_ERROR "libbrisk.so: cannot prepare the static asmjit for a shared library "
                      "(archive '${_brisk_asmjit_archive}', objcopy '${CMAKE_OBJCOPY}')")
endif()

set(_brisk_asmjit_copy ${CMAKE_CURRENT_BINARY_DIR}/asmjit-for-shared/libasmjit-brisk.a)
add_custom_command(OUTPUT ${_brisk_asmjit_copy}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/asmjit-for-shared
  COMMAND ${CMAKE_OBJCOPY} --redefine-sym stderr=brisk_asmjit_stderr ${_brisk_asmjit_archive} ${_brisk_asmjit_copy}
  DEPENDS ${_brisk_asmjit_archive}
  COMMENT "Preparing asmjit for libbrisk.so" VERBATIM)
add_custom_target(brisk_asmjit_for_shared_archive DEPENDS ${_brisk_asmjit_copy})

add_library(brisk_asmjit_for_shared STATIC IMPORTED)
set_target_properties(brisk_asmjit_for_shared PROPERTIES IMPORTED_LOCATION ${_brisk_asmjit_copy})
# Same compile flags and link dependencies (pthread, rt) as asmjit::asmjit.
foreach(_prop INTERFACE_COMPILE_OPTIONS INTERFACE_COMPILE_DEFINITIONS INTERFACE_INCLUDE_DIRECTORIES
              INTERFACE_LINK_LIBRARIES)
  get_target_property(_val asmjit::asmjit ${_prop})
  if(_val)
    set_property(TARGET brisk_asmjit_for_shared PROPERTY ${_prop} "${_val}")
  endif()
endforeach()
set(BRISK_ASMJIT_FOR_SHARED_DEPENDS brisk_asmjit_for_shared_archive)
set(BRISK_ASMJIT_SHIM_SOURCES ${CMAKE_CURRENT_LIST_DIR}/asmjit_stderr_shim.c)
