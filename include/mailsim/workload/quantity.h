// A distribution of a positive quantity drawn per message: its size in bytes, its number
// of recipients. Fixed, lognormal by median and sigma, or an empirical list of values
// with weights. A plain value type; draws take the caller's random stream.
#pragma once

#include <optional>
#include <vector>

#include "mailsim/core/random.h"

namespace mailsim::workload {

class Quantity {
 public:
  static Quantity fixed(double value);
  // exp(N(ln median, sigma)): half the draws lie below `median`. REQUIRES: median > 0,
  // sigma >= 0.
  static Quantity lognormal(double median, double sigma);
  // REQUIRES: as many weights as values, all >= 0, one > 0.
  static Quantity empirical(std::vector<double> values, const std::vector<double>& weights);

  double operator()(RandomStream& rng) const;
  // The draw rounded to a whole number of at least 1 (bytes, recipients).
  std::int64_t draw_count(RandomStream& rng) const;
  // The distribution's mean: the value, exp(mu + sigma^2/2), or the weighted mean.
  double mean() const;

 private:
  enum class Kind { kFixed, kLognormal, kEmpirical };
  Quantity(Kind kind, double a, double b) : kind_(kind), a_(a), b_(b) {}

  Kind kind_;
  double a_;  // the value; or mu, the log of the median
  double b_;  // sigma; or the empirical mean
  std::optional<EmpiricalDistribution> empirical_;
};

}  // namespace mailsim::workload
