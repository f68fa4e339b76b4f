# Project-wide compile settings live on INTERFACE targets, never in global flags.

add_library(mailsim_options INTERFACE)
add_library(mailsim::options ALIAS mailsim_options)
target_compile_features(mailsim_options INTERFACE cxx_std_20)
target_compile_options(mailsim_options INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wimplicit-fallthrough
    # Aggregates are initialised by their leading members; the rest keep their defaults.
    -Wno-missing-field-initializers>
  # GCC 12 reports false -Wrestrict positives inside std::string appends (GCC PR 105651).
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
target_compile_definitions(mailsim_options INTERFACE MAILSIM_VERSION="${PROJECT_VERSION}")

if(MAILSIM_SANITIZE)
  target_compile_options(mailsim_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(mailsim_options INTERFACE -fsanitize=address,undefined)
elseif(MAILSIM_SANITIZE_THREAD)
  # The threads: the recorder's writer, the arrivals' own thread, sweeps' runs.
  target_compile_options(mailsim_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(mailsim_options INTERFACE -fsanitize=thread)
endif()

# mailsim_add_layer(NAME SOURCES ... DEPS ... [PRIVATE_DEPS ...])
# One static library per layer (sim/<layer>), so that a layer can only use the layers
# below it: the link graph is the layering rule.
function(mailsim_add_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(mailsim_${name} STATIC ${ARG_SOURCES})
  add_library(mailsim::${name} ALIAS mailsim_${name})
  target_include_directories(mailsim_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/sim)
  target_link_libraries(mailsim_${name} PUBLIC mailsim::options ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()
