// A small JSON writer for the report verbs: objects, arrays, strings, integers, numbers
// and null, written compactly as they come. The caller keeps the structure balanced
// (REQUIRES: a key() before each value inside an object, none inside an array).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

namespace mailsim::record {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  // The shortest text that reads back as the same double; null when not finite.
  JsonWriter& value(double x);
  JsonWriter& null();
  // Text that is already JSON (a value read from the database's JSON columns), as it is.
  JsonWriter& json(std::string_view text);
  template <class T>
  JsonWriter& value(const std::optional<T>& v) {
    return v ? value(*v) : null();
  }

 private:
  void before_value();

  std::ostream& out_;
  std::vector<bool> empty_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included: ", \ and control characters escaped,
// everything else (UTF-8 included) as it is.
void write_json_string(std::ostream& out, std::string_view text);

}  // namespace mailsim::record
