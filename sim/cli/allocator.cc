#include "cli/allocator.h"

#include <dlfcn.h>

#include <cstddef>

namespace mailsim::cli {

// Each allocator is found by a function only it exports; whichever one's malloc the
// process resolved to also answers the lookup first.
std::string allocator_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return "AddressSanitizer";
#endif
  using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
  if (void* f = dlsym(RTLD_DEFAULT, "mallctl")) {
    const char* version = nullptr;
    std::size_t size = sizeof version;
    if (reinterpret_cast<Mallctl>(f)("version", &version, &size, nullptr, 0) == 0) {
      return std::string("jemalloc ") + version;
    }
    return "jemalloc";
  }
  using MiVersion = int (*)();
  if (void* f = dlsym(RTLD_DEFAULT, "mi_version")) {
    const int v = reinterpret_cast<MiVersion>(f)();  // 209 for 2.0.9
    return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
           std::to_string(v % 10);
  }
  return "glibc";
}

}  // namespace mailsim::cli
