#include "mailsim/sweep/point_figures.h"

#include <cstdio>

namespace mailsim::sweep {
namespace {

std::optional<Interval> interval_of(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  return mean_ci95(values);
}

void print_measure(const char* name, const std::optional<Interval>& iv, const char* unit,
                   std::ostream& out) {
  char line[160];
  if (!iv) {
    std::snprintf(line, sizeof line, "  %-22s (no run gives it)\n", name);
  } else if (iv->n < 2) {
    std::snprintf(line, sizeof line, "  %-22s %.3f%s (one run: no interval)\n", name, iv->mean,
                  unit);
  } else {
    std::snprintf(line, sizeof line, "  %-22s %.3f%s +- %.3f  (95%% CI %.3f .. %.3f, n %lld)\n",
                  name, iv->mean, unit, iv->half_width, iv->mean - iv->half_width,
                  iv->mean + iv->half_width, static_cast<long long>(iv->n));
  }
  out << line;
}

}  // namespace

std::vector<PointFigures> point_figures(const std::vector<record::Summary>& runs,
                                        const std::vector<std::string>& labels) {
  struct Values {
    std::vector<double> p50, p99, attempts, bounces;
  };
  std::vector<Values> values(labels.size());
  std::vector<PointFigures> points(labels.size());
  for (std::size_t k = 0; k < labels.size(); ++k) {
    points[k].point = static_cast<std::int64_t>(k + 1);
    points[k].label = labels[k];
  }
  for (const record::Summary& s : runs) {
    if (!s.point || s.status != "completed") continue;
    if (*s.point < 1 || *s.point > static_cast<std::int64_t>(labels.size())) continue;
    const std::size_t k = static_cast<std::size_t>(*s.point - 1);
    ++points[k].runs;
    if (s.recipients.delivered > 0) {
      values[k].p50.push_back(s.recipients.latency_p50_s);
      values[k].p99.push_back(s.recipients.latency_p99_s);
    }
    if (s.recipients.count > 0) values[k].attempts.push_back(s.recipients.attempts_per_recipient);
    values[k].bounces.push_back(static_cast<double>(s.bounces_sent));
  }
  for (std::size_t k = 0; k < labels.size(); ++k) {
    points[k].latency_p50_s = interval_of(values[k].p50);
    points[k].latency_p99_s = interval_of(values[k].p99);
    points[k].attempts_per_recipient = interval_of(values[k].attempts);
    points[k].bounces = interval_of(values[k].bounces);
  }
  return points;
}

void print_point_figures(const std::vector<PointFigures>& points, std::ostream& out) {
  for (const PointFigures& p : points) {
    out << "point " << p.point << ": " << (p.label.empty() ? "(the base scenario)" : p.label)
        << " (" << p.runs << (p.runs == 1 ? " run" : " runs") << ")\n";
    print_measure("latency p50", p.latency_p50_s, " s", out);
    print_measure("latency p99", p.latency_p99_s, " s", out);
    print_measure("attempts per recipient", p.attempts_per_recipient, "", out);
    print_measure("bounces sent", p.bounces, "", out);
  }
}

}  // namespace mailsim::sweep
