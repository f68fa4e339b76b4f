#include "scenario/override.h"

#include <algorithm>
#include <vector>

namespace mailsim::scenario {
namespace {

std::vector<std::string> split_path(const ScenarioOverride& o) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = o.path.find('.', start);
    segments.push_back(o.path.substr(start, dot - start));
    if (segments.back().empty()) {
      throw InputError("'" + o.path + "' is not a setting's path",
                       "name keys from the scenario's top, joined by dots, for example "
                       "mtas.college.retry or defaults.processing_delay",
                       o.path_where);
    }
    if (dot == std::string::npos) return segments;
    start = dot + 1;
  }
}

bool all_digits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The element of a list that `segment` picks: its index, or the one named so.
std::size_t pick_element(const YAML::Node& list, const std::string& segment,
                         const std::string& here, const ScenarioOverride& o) {
  if (all_digits(segment) && segment.size() < 9) {
    const std::size_t i = std::stoul(segment);
    if (i < list.size()) return i;
    throw InputError(
        "'" + here + "' has " + std::to_string(list.size()) + " elements, no " + segment,
        "count from 0", o.path_where);
  }
  std::string names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node name = list[i].IsMap() ? list[i]["name"] : YAML::Node();
    if (!name || !name.IsScalar()) continue;
    if (name.Scalar() == segment) return i;
    names += (names.empty() ? "" : ", ") + name.Scalar();
  }
  throw InputError("no element named '" + segment + "' in '" + here + "'",
                   names.empty() ? "pick an element by its index from 0"
                                 : "name one of: " + names + " (or an index from 0)",
                   o.path_where);
}

}  // namespace

std::string apply_override(const Yaml& root, const ScenarioOverride& o) {
  YAML::Node value;
  try {
    value = YAML::Load(o.value);
  } catch (const YAML::Exception& e) {
    throw InputError("the value '" + o.value + "' is not YAML: " + e.msg, "", o.where);
  }
  const std::vector<std::string> segments = split_path(o);
  YAML::Node node = root.node();
  std::string here;  // the path walked so far, as written
  std::string key;   // the same, as the loader names it
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& s = segments[i];
    const bool last = i + 1 == segments.size();
    if (node.IsSequence()) {
      const std::size_t at = pick_element(node, s, here, o);
      key += "[" + std::to_string(at) + "]";
      if (last) {
        node[at] = value;
        return key;
      }
      node.reset(node[at]);
    } else if (node.IsMap() || node.IsNull()) {
      key += (key.empty() ? "" : ".") + s;
      if (last) {
        node[s] = value;
        return key;
      }
      if (!node[s]) node[s] = YAML::Node(YAML::NodeType::Map);
      node.reset(node[s]);
    } else {
      throw InputError(
          "'" + here + "' is a single value ('" + node.Scalar() + "'), it has no '" + s + "'",
          "vary '" + here + "' itself, for example with a mapping as its value", o.path_where);
    }
    here += (here.empty() ? "" : ".") + s;
  }
  return key;
}

std::optional<InputError> place_override_error(const InputError& e, const ScenarioOverride& o,
                                               const std::string& key) {
  const std::string& k = e.where().key;
  const bool about_it = k == key || (k.size() > key.size() && k.starts_with(key) &&
                                     (k[key.size()] == '.' || k[key.size()] == '['));
  if (!about_it) return std::nullopt;
  return InputError(e.problem() + " (set by " + o.path + " = " + o.value + ")", e.hint(), o.where);
}

}  // namespace mailsim::scenario
