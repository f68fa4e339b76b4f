// What a sweep prints at the end: per parameter point, the mean over its replications and
// the 95 % confidence interval of the main measures of user mail: delivery latency p50
// and p99, attempts per recipient and bounces sent.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "mailsim/record/summary.h"
#include "mailsim/sweep/stats.h"

namespace mailsim::sweep {

struct PointFigures {
  std::int64_t point = 0;  // from 1
  std::string label;       // "mtas.college.retry = exim"
  std::int64_t runs = 0;   // completed replications
  // Over the runs that delivered something (a run that delivered nothing has no latency).
  std::optional<Interval> latency_p50_s;
  std::optional<Interval> latency_p99_s;
  std::optional<Interval> attempts_per_recipient;
  std::optional<Interval> bounces;  // bounce messages sent per run
};

// `labels[k]` describes point k + 1. Runs not completed, or without a point, are left out.
std::vector<PointFigures> point_figures(const std::vector<record::Summary>& runs,
                                        const std::vector<std::string>& labels);

// One block per point: the label, then each measure as mean +- half-width and the interval.
void print_point_figures(const std::vector<PointFigures>& points, std::ostream& out);

}  // namespace mailsim::sweep
