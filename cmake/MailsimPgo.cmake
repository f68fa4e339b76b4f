# Profile-guided optimisation (MAILSIM_PGO) with GCC: a build made with `generate` writes
# how often each branch and call ran (.gcda files beside the objects) while it runs; the
# same build folder reconfigured with `use` compiles again with those counts, laying out
# hot paths together and inlining where calls are frequent. tools/pgo-build does the three
# steps (instrumented build, training runs, optimised build). Results do not depend on it
# on x86-64: the optimisations keep the program's meaning, and without -march there are no
# fused multiply-adds that inlining could place differently (checked: the same results).
#
#   ""        off (the default)
#   generate  instrumented: slower; writes the profile when the program exits
#   use       optimised with the profile found beside the objects; code the training did
#             not run is optimised as usual (-fprofile-partial-training), not for size

set(MAILSIM_PGO "" CACHE STRING "profile-guided optimisation: empty (off), generate or use")
set_property(CACHE MAILSIM_PGO PROPERTY STRINGS "" generate use)

if(MAILSIM_PGO STREQUAL "")
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  message(FATAL_ERROR "mailsim: MAILSIM_PGO needs GCC (the compiler is ${CMAKE_CXX_COMPILER_ID}).\n"
    "hint: configure with -DCMAKE_CXX_COMPILER=g++, or without MAILSIM_PGO")
endif()
if(MAILSIM_PGO STREQUAL "generate")
  # The writer thread runs instrumented code beside the simulation thread: atomic counters.
  target_compile_options(mailsim_options INTERFACE -fprofile-generate -fprofile-update=prefer-atomic)
  target_link_options(mailsim_options INTERFACE -fprofile-generate)
elseif(MAILSIM_PGO STREQUAL "use")
  # Objects the training never loaded (tests, benchmarks) have no profile: not an error.
  target_compile_options(mailsim_options INTERFACE
    -fprofile-use -fprofile-partial-training -Wno-missing-profile)
  target_link_options(mailsim_options INTERFACE -fprofile-use)
else()
  message(FATAL_ERROR "mailsim: MAILSIM_PGO '${MAILSIM_PGO}' is none of generate, use "
    "(or empty: off)")
endif()
message(STATUS "mailsim: profile-guided optimisation: ${MAILSIM_PGO}")
