// Which malloc the running program uses (MAILSIM_ALLOCATOR, cmake/MailsimAllocator.cmake),
// as `mailsim --version` reports it: asked of the process, not of the build, so that it
// shows what a link or an LD_PRELOAD really put in place.
#pragma once

#include <string>

namespace mailsim::cli {

// "jemalloc 5.3.0-..., huge pages (thp): always", "mimalloc 2.0.9" or "glibc".
std::string allocator_in_use();

}  // namespace mailsim::cli
