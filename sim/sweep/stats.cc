#include "mailsim/sweep/stats.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace mailsim::sweep {
namespace {

// The continued fraction of the incomplete beta function (modified Lentz's method, as in
// Numerical Recipes 6.4), converging for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-15;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double step = d * c;
    h *= step;
    if (std::abs(step - 1.0) < kEps) break;
  }
  return h;
}

// The regularised incomplete beta function I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
  return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

}  // namespace

double student_t_cdf(double t, double dof) {
  assert(dof > 0);
  // P(|T| > |t|) = I_{dof / (dof + t^2)}(dof / 2, 1 / 2).
  const double tail = 0.5 * incomplete_beta(dof / 2.0, 0.5, dof / (dof + t * t));
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double dof) {
  assert(dof > 0 && p > 0 && p < 1);
  double lo = -1.0, hi = 1.0;
  while (student_t_cdf(lo, dof) > p) lo *= 2.0;
  while (student_t_cdf(hi, dof) < p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, std::abs(hi)); ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, dof) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Interval mean_ci95(const std::vector<double>& values) {
  assert(!values.empty());
  Interval iv;
  iv.n = static_cast<std::int64_t>(values.size());
  double sum = 0;
  for (const double v : values) sum += v;
  iv.mean = sum / static_cast<double>(iv.n);
  if (iv.n < 2) return iv;
  double squares = 0;
  for (const double v : values) squares += (v - iv.mean) * (v - iv.mean);
  const double n = static_cast<double>(iv.n);
  const double s = std::sqrt(squares / (n - 1.0));
  iv.half_width = student_t_quantile(0.975, n - 1.0) * s / std::sqrt(n);
  return iv;
}

}  // namespace mailsim::sweep
