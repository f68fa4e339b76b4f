#include "mailsim/core/error.h"

#include <utility>

namespace mailsim {

namespace {
std::string compose(const std::string& problem, const std::string& hint,
                    const SourceLocation& where) {
  std::string out;
  if (!where.file.empty()) {
    out.append(where.file);
    if (where.line > 0) {
      out.append(":").append(std::to_string(where.line));
      if (where.column > 0) out.append(":").append(std::to_string(where.column));
    }
    out.append(": ");
  }
  if (!where.key.empty()) out.append(where.key).append(": ");
  out.append(problem);
  if (!hint.empty()) out.append("\n  hint: ").append(hint);
  return out;
}
}  // namespace

InputError::InputError(std::string problem, std::string hint, SourceLocation where)
    : std::runtime_error(compose(problem, hint, where)),
      problem_(std::move(problem)),
      hint_(std::move(hint)),
      where_(std::move(where)) {}

InputError InputError::at(SourceLocation where) const {
  return InputError(problem_, hint_, std::move(where));
}

std::string InputError::format() const { return what(); }

}  // namespace mailsim
