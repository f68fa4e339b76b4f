#include "mailsim/workload/quantity.h"

#include <cmath>
#include <utility>

#include "support/catch.h"

using mailsim::RandomStream;
using mailsim::workload::Quantity;

TEST_CASE("a lognormal quantity has the median it was given") {
  // P(X < median) = 1/2, so the count below it is binomial(n, 1/2): within 5 sigma =
  // 5 sqrt(n)/2 of n/2. P(X < median e^sigma) = Phi(1) = 0.841345.
  const Quantity q = Quantity::lognormal(20'000, 1.2);
  RandomStream r(3, 0, "sizes");
  const int n = 100'000;
  int below = 0;
  int below_one_sigma = 0;
  for (int i = 0; i < n; ++i) {
    const double v = q(r);
    below += v < 20'000 ? 1 : 0;
    below_one_sigma += v < 20'000 * std::exp(1.2) ? 1 : 0;
  }
  CHECK(std::abs(below - n / 2.0) <= 5 * std::sqrt(n * 0.25));
  const double p = 0.841345;
  CHECK(std::abs(below_one_sigma - n * p) <= 5 * std::sqrt(n * p * (1 - p)));
  CHECK(q.mean() == Approx(20'000 * std::exp(1.2 * 1.2 / 2)));
}

TEST_CASE("an empirical quantity draws its values in proportion to their weights") {
  const Quantity q = Quantity::empirical({1, 2, 10}, {70, 20, 10});
  RandomStream r(4, 0, "rcpts");
  const int n = 100'000;
  int ones = 0, twos = 0, tens = 0;
  for (int i = 0; i < n; ++i) {
    const std::int64_t v = q.draw_count(r);
    ones += v == 1 ? 1 : 0;
    twos += v == 2 ? 1 : 0;
    tens += v == 10 ? 1 : 0;
  }
  CHECK(ones + twos + tens == n);
  for (const auto& [count, p] : {std::pair{ones, 0.7}, {twos, 0.2}, {tens, 0.1}}) {
    CHECK(std::abs(count - n * p) <= 5 * std::sqrt(n * p * (1 - p)));
  }
  CHECK(q.mean() == Approx(0.7 * 1 + 0.2 * 2 + 0.1 * 10));
}

TEST_CASE("a count is the draw rounded, at least 1") {
  RandomStream r(1, 0, "x");
  CHECK(Quantity::fixed(2048).draw_count(r) == 2048);
  CHECK(Quantity::fixed(2.4).draw_count(r) == 2);
  CHECK(Quantity::fixed(0.2).draw_count(r) == 1);
}
