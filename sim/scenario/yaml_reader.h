// Reading YAML with errors that point at the place: every accessor knows the file, the
// node's line and column and the key path ("mtas[1].retry.interval"), and throws an
// InputError saying what would be right. Wraps yaml-cpp so that nothing else sees it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/error.h"
#include "mailsim/core/time.h"
#include "mailsim/core/units.h"

namespace mailsim::scenario {

// A YAML node with where it came from, and the repeat variables bound where it was
// reached (see "Repeating" in scenarios/README.md). A list item or a mapping entry
// `repeat: {count: N, as: i, from: 1, each: TEMPLATE}` stands for N copies of TEMPLATE,
// with "{i}" replaced by from, from + 1, ... in every string read through them; size(),
// at() and entries() see the copies, and errors in a copy point at the template.
class Yaml {
 public:
  using Binding = std::pair<std::string, std::int64_t>;  // a repeat variable and its value

  Yaml(YAML::Node node, std::string file, std::string path, std::vector<Binding> vars = {});

  static Yaml load_file(const std::string& path);

  const std::string& path() const { return path_; }
  // Whether `other` is this very node of the file (a YAML alias is the node its anchor
  // names) read with the same repeat variables: then every read of it gives the same.
  bool same_node(const Yaml& other) const;
  // The node's offset in the file: equal for the same node (see same_node()).
  std::size_t offset() const { return static_cast<std::size_t>(node_.Mark().pos); }
  // The node itself, for code that edits the tree before it is read (scenario/override.h).
  YAML::Node node() const { return node_; }
  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }

  // REQUIRES: is_map(). Throws for a key not in `allowed`, suggesting the closest one.
  void allow_only(std::initializer_list<std::string_view> allowed) const;
  bool has(std::string_view key) const;
  Yaml operator[](std::string_view key) const;  // REQUIRES: has(key)
  Yaml at(std::size_t i) const;                 // REQUIRES: is_sequence()
  std::size_t size() const;                     // of a list, with repeats expanded
  // Of a map: (key, value), with repeats expanded; throws for a key that appears twice.
  std::vector<std::pair<Yaml, Yaml>> entries() const;

  // Typed reads of this node; each throws with the location on a wrong type or unit.
  Yaml expect_map() const;
  Yaml expect_sequence() const;
  std::string as_string() const;
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  bool as_bool() const;
  Duration as_duration() const;
  DataRate as_data_rate() const;
  std::int64_t as_size() const;
  // A scalar or a sequence of scalars, as a list.
  std::vector<std::string> as_string_list() const;
  // One of `choices`; otherwise throws "unknown WHAT 'x'" suggesting the closest choice,
  // listing them all and adding `more` to the hint.
  std::string as_one_of(std::span<const std::string_view> choices, const std::string& what,
                        const std::string& more = {}) const;
  // parse(as_string()), with an InputError it throws placed at this node.
  template <class F>
  auto parse_with(F parse) const {
    try {
      return parse(as_string());
    } catch (const InputError& e) {
      throw e.at(location());
    }
  }

  [[noreturn]] void fail(const std::string& problem, const std::string& hint = {}) const;
  // Throws for a key that is not a plain scalar or that appears twice (yaml-cpp keeps both).
  void check_keys() const;
  SourceLocation location() const;

 private:
  // Shared by the nodes read from one another: copying a Yaml copies no file name and no
  // variables.
  using File = std::shared_ptr<const std::string>;
  using Bindings = std::shared_ptr<const std::vector<Binding>>;  // null: none bound
  struct Item {  // one list item after expansion: a node and what it binds
    YAML::Node node;
    std::string path;
    Bindings vars;
  };
  Yaml(YAML::Node node, File file, std::string path, Bindings vars);
  Yaml of(const Item& item) const { return Yaml(item.node, file_, item.path, item.vars); }
  std::string child_path(std::string_view key) const;

  // The items of a list or the entries of a `repeat:` value, with repeats expanded.
  const std::vector<Item>& items() const;
  // The value of `key` in this mapping (the first, as yaml-cpp finds it); null without.
  // REQUIRES: is_map().
  const YAML::Node* find(std::string_view key) const;
  // Appends `item`, or the copies it stands for when it is a `repeat:`.
  void add_item(Item item, std::vector<Item>& out) const;
  void expand(const Yaml& repeat, const std::string& at_path, std::vector<Item>& out) const;
  std::string substitute(const std::string& text) const;
  bool has_vars() const { return vars_ && !vars_->empty(); }

  YAML::Node node_;
  File file_;
  std::string path_;
  Bindings vars_;
  mutable std::shared_ptr<const std::vector<Item>> items_;  // computed on first use
  // A mapping's (key, value) pairs in order, for find(): computed on first use.
  mutable std::shared_ptr<const std::vector<std::pair<YAML::Node, YAML::Node>>> pairs_;
};

}  // namespace mailsim::scenario
