#include "mailsim/core/random.h"

#include <algorithm>
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
// `h` is the hash of what comes before `s` (the offset basis: nothing).
constexpr std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

StreamName::StreamName(std::string_view name) : hash_(fnv1a(name)) {}

StreamName::StreamName(const StreamName& prefix, std::string_view rest)
    : hash_(fnv1a(rest, prefix.hash_)) {}

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t run, std::string_view name)
    : RandomStream(seed, run, StreamName(name)) {}

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t run, const StreamName& name) {
  std::uint64_t x = seed;
  std::uint64_t key = splitmix64(x);
  x = key ^ run;
  key = splitmix64(x);
  x = key ^ name.hash_;
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

namespace {

// log1p(x)/x and expm1(x)/x, continuous at 0 (where both are 1).
double log1p_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double expm1_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x * 0.5 * (1 + x / 3.0 * (1 + 0.25 * x));
}

}  // namespace

ZipfDistribution::ZipfDistribution(std::uint64_t n, double exponent) : n_(n), exponent_(exponent) {
  assert(n >= 1 && exponent > 0);
  h_integral_x1_ = h_integral(1.5) - 1.0;
  h_integral_n_ = h_integral(static_cast<double>(n) + 0.5);
  squeeze_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
}

// h(x) = x^-s, the unnormalised pmf extended to reals.
double ZipfDistribution::h(double x) const { return std::exp(-exponent_ * std::log(x)); }

// H(x) = (x^(1-s) - 1) / (1 - s), an antiderivative of h (log x when s = 1).
double ZipfDistribution::h_integral(double x) const {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - exponent_) * log_x) * log_x;
}

double ZipfDistribution::h_integral_inverse(double x) const {
  double t = x * (1.0 - exponent_);
  if (t < -1.0) t = -1.0;  // rounding; the exact value is > -1
  return std::exp(log1p_over_x(t) * x);
}

std::uint64_t ZipfDistribution::operator()(RandomStream& rng) const {
  // Draw x from the density h on [0.5, n + 0.5] shifted so that rank k owns [k - 0.5,
  // k + 0.5]; accept k at once when x lies in the part of its cell below h(k) (the
  // squeeze), otherwise compare with the exact area.
  const auto n = static_cast<double>(n_);
  for (;;) {
    const double u = h_integral_n_ + rng.uniform01() * (h_integral_x1_ - h_integral_n_);
    const double x = h_integral_inverse(u);
    const double k = std::clamp(std::floor(x + 0.5), 1.0, n);
    if (k - x <= squeeze_ || u >= h_integral(k + 0.5) - h(k)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

}  // namespace mailsim
