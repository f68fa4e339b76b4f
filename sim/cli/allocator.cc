#include "cli/allocator.h"

#include <dlfcn.h>

#include <cstddef>

#if defined(MAILSIM_ALLOCATOR_JEMALLOC)
// jemalloc reads this at its first allocation; MALLOC_CONF in the environment still
// overrides it. A run's heap is hundreds of MiB touched at random (sessions, queues,
// tables), so its TLB misses cost: transparent huge pages for the heap and jemalloc's own
// metadata cut the simulation thread's CPU by 8 % on isp-scale (README, "Build options"),
// for 6-7 % more peak memory. Without THP in the kernel (`never`) the option does
// nothing; with `madvise` (Debian's default) jemalloc asks for it.
extern "C" {
const char* malloc_conf = "thp:always,metadata_thp:always";
}
#endif

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
    if (reinterpret_cast<Mallctl>(f)("version", &version, &size, nullptr, 0) != 0) {
      return "jemalloc";
    }
    std::string name = std::string("jemalloc ") + version;
    const char* thp = nullptr;
    size = sizeof thp;
    if (reinterpret_cast<Mallctl>(f)("opt.thp", &thp, &size, nullptr, 0) == 0) {
      name += std::string(", huge pages (thp): ") + thp;
    }
    return name;
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
