// What a sweep prints per parameter point, from run summaries built by hand.
#include "mailsim/sweep/point_figures.h"

#include <cmath>
#include <sstream>

#include "support/catch.h"

namespace mailsim::sweep {
namespace {

record::Summary run(std::int64_t point, double p50, double p99, double attempts,
                    std::int64_t bounces, const char* status = "completed") {
  record::Summary s;
  s.point = point;
  s.status = status;
  s.recipients.count = 4;
  s.recipients.delivered = 4;
  s.recipients.latency_p50_s = p50;
  s.recipients.latency_p99_s = p99;
  s.recipients.attempts_per_recipient = attempts;
  s.bounces_sent = bounces;
  return s;
}

TEST_CASE("each point's measures are averaged over its completed replications only") {
  const std::vector<record::Summary> runs = {run(1, 10, 100, 1.0, 0), run(1, 20, 200, 2.0, 1),
                                             run(1, 30, 300, 3.0, 2), run(2, 50, 500, 1.5, 0),
                                             run(2, 99, 999, 9.0, 9, "interrupted")};
  const std::vector<PointFigures> points = point_figures(runs, {"x = 1", "x = 2"});
  REQUIRE(points.size() == 2);
  CHECK(points[0].runs == 3);
  CHECK(points[0].latency_p50_s->mean == 20);
  CHECK(points[0].latency_p99_s->mean == 200);
  CHECK(points[0].attempts_per_recipient->mean == 2);
  CHECK(points[0].bounces->mean == 1);
  // 10, 20, 30: s = 10, half-width t(0.975, 2) * 10 / sqrt(3) = 4.302653 * 5.773503 = 24.8414.
  CHECK(std::abs(points[0].latency_p50_s->half_width - 24.8414) < 1e-3);
  CHECK(points[1].runs == 1);  // the interrupted run is left out
  CHECK(points[1].latency_p50_s->mean == 50);
  CHECK(points[1].latency_p50_s->n == 1);
}

TEST_CASE("a run that delivered nothing gives no latency but counts for the rest") {
  record::Summary nothing = run(1, 0, 0, 3.0, 1);
  nothing.recipients.delivered = 0;
  const std::vector<PointFigures> points = point_figures({nothing}, {"x = 1"});
  CHECK_FALSE(points[0].latency_p50_s);
  CHECK(points[0].attempts_per_recipient->mean == 3);
}

TEST_CASE("the printed block gives mean, half-width and the interval") {
  const std::vector<record::Summary> runs = {run(1, 10, 100, 1.0, 0), run(1, 20, 200, 2.0, 1),
                                             run(1, 30, 300, 3.0, 2)};
  std::ostringstream out;
  print_point_figures(point_figures(runs, {"x = 1"}), out);
  CHECK(out.str() ==
        "point 1: x = 1 (3 runs)\n"
        "  latency p50            20.000 s +- 24.841  (95% CI -4.841 .. 44.841, n 3)\n"
        "  latency p99            200.000 s +- 248.414  (95% CI -48.414 .. 448.414, n 3)\n"
        "  attempts per recipient 2.000 +- 2.484  (95% CI -0.484 .. 4.484, n 3)\n"
        "  bounces sent           1.000 +- 2.484  (95% CI -1.484 .. 3.484, n 3)\n");
}

}  // namespace
}  // namespace mailsim::sweep
