// A sum of doubles that does not depend on the order they come in: the exact sum is kept
// as a few non-overlapping partials (Shewchuk, "Adaptive precision floating-point
// arithmetic and fast robust geometric predicates", 1997) and rounded once, to nearest
// with ties to even, when read, as Python's math.fsum does. The summary's mean stays are
// summed so, in whatever order a message's rows arrive: read back from the results file
// in message order, or on the writer thread as messages finish. Finite values whose
// partial sums stay finite (far below 1e308 here), and IEEE arithmetic as compiled without
// -ffast-math. Private to the record layer.
#pragma once

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace mailsim::record {

class ExactSum {
 public:
  void add(double x) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < partials_.size(); ++i) {
      double y = partials_[i];
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);  // exact: hi + lo == x + y
      if (lo != 0) partials_[kept++] = lo;
      x = hi;
    }
    partials_.resize(kept);
    partials_.push_back(x);
  }

  // The exact sum rounded to the nearest double.
  double value() const {
    std::size_t n = partials_.size();
    if (n == 0) return 0;
    double hi = partials_[--n];
    double lo = 0;
    while (n > 0) {  // from the largest partial down, until a sum is inexact
      const double x = hi;
      const double y = partials_[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0) break;
    }
    // hi + lo is exact; the partials below lo decide a tie: a half-way lo rounds away
    // from hi when they lean the same way as lo.
    if (n > 0 && ((lo < 0 && partials_[n - 1] < 0) || (lo > 0 && partials_[n - 1] > 0))) {
      const double y = lo * 2;
      const double x = hi + y;
      if (y == x - hi) hi = x;
    }
    return hi;
  }

 private:
  std::vector<double> partials_;  // non-overlapping, in increasing magnitude
};

}  // namespace mailsim::record
