// Reading a sweep file: vary: holds axes of the grid; each axis is one path with a list
// or a range of values, or a together: group whose paths take their values side by side.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "mailsim/scenario/sweep.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {
namespace {

// One axis of the grid: the paths it sets and, per level, a value for each path.
struct Axis {
  std::vector<std::string> paths;
  std::vector<std::vector<ScenarioOverride>> levels;
};

// A value as YAML text on one line: the scalar itself, or a collection in flow style.
std::string value_text(const Yaml& v) {
  if (v.is_scalar()) return v.as_string();
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << v.node();
  return out.c_str();
}

std::string number_text(double x) {
  if (x == std::floor(x) && std::abs(x) < 1e15) return std::to_string(std::llround(x));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

double read_number(const Yaml& v) {
  const std::string text = v.as_string();
  try {
    std::size_t used = 0;
    const double x = std::stod(text, &used);
    if (used == text.size() && std::isfinite(x)) return x;
  } catch (const std::exception&) {
  }
  v.fail("'" + text + "' is not a number", "write a plain number; put the unit under unit:");
}

// {from: 10, to: 50, step: 20, unit: ms} -> 10ms, 30ms, 50ms.
std::vector<ScenarioOverride> read_range(const Yaml& r, const std::string& path,
                                         const SourceLocation& path_where) {
  r.allow_only({"from", "to", "step", "unit"});
  for (const char* key : {"from", "to", "step"}) {
    if (!r.has(key))
      r.fail(std::string("a range needs ") + key + ":", "for example {from: 1, to: 5, step: 1}");
  }
  const double from = read_number(r["from"]), to = read_number(r["to"]);
  const double step = read_number(r["step"]);
  if (step <= 0) r["step"].fail("the step must be positive");
  if (to < from) r["to"].fail("a range goes up: to must be at least from");
  const std::string unit = r.has("unit") ? r["unit"].as_string() : "";
  std::vector<ScenarioOverride> values;
  for (std::int64_t k = 0;; ++k) {
    const double x = from + static_cast<double>(k) * step;
    if (x > to + 1e-9 * step) break;
    if (k >= 10000) r.fail("the range has more than 10000 values", "take a larger step");
    values.push_back({path, number_text(x) + unit, r.location(), path_where});
  }
  return values;
}

std::vector<ScenarioOverride> read_values(const Yaml& key, const Yaml& v) {
  const std::string path = key.as_string();
  if (v.is_map()) return read_range(v, path, key.location());
  if (!v.is_sequence() || v.size() == 0) {
    v.fail("expected a list of values or a range",
           "for example [postfix, exim] or {from: 1, to: 5, step: 1}");
  }
  std::vector<ScenarioOverride> values;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Yaml item = v.at(i);
    values.push_back({path, value_text(item), item.location(), key.location()});
  }
  return values;
}

Axis read_together(const Yaml& group) {
  Axis axis;
  for (const auto& [key, value] : group.expect_map().entries()) {
    const std::string path = key.as_string();
    std::vector<ScenarioOverride> values = read_values(key, value);
    if (!axis.paths.empty() && values.size() != axis.levels.size()) {
      value.fail("together: every path needs as many values as the first (" +
                     std::to_string(axis.levels.size()) + "), this one has " +
                     std::to_string(values.size()),
                 "values at the same position are used together");
    }
    axis.levels.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) axis.levels[i].push_back(values[i]);
    axis.paths.push_back(path);
  }
  if (axis.paths.empty()) group.fail("together: names no path");
  return axis;
}

std::vector<Axis> read_axes(const Yaml& vary) {
  std::vector<Axis> axes;
  for (const auto& [key, value] : vary.expect_map().entries()) {
    const std::string path = key.as_string();
    if (path == "together") {
      if (value.is_sequence()) {
        for (std::size_t i = 0; i < value.size(); ++i) axes.push_back(read_together(value.at(i)));
      } else {
        axes.push_back(read_together(value));
      }
      continue;
    }
    Axis axis{{path}, {}};
    for (ScenarioOverride& o : read_values(key, value)) axis.levels.push_back({std::move(o)});
    axes.push_back(std::move(axis));
  }
  return axes;
}

// The grid: every combination of the axes' levels, the first axis slowest.
std::vector<SweepPoint> expand(const std::vector<Axis>& axes) {
  std::vector<SweepPoint> points{SweepPoint{}};
  for (const Axis& axis : axes) {
    std::vector<SweepPoint> next;
    for (const SweepPoint& p : points) {
      for (const auto& level : axis.levels) {
        SweepPoint q = p;
        q.settings.insert(q.settings.end(), level.begin(), level.end());
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  return points;
}

}  // namespace

SweepConfig load_sweep(const std::string& path) {
  const Yaml root = Yaml::load_file(path);
  root.allow_only({"scenario", "replications", "seed", "until", "record", "vary"});
  SweepConfig s;
  s.file = path;
  if (!root.has("scenario")) {
    root.fail("a sweep needs a scenario", "add scenario: <file>, relative to the sweep file");
  }
  const std::filesystem::path base = root["scenario"].as_string();
  s.scenario = base.is_absolute()
                   ? base.string()
                   : (std::filesystem::path(path).parent_path() / base).lexically_normal().string();
  if (root.has("replications")) s.replications = root["replications"].as_int(1, 1'000'000);
  if (root.has("seed")) s.seed = static_cast<std::uint64_t>(root["seed"].as_int(0, INT64_MAX));
  if (root.has("until")) {
    s.until = root["until"].as_duration();
    if (*s.until <= Duration{}) root["until"].fail("until must be positive");
  }
  if (root.has("record")) {
    static constexpr std::string_view kLevels[] = {"summary", "attempts", "full"};
    s.record = root["record"].as_one_of(kLevels, "record level");
  }
  s.points = expand(root.has("vary") ? read_axes(root["vary"]) : std::vector<Axis>{});
  if (s.points.size() * static_cast<std::size_t>(s.replications) > 1'000'000) {
    root.fail("the sweep has more than a million runs", "vary fewer values");
  }
  try {
    load_scenario(s.scenario);
  } catch (const InputError& e) {
    if (!e.where().file.empty() && e.where().file != s.scenario) throw;
    // The base scenario is named here; its own errors keep their place in it.
    if (e.where().line == 0) throw InputError(e.problem(), e.hint(), root["scenario"].location());
    throw;
  }
  for (const SweepPoint& p : s.points) load_point(s, p);
  return s;
}

ScenarioConfig load_point(const SweepConfig& sweep, const SweepPoint& point) {
  ScenarioConfig c = load_scenario(sweep.scenario, point.settings);
  if (sweep.seed) c.seed = *sweep.seed;
  if (sweep.until) c.duration = *sweep.until;
  return c;
}

}  // namespace mailsim::scenario
