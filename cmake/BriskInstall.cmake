# Install rules: the public headers, libbrisk.so and libbrisk.a, a CMake
# package (find_package(brisk) -> brisk::brisk, brisk::brisk_static), the
# pkg-config files brisk.pc (shared) and brisk-static.pc, and the CLI.
# Everything is relative to the prefix, so `cmake --install --prefix DIR`
# gives a working package anywhere.
include(CMakePackageConfigHelpers)

set(BRISK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/brisk)
set(BRISK_PKGCONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT brisk_development FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

install(TARGETS brisk_shared EXPORT brisk-shared-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT brisk_runtime NAMELINK_COMPONENT brisk_development)
install(TARGETS brisk_static EXPORT brisk-static-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT brisk_development)
install(EXPORT brisk-shared-targets NAMESPACE brisk:: DESTINATION ${BRISK_CMAKE_DIR}
        COMPONENT brisk_development)
install(EXPORT brisk-static-targets NAMESPACE brisk:: DESTINATION ${BRISK_CMAKE_DIR}
        COMPONENT brisk_development)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/brisk-config.cmake.in
  ${PROJECT_BINARY_DIR}/package/brisk-config.cmake INSTALL_DESTINATION ${BRISK_CMAKE_DIR})
# 0.x: a new minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/brisk-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/brisk-config.cmake ${PROJECT_BINARY_DIR}/package/brisk-config-version.cmake
        DESTINATION ${BRISK_CMAKE_DIR} COMPONENT brisk_development)

# pkg-config: paths relative to the .pc file (${pcfiledir}), so the files
# stay right when the prefix is chosen at install time.
file(RELATIVE_PATH BRISK_PC_RELATIVE_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" BRISK_PC_RELATIVE_PREFIX "/${BRISK_PC_RELATIVE_PREFIX}")
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(BRISK_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(BRISK_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
# What libbrisk.a needs besides itself: asmjit (a static archive on Debian,
# with pthread and rt) and the C++ runtime, since consumers may be C programs.
set(BRISK_PC_STATIC_DEPS "-lasmjit")
foreach(lib pthread rt ${BRISK_CXX_RUNTIME_LIBS})
  string(APPEND BRISK_PC_STATIC_DEPS " -l${lib}")
endforeach()
foreach(pc brisk brisk-static)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/package/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/package/${pc}.pc DESTINATION ${BRISK_PKGCONFIG_DIR}
          COMPONENT brisk_development)
endforeach()

if(TARGET brisk)
  install(TARGETS brisk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT brisk_runtime)
endif()
