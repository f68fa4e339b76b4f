# The malloc the mailsim program runs on (MAILSIM_ALLOCATOR): a simulation allocates and
# frees small objects (sessions, replies, handlers) by the million, and glibc's malloc spent
# about a quarter of a generated run's instructions. The allocator replaces malloc, free
# and operator new for the whole program, so that the libraries it uses (yaml-cpp, SQLite)
# get it too; results do not depend on it.
#
#   jemalloc  (Debian: libjemalloc-dev)  the default: fastest and smallest on the runs
#             measured (README, "Speed"); required when chosen, with a hint if missing.
#   mimalloc  (Debian: libmimalloc-dev)
#   system    the C library's malloc; always used under MAILSIM_SANITIZE and
#             MAILSIM_SANITIZE_THREAD, whose sanitizers bring their own.
#
# Link mailsim::allocator into executables only; libraries must not choose a malloc.

set(MAILSIM_ALLOCATOR jemalloc CACHE STRING "malloc of the mailsim program: jemalloc, mimalloc or system")
set_property(CACHE MAILSIM_ALLOCATOR PROPERTY STRINGS jemalloc mimalloc system)

add_library(mailsim_allocator INTERFACE)
add_library(mailsim::allocator ALIAS mailsim_allocator)

set(mailsim_allocator_used ${MAILSIM_ALLOCATOR})
if((MAILSIM_SANITIZE OR MAILSIM_SANITIZE_THREAD) AND NOT MAILSIM_ALLOCATOR STREQUAL "system")
  set(mailsim_allocator_used system)
  message(STATUS "mailsim: allocator system (the sanitizer replaces malloc)")
endif()

if(mailsim_allocator_used STREQUAL "jemalloc" OR mailsim_allocator_used STREQUAL "mimalloc")
  set(package_jemalloc libjemalloc-dev)
  set(package_mimalloc libmimalloc-dev)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(MAILSIM_${mailsim_allocator_used}_PC QUIET ${mailsim_allocator_used})
  endif()
  find_library(MAILSIM_${mailsim_allocator_used}_LIBRARY ${mailsim_allocator_used}
    HINTS ${MAILSIM_${mailsim_allocator_used}_PC_LIBRARY_DIRS})
  if(NOT MAILSIM_${mailsim_allocator_used}_LIBRARY)
    message(FATAL_ERROR "mailsim: MAILSIM_ALLOCATOR is ${mailsim_allocator_used}, but "
      "lib${mailsim_allocator_used} was not found.\n"
      "hint: install the Debian package ${package_${mailsim_allocator_used}} (tools/mailsim "
      "and tools/test install it), or configure with -DMAILSIM_ALLOCATOR=system")
  endif()
  # A needed library of the program itself, linked before libstdc++ and the C library and
  # so looked up before them: its malloc and operator new take the place of theirs.
  target_link_libraries(mailsim_allocator INTERFACE ${MAILSIM_${mailsim_allocator_used}_LIBRARY})
  if(mailsim_allocator_used STREQUAL "jemalloc")
    # sim/cli/allocator.cc configures it (malloc_conf).
    target_compile_definitions(mailsim_allocator INTERFACE MAILSIM_ALLOCATOR_JEMALLOC=1)
  endif()
elseif(NOT mailsim_allocator_used STREQUAL "system")
  message(FATAL_ERROR "mailsim: MAILSIM_ALLOCATOR '${MAILSIM_ALLOCATOR}' is none of jemalloc, "
    "mimalloc, system")
endif()
message(STATUS "mailsim: allocator ${mailsim_allocator_used}")
