#include "mailsim/core/random.h"

#include <cassert>
#include <cmath>

namespace mailsim {

namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// SplitMix64 (Steele, Lea, Flood 2014): turns any 64-bit value into a well-mixed one.
constexpr std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a: a stable hash of the entity name (std::hash is not stable across platforms).
constexpr std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t run, std::string_view name) {
  std::uint64_t x = seed;
  std::uint64_t key = splitmix64(x);
  x = key ^ run;
  key = splitmix64(x);
  x = key ^ fnv1a(name);
  for (std::uint64_t& word : s_) word = splitmix64(x);
}

RandomStream RandomStream::from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2,
                                      std::uint64_t s3) {
  RandomStream r;
  r.s_[0] = s0;
  r.s_[1] = s1;
  r.s_[2] = s2;
  r.s_[3] = s3;
  return r;
}

std::uint64_t RandomStream::next_u64() {  // xoshiro256++ (Blackman and Vigna 2019)
  const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double RandomStream::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double RandomStream::uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

std::uint64_t RandomStream::uniform_int(std::uint64_t n) {  // Lemire 2019, unbiased
  assert(n > 0);
  __extension__ using Wide = unsigned __int128;
  Wide m = static_cast<Wide>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Wide>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double RandomStream::exponential(double mean) {
  assert(mean > 0);
  return -mean * std::log1p(-uniform01());
}

Duration RandomStream::exponential(Duration mean) {
  return Duration::nanoseconds(std::llround(exponential(static_cast<double>(mean.ns()))));
}

double RandomStream::normal(double mean, double stddev) {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + stddev * spare_normal_;
  }
  double u = 0;
  double v = 0;
  double s = 0;
  do {
    u = uniform(-1.0, 1.0);
    v = uniform(-1.0, 1.0);
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return mean + stddev * u * factor;
}

double RandomStream::lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }

double RandomStream::pareto(double scale, double shape) {
  assert(scale > 0 && shape > 0);
  return scale * std::pow(1.0 - uniform01(), -1.0 / shape);
}

DiscreteDistribution::DiscreteDistribution(const std::vector<double>& weights)
    : prob_(weights.size()), alias_(weights.size()) {  // Vose's alias method
  double total = 0;
  for (const double w : weights) {
    assert(w >= 0);
    total += w;
  }
  assert(total > 0);
  const std::size_t n = weights.size();
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (const std::uint32_t i : large) prob_[i] = 1.0, alias_[i] = i;
  for (const std::uint32_t i : small) prob_[i] = 1.0, alias_[i] = i;
}

std::size_t DiscreteDistribution::operator()(RandomStream& rng) const {
  const std::size_t column = rng.uniform_int(prob_.size());
  return rng.uniform01() < prob_[column] ? column : alias_[column];
}

EmpiricalDistribution::EmpiricalDistribution(std::vector<double> values,
                                             const std::vector<double>& weights)
    : values_(std::move(values)), pick_(weights) {
  assert(values_.size() == weights.size());
}

}  // namespace mailsim
