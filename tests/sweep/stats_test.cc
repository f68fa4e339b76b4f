// Student's t and the confidence intervals a sweep prints. The quantiles are checked
// against published tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2, upper critical
// values of the t distribution, and Abramowitz & Stegun table 26.10), to the 3 decimals
// those print, and against closed forms where t has one.
#include "mailsim/sweep/stats.h"

#include <cmath>

#include "support/catch.h"

namespace mailsim::sweep {
namespace {

TEST_CASE("the t quantile at 0.975 matches the tabled critical values") {
  const std::pair<double, double> table[] = {{1, 12.706}, {2, 4.303},  {3, 3.182},  {4, 2.776},
                                             {5, 2.571},  {9, 2.262},  {10, 2.228}, {20, 2.086},
                                             {30, 2.042}, {100, 1.984}};
  for (const auto& [dof, t] : table) {
    CAPTURE(dof);
    CHECK(std::abs(student_t_quantile(0.975, dof) - t) < 0.0006);
  }
}

TEST_CASE("the t quantile agrees with the closed forms for 1 and 2 degrees of freedom") {
  // dof 1 is the Cauchy law: t = tan(pi (p - 1/2)). dof 2: t = (2p - 1) sqrt(2 / (4p(1-p))).
  for (const double p : {0.6, 0.9, 0.975, 0.995}) {
    CAPTURE(p);
    CHECK(std::abs(student_t_quantile(p, 1) - std::tan(M_PI * (p - 0.5))) < 1e-9);
    const double two = (2 * p - 1) * std::sqrt(2.0 / (4 * p * (1 - p)));
    CHECK(std::abs(student_t_quantile(p, 2) - two) < 1e-9);
  }
}

TEST_CASE("the t distribution is symmetric and tends to the normal") {
  CHECK(student_t_cdf(0, 7) == 0.5);
  CHECK(std::abs(student_t_cdf(-1.5, 7) + student_t_cdf(1.5, 7) - 1) < 1e-12);
  CHECK(std::abs(student_t_quantile(0.025, 12) + student_t_quantile(0.975, 12)) < 1e-9);
  // The normal's 0.975 quantile is 1.959964; with 10^6 dof t is within 1e-5 of it.
  CHECK(std::abs(student_t_quantile(0.975, 1e6) - 1.959964) < 1e-5);
}

TEST_CASE("the 95 % interval of five values is t(0.975, 4) s / sqrt(5) around the mean") {
  // 1..5: mean 3, sample variance (4 + 1 + 0 + 1 + 4) / 4 = 2.5; half-width
  // 2.776445 * sqrt(2.5) / sqrt(5) = 2.776445 * 0.707107 = 1.963243.
  const Interval iv = mean_ci95({1, 2, 3, 4, 5});
  CHECK(iv.n == 5);
  CHECK(iv.mean == 3);
  CHECK(std::abs(iv.half_width - 1.963243) < 1e-5);
}

TEST_CASE("one value has a mean and no interval, equal values a zero-width one") {
  const Interval one = mean_ci95({7.5});
  CHECK(one.n == 1);
  CHECK(one.mean == 7.5);
  CHECK(one.half_width == 0);
  CHECK(mean_ci95({2, 2, 2}).half_width == 0);
}

}  // namespace
}  // namespace mailsim::sweep
