# Shared by tools/mailsim and tools/test: install missing Debian packages, then configure
# and build one CMake configuration. Sourced, not run.

mailsim_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# What building and running mailsim needs (libjemalloc-dev: the program's malloc, see
# cmake/MailsimAllocator.cmake; robin-map-dev and libxxhash-dev: the open-addressing hash
# tables of include/mailsim/core/flat_hash.h and their text hash).
mailsim_build_packages=(
  build-essential cmake ninja-build pkg-config libssl-dev
  libboost-dev libboost-graph-dev libboost-program-options-dev libyaml-cpp-dev libsqlite3-dev
  libboost-mpi-dev openmpi-bin libjemalloc-dev robin-map-dev libxxhash-dev
)
# What the test suite adds: Catch2 and the programs tests use as independent checkers,
# among them the SMTP peers of the realnet interop tests (smtplib comes with python3), and
# what the notebooks and tools/plot need to run headless (ipykernel brings the kernel;
# python3-yaml lets notebooks read scenarios), and SimPy, whose hold-model peer of the
# engine benchmark a test cross-checks.
mailsim_test_packages=(catch2 sqlite3 python3 diffutils python3-aiosmtpd swaks graphviz
  python3-pandas python3-matplotlib python3-nbclient python3-nbformat python3-ipykernel
  python3-yaml python3-simpy time)
# The peers the benchmarks compare against (optional for everything else).
mailsim_bench_packages=(libns3-dev libsimgrid-dev python3-simpy)

mailsim_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# mailsim_ensure_packages PKG...: installs the ones not installed yet.
mailsim_ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "mailsim: installing Debian packages: ${missing[*]}" >&2
  mailsim_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  mailsim_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# mailsim_build DIR [CMAKE_ARGS...]: configures DIR on first use, then builds it
# incrementally. Build output goes to stderr so that the program's own output stays clean.
mailsim_build() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$mailsim_root" -B "$dir" -G Ninja "$@" >&2
  fi
  cmake --build "$dir" -j "${MAILSIM_JOBS:-2}" >&2
}
