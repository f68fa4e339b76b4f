#include "mailsim/workload/quantity.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace mailsim::workload {

Quantity Quantity::fixed(double value) { return {Kind::kFixed, value, 0}; }

Quantity Quantity::lognormal(double median, double sigma) {
  assert(median > 0 && sigma >= 0);
  return {Kind::kLognormal, std::log(median), sigma};
}

Quantity Quantity::empirical(std::vector<double> values, const std::vector<double>& weights) {
  assert(values.size() == weights.size() && !values.empty());
  double total = 0;
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    total += weights[i];
    sum += weights[i] * values[i];
  }
  Quantity q{Kind::kEmpirical, 0, sum / total};
  q.empirical_.emplace(std::move(values), weights);
  return q;
}

double Quantity::operator()(RandomStream& rng) const {
  switch (kind_) {
    case Kind::kFixed:
      return a_;
    case Kind::kLognormal:
      return rng.lognormal(a_, b_);
    case Kind::kEmpirical:
      return (*empirical_)(rng);
  }
  return a_;
}

std::int64_t Quantity::draw_count(RandomStream& rng) const {
  const double v = (*this)(rng);
  return v < 1.5 ? 1 : std::llround(std::min(v, 9e18));
}

double Quantity::mean() const {
  switch (kind_) {
    case Kind::kFixed:
      return a_;
    case Kind::kLognormal:
      return std::exp(a_ + b_ * b_ / 2);
    case Kind::kEmpirical:
      return b_;
  }
  return a_;
}

}  // namespace mailsim::workload
