// Confidence intervals for the mean of independent replications: Student's t with n - 1
// degrees of freedom, its quantiles computed here (regularised incomplete beta function,
// then bisection) rather than tabled, so that any n works.
#pragma once

#include <cstdint>
#include <vector>

namespace mailsim::sweep {

// P(T <= t) for Student's t with `dof` degrees of freedom. REQUIRES: dof > 0.
double student_t_cdf(double t, double dof);

// The t with P(T <= t) = p, to 1e-12. REQUIRES: dof > 0, 0 < p < 1.
double student_t_quantile(double p, double dof);

struct Interval {
  std::int64_t n = 0;
  double mean = 0;
  // The 95 % interval is mean +- half_width: t(0.975, n - 1) * s / sqrt(n), with s the
  // sample standard deviation. 0 for a single value (no interval can be given: n < 2).
  double half_width = 0;
};

// The mean of `values` and its 95 % confidence interval. REQUIRES: values not empty.
Interval mean_ci95(const std::vector<double>& values);

}  // namespace mailsim::sweep
