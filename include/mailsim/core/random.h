// Random numbers that are the same on every platform: the project's own generator
// (xoshiro256++) and distributions (the standard library's distributions differ between
// implementations). Streams are derived from (scenario seed, run number, entity name), so
// that adding an entity never shifts the numbers another entity draws.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "mailsim/core/time.h"

namespace mailsim {

// An entity name hashed once, for callers that derive many streams of one name.
class StreamName {
 public:
  explicit StreamName(std::string_view name);
  // The name `prefix` holds followed by `rest`, without putting the two together: the hash
  // runs byte by byte, so this equals StreamName(prefix's name + rest).
  StreamName(const StreamName& prefix, std::string_view rest);

 private:
  friend class RandomStream;
  std::uint64_t hash_;
};

class RandomStream {
 public:
  // The stream for one named entity ("mta:college", "workload:alice") in one run.
  RandomStream(std::uint64_t seed, std::uint64_t run, std::string_view name);
  // The same stream as RandomStream(seed, run, name) for the name StreamName holds.
  RandomStream(std::uint64_t seed, std::uint64_t run, const StreamName& name);
  // A stream started from a raw xoshiro256++ state, to check the generator against the
  // published reference outputs. REQUIRES: not all four words zero.
  static RandomStream from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2,
                                 std::uint64_t s3);

  std::uint64_t next_u64();
  // Uniform on [0, 1) with 53 random bits.
  double uniform01();
  // Uniform on [lo, hi).
  double uniform(double lo, double hi);
  // Uniform integer on [0, n), without modulo bias. REQUIRES: n > 0.
  std::uint64_t uniform_int(std::uint64_t n);
  // Exponential with the given mean. REQUIRES: mean > 0.
  double exponential(double mean);
  Duration exponential(Duration mean);
  // Normal (Marsaglia's polar method; the second value of each pair is kept for the next call).
  double normal(double mean, double stddev);
  // exp(normal(mu, sigma)): mu and sigma are the parameters of the underlying normal.
  double lognormal(double mu, double sigma);
  // Pareto type I with minimum `scale` and tail index `shape`. REQUIRES: both > 0.
  double pareto(double scale, double shape);

 private:
  RandomStream() = default;
  std::uint64_t s_[4] = {};
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// A discrete distribution over indices 0..n-1 with the given non-negative weights
// (Walker's alias method: O(1) per draw). Used for empirical size distributions and for
// picking recipients. REQUIRES: at least one weight > 0.
class DiscreteDistribution {
 public:
  explicit DiscreteDistribution(const std::vector<double>& weights);
  std::size_t operator()(RandomStream& rng) const;
  std::size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

// An empirical distribution: values with weights, drawn by DiscreteDistribution.
class EmpiricalDistribution {
 public:
  EmpiricalDistribution(std::vector<double> values, const std::vector<double>& weights);
  double operator()(RandomStream& rng) const { return values_[pick_(rng)]; }

 private:
  std::vector<double> values_;
  DiscreteDistribution pick_;
};

// Zipf's law over ranks 1..n: P(k) = k^-s / sum_{j=1..n} j^-s. Drawn by Hoermann and
// Derflinger's rejection-inversion (1996), as Apache Commons RNG does it: constant memory
// and expected constant time per draw for any n, so a population of millions costs
// nothing up front. REQUIRES: n >= 1, exponent > 0.
class ZipfDistribution {
 public:
  ZipfDistribution(std::uint64_t n, double exponent);
  std::uint64_t operator()(RandomStream& rng) const;  // a rank in [1, n]
  std::uint64_t n() const { return n_; }

 private:
  double h(double x) const;
  double h_integral(double x) const;
  double h_integral_inverse(double x) const;

  std::uint64_t n_;
  double exponent_;
  double h_integral_x1_;
  double h_integral_n_;
  double squeeze_;
};

}  // namespace mailsim
