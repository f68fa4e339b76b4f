// The one error type for bad input (scenario files, command lines, result databases that
// are not ours). It carries where the problem is, what is wrong and what would be right.
// Only main() catches it, prints format() and exits with status 2. Protocol failures are
// data, not exceptions; programming errors are asserts.
#pragma once

#include <stdexcept>
#include <string>

namespace mailsim {

struct SourceLocation {
  std::string file;
  int line = 0;     // 1-based; 0 when unknown
  int column = 0;   // 1-based; 0 when unknown
  std::string key;  // the key path in a structured file ("mtas[2].retry.interval"), if any
};

class InputError : public std::runtime_error {
 public:
  explicit InputError(std::string problem, std::string hint = {}, SourceLocation where = {});

  const std::string& problem() const { return problem_; }
  const std::string& hint() const { return hint_; }
  const SourceLocation& where() const { return where_; }

  // A copy placed at `where`, keeping the problem and hint. Lower layers (units parsing)
  // throw without a location; the layer that knows the file adds it.
  InputError at(SourceLocation where) const;

  // "file:line:column: key: problem\n  hint: ...", omitting the parts that are unknown.
  std::string format() const;

 private:
  std::string problem_;
  std::string hint_;
  SourceLocation where_;
};

}  // namespace mailsim
