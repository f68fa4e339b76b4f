#include "scenario/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

namespace mailsim::scenario {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "did you mean 'x'? known keys here: a, b, c": a near miss is suggested, all are listed.
std::string suggest(std::string_view given, std::span<const std::string_view> known,
                    std::string_view listing) {
  std::string all;
  std::string_view closest;
  std::size_t best = 3;  // suggest only near misses
  for (const auto k : known) {
    all += (all.empty() ? "" : ", ") + std::string(k);
    if (const std::size_t d = edit_distance(given, k); d < best) best = d, closest = k;
  }
  return (closest.empty() ? "" : "did you mean '" + std::string(closest) + "'? ") +
         std::string(listing) + all;
}

// "base[i]", the path of a list's item.
std::string indexed(const std::string& base, std::size_t i) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, i).ptr;
  std::string out;
  out.reserve(base.size() + static_cast<std::size_t>(end - digits) + 2);
  out += base;
  out += '[';
  out.append(digits, end);
  out += ']';
  return out;
}

// A mapping with the key repeat: (Yaml::add_item() expands it).
bool is_repeat(const YAML::Node& node) {
  if (!node.IsMap()) return false;
  for (const auto& kv : node) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "repeat") return true;
  }
  return false;
}

}  // namespace

Yaml::Yaml(YAML::Node node, std::string file, std::string path, std::vector<Binding> vars)
    : Yaml(std::move(node), std::make_shared<const std::string>(std::move(file)), std::move(path),
           vars.empty() ? nullptr : std::make_shared<const std::vector<Binding>>(std::move(vars))) {
}

Yaml::Yaml(YAML::Node node, File file, std::string path, Bindings vars)
    : node_(std::move(node)),
      file_(std::move(file)),
      path_(std::move(path)),
      vars_(std::move(vars)) {}

std::string Yaml::child_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string out;
  out.reserve(path_.size() + 1 + key.size());
  out += path_;
  out += '.';
  out += key;
  return out;
}

bool Yaml::same_node(const Yaml& other) const {
  if (!node_.is(other.node_) || *file_ != *other.file_) return false;
  if (!has_vars() || !other.has_vars()) return has_vars() == other.has_vars();
  return *vars_ == *other.vars_;
}

Yaml Yaml::load_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError("this is a folder, not a scenario file",
                     "give a .yaml file, for example scenarios/university.yaml", {path, 0, 0, ""});
  }
  std::ifstream in(path);
  if (!in) {
    throw InputError("cannot open scenario file", "check the path; scenarios live in scenarios/",
                     {path, 0, 0, ""});
  }
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(in);
    if (documents.size() > 1) {
      const YAML::Mark m = documents[1].Mark();
      throw InputError("a scenario file holds one YAML document, this one has " +
                           std::to_string(documents.size()),
                       "remove the '---' line and what follows, or split the file",
                       {path, m.line + 1, m.column + 1, ""});
    }
    const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
    if (!root.IsMap()) {
      throw InputError("a scenario must be a YAML mapping of keys (name:, hosts:, mtas:, ...)",
                       "see scenarios/README.md", {path, 1, 1, ""});
    }
    return Yaml(root, path, "");
  } catch (const YAML::ParserException& e) {
    throw InputError("YAML syntax error: " + e.msg, "fix the YAML at that place",
                     {path, e.mark.line + 1, e.mark.column + 1, ""});
  }
}

SourceLocation Yaml::location() const {
  const YAML::Mark m = node_.Mark();
  return {*file_, m.line + 1, m.column + 1, path_};
}

void Yaml::fail(const std::string& problem, const std::string& hint) const {
  throw InputError(problem, hint, location());
}

void Yaml::check_keys() const {
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : node_) {
    const YAML::Mark m = kv.first.Mark();
    if (!kv.first.IsScalar()) {
      throw InputError("a key must be a plain name, not a list or mapping", "write key: value",
                       {*file_, m.line + 1, m.column + 1, path_});
    }
    if (!seen.insert(kv.first.Scalar()).second) {
      throw InputError("key '" + kv.first.Scalar() + "' appears twice in this mapping",
                       "keep one of them",
                       {*file_, m.line + 1, m.column + 1, child_path(kv.first.Scalar())});
    }
  }
}

void Yaml::allow_only(std::initializer_list<std::string_view> allowed) const {
  check_keys();
  for (const auto& kv : node_) {
    const std::string& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const YAML::Mark m = kv.first.Mark();
    throw InputError("unknown key '" + key + "'",
                     suggest(key, {allowed.begin(), allowed.size()}, "known keys here: "),
                     {*file_, m.line + 1, m.column + 1, child_path(key)});
  }
}

const YAML::Node* Yaml::find(std::string_view key) const {
  if (!pairs_) {
    auto pairs = std::make_shared<std::vector<std::pair<YAML::Node, YAML::Node>>>();
    pairs->reserve(node_.size());
    for (const auto& kv : node_) pairs->emplace_back(kv.first, kv.second);
    pairs_ = std::move(pairs);
  }
  for (const auto& [k, v] : *pairs_) {
    if (k.IsScalar() && k.Scalar() == key) return &v;
  }
  return nullptr;
}

// yaml-cpp's own lookup converts every key it passes and builds a stream: a mapping's
// pairs are looked through instead; other nodes answer as yaml-cpp does.
bool Yaml::has(std::string_view key) const {
  return node_.IsMap() ? find(key) != nullptr : node_[std::string(key)].IsDefined();
}

Yaml Yaml::operator[](std::string_view key) const {
  const YAML::Node* value = node_.IsMap() ? find(key) : nullptr;
  return Yaml(value ? *value : node_[std::string(key)], file_, child_path(key), vars_);
}

std::string Yaml::substitute(const std::string& text) const {
  if (!has_vars() || text.find('{') == std::string::npos) return text;
  std::string out = text;
  for (auto v = vars_->rbegin(); v != vars_->rend(); ++v) {  // an inner name hides an outer one
    const std::string pattern = "{" + v->first + "}";
    const std::string value = std::to_string(v->second);
    for (auto pos = out.find(pattern); pos != std::string::npos;
         pos = out.find(pattern, pos + value.size())) {
      out.replace(pos, pattern.size(), value);
    }
  }
  return out;
}

void Yaml::expand(const Yaml& r, const std::string& at_path, std::vector<Item>& out) const {
  if (r.is_sequence()) {  // several repeats side by side
    std::size_t i = 0;
    for (auto it = r.node_.begin(); it != r.node_.end(); ++it, ++i) {
      expand(Yaml(*it, file_, indexed(r.path_, i), r.vars_), at_path, out);
    }
    return;
  }
  r.expect_map().allow_only({"count", "as", "from", "each"});
  if (!r.has("count") || !r.has("as") || !r.has("each")) {
    r.fail("a repeat needs count, as and each",
           "for example: repeat: {count: 40, as: i, each: {name: \"dept{i}\"}}");
  }
  const std::int64_t count = r["count"].as_int(0, 1'000'000);
  const std::string name = r["as"].as_string();
  const bool identifier = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                          std::all_of(name.begin(), name.end(), [](char ch) {
                            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
                          });
  if (!identifier) {
    r["as"].fail("'" + name + "' cannot name a repeat variable",
                 "use letters, digits and '_', for example as: i");
  }
  const std::int64_t from =
      r.has("from") ? r["from"].as_int(-1'000'000'000, 1'000'000'000) : std::int64_t{1};
  const YAML::Node each = r["each"].node_;
  for (std::int64_t k = 0; k < count; ++k) {
    auto vars = r.has_vars() ? std::make_shared<std::vector<Binding>>(*r.vars_)
                             : std::make_shared<std::vector<Binding>>();
    vars->emplace_back(name, from + k);
    out.push_back(
        {each, at_path + "{" + name + "=" + std::to_string(from + k) + "}", std::move(vars)});
  }
}

void Yaml::add_item(Item it, std::vector<Item>& out) const {
  if (is_repeat(it.node)) {
    // A repeat's copy may itself be a repeat (nested repeats): expand it in turn.
    const Yaml item = of(it);
    item.allow_only({"repeat"});
    std::vector<Item> copies;
    expand(item["repeat"], it.path, copies);
    for (Item& copy : copies) add_item(std::move(copy), out);
  } else {
    out.push_back(std::move(it));
  }
}

const std::vector<Yaml::Item>& Yaml::items() const {
  if (items_) return *items_;
  auto items = std::make_shared<std::vector<Item>>();
  items->reserve(node_.size());
  std::size_t i = 0;
  for (auto it = node_.begin(); it != node_.end(); ++it, ++i) {
    add_item({*it, indexed(path_, i), vars_}, *items);
  }
  items_ = std::move(items);
  return *items_;
}

std::size_t Yaml::size() const { return node_.IsSequence() ? items().size() : node_.size(); }

Yaml Yaml::at(std::size_t i) const { return of(items().at(i)); }

std::vector<std::pair<Yaml, Yaml>> Yaml::entries() const {
  check_keys();
  std::vector<std::pair<Yaml, Yaml>> out;
  std::set<std::string> seen;
  const auto add = [&](const Yaml& key, const Yaml& value) {
    if (!seen.insert(key.as_string()).second) {
      key.fail("key '" + key.as_string() + "' appears twice in this mapping",
               "keep one of them; a repeat's keys must differ in each copy, e.g. \"dept{i}\"");
    }
    out.emplace_back(key, value);
  };
  for (const auto& kv : node_) {
    const std::string& key = kv.first.Scalar();
    if (key == "repeat") {
      const std::string p = child_path(key);
      std::vector<Item> copies;
      expand(Yaml(kv.second, file_, p, vars_), p, copies);
      for (const Item& item : copies) {
        for (const auto& [k, v] : of(item).expect_map().entries()) add(k, v);
      }
      continue;
    }
    const std::string p = child_path(Yaml(kv.first, file_, "", vars_).as_string());
    add(Yaml(kv.first, file_, p, vars_), Yaml(kv.second, file_, p, vars_));
  }
  return out;
}

Yaml Yaml::expect_map() const {
  if (!node_.IsMap()) fail("expected a mapping (key: value lines)");
  return *this;
}

Yaml Yaml::expect_sequence() const {
  if (!node_.IsSequence()) fail("expected a list (lines starting with '- ')");
  return *this;
}

std::string Yaml::as_string() const {
  if (!node_.IsScalar()) fail("expected a single value, not a list or mapping");
  const std::string out = substitute(node_.Scalar());
  if (!has_vars()) return out;
  const auto open = out.find('{');
  const auto close = out.find('}', open);
  if (open != std::string::npos && close != std::string::npos) {
    const std::string name = out.substr(open + 1, close - open - 1);
    const bool identifier = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    });
    std::string bound;
    for (const auto& v : *vars_) bound += (bound.empty() ? "" : ", ") + v.first;
    if (identifier) {
      fail("no repeat variable '" + name + "' here", "the variables of the repeats here: " + bound);
    }
  }
  return out;
}

std::int64_t Yaml::as_int(std::int64_t min, std::int64_t max) const {
  const std::string s = as_string();
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size() || used == 0) fail("'" + s + "' is not a whole number");
  if (v < min || v > max) {
    fail("'" + s + "' is out of range",
         "use a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

bool Yaml::as_bool() const {
  const std::string s = as_string();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail("'" + s + "' is not true or false");
}

Duration Yaml::as_duration() const {
  return parse_with([](const std::string& s) { return parse_duration(s); });
}
DataRate Yaml::as_data_rate() const {
  return parse_with([](const std::string& s) { return parse_data_rate(s); });
}
std::int64_t Yaml::as_size() const {
  return parse_with([](const std::string& s) { return parse_size(s); });
}

std::string Yaml::as_one_of(std::span<const std::string_view> choices, const std::string& what,
                            const std::string& more) const {
  const std::string s = as_string();
  if (std::find(choices.begin(), choices.end(), s) != choices.end()) return s;
  fail("unknown " + what + " '" + s + "'",
       suggest(s, choices, "use one of: ") + (more.empty() ? "" : "; " + more));
}

std::vector<std::string> Yaml::as_string_list() const {
  if (node_.IsScalar()) return {as_string()};
  expect_sequence();
  const std::vector<Item>& list = items();
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const Item& item : list) {
    // Without variables a scalar reads as itself; anything else takes the full path.
    const bool plain = item.node.IsScalar() && !(item.vars && !item.vars->empty());
    out.push_back(plain ? item.node.Scalar() : of(item).as_string());
  }
  return out;
}

}  // namespace mailsim::scenario
