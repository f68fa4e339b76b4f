#include "smtp/mail_parameters.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "smtp/text.h"

namespace mailsim::smtp {
namespace {

Reply unsupported(const ParameterView& parameter) {
  return make_reply(555, "5.5.4", std::string("Unsupported option: ").append(parameter.text));
}

bool all_printable(std::string_view text) {
  for (const char c : text) {
    if (c < ' ' || c > '~') return false;
  }
  return true;
}

// SIZE=n (RFC 1870): digits only; a number too big to hold is over any limit.
std::optional<Reply> read_size(std::string_view value, std::int64_t& size) {
  const bool digits = !value.empty() && std::ranges::all_of(value, [](char c) {
    return c >= '0' && c <= '9';
  });  // find_first_not_of would search the ten digits for each character
  if (!digits) return make_reply(501, "5.5.4", "Bad message size syntax");
  const auto result = std::from_chars(value.data(), value.data() + value.size(), size);
  if (result.ec != std::errc()) {
    return make_reply(552, "5.3.4", "Message size exceeds file system imposed limit");
  }
  return std::nullopt;
}

std::optional<BodyType> body_type(std::string_view value) {
  if (equals_ignoring_case(value, "7BIT")) return BodyType::k7Bit;
  if (equals_ignoring_case(value, "8BITMIME")) return BodyType::k8BitMime;
  return std::nullopt;
}

DsnReturn dsn_return(std::string_view value) {
  if (equals_ignoring_case(value, "FULL")) return DsnReturn::kFull;
  if (equals_ignoring_case(value, "HDRS")) return DsnReturn::kHeaders;
  return DsnReturn::kUnspecified;
}

// NOTIFY=NEVER, or a comma-separated list of SUCCESS, FAILURE and DELAY; 0 when bad.
// Empty list items are skipped, as Postfix's name_mask does.
std::uint8_t notify_flags(std::string_view value) {
  static constexpr std::pair<std::string_view, NotifyFlag> kNames[] = {
      {"NEVER", kNotifyNever},
      {"SUCCESS", kNotifySuccess},
      {"FAILURE", kNotifyFailure},
      {"DELAY", kNotifyDelay},
  };
  std::uint8_t flags = 0;
  while (!value.empty()) {
    const std::size_t comma = std::min(value.find(','), value.size());
    const std::string_view name = value.substr(0, comma);
    value.remove_prefix(std::min(comma + 1, value.size()));
    if (name.empty()) continue;
    std::uint8_t flag = 0;
    for (const auto& [known, bit] : kNames) {
      if (equals_ignoring_case(name, known)) flag = bit;
    }
    if (flag == 0) return 0;
    flags |= flag;
  }
  return (flags & kNotifyNever) != 0 && flags != kNotifyNever ? 0 : flags;
}

// ORCPT=addr-type;xtext (RFC 3461 4.2), kept as "addr-type;decoded-address".
std::optional<std::string> original_recipient(std::string_view value) {
  const std::size_t semicolon = value.find(';');
  if (semicolon == 0 || semicolon == std::string_view::npos) return std::nullopt;
  const std::optional<std::string> address = xtext_decode(value.substr(semicolon + 1));
  if (!address) return std::nullopt;
  return std::string(value.substr(0, semicolon + 1)) + *address;
}

}  // namespace

// Keywords compare in any case (RFC 5321 2.4), as upper() of them would.
std::optional<Reply> read_mail_parameters(std::string_view parameters, bool auth_offered,
                                          MailOptions& options) {
  bool auth_seen = false;
  bool envid_seen = false;
  while (const std::optional<ParameterView> parameter = next_parameter(parameters)) {
    const auto key = [&](std::string_view name) {
      return equals_ignoring_case(parameter->keyword, name);
    };
    const std::string_view value = parameter->value;
    if (!parameter->has_value()) return unsupported(*parameter);
    if (key("SIZE")) {
      if (auto refusal = read_size(value, options.declared_size)) return refusal;
    } else if (key("BODY")) {
      const std::optional<BodyType> body = body_type(value);
      if (!body) return unsupported(*parameter);
      options.body = *body;
    } else if (key("AUTH") && auth_offered) {
      if (auth_seen) return make_reply(503, "5.5.4", "Error: multiple AUTH= options");
      auth_seen = true;
    } else if (key("RET")) {
      if (options.ret != DsnReturn::kUnspecified ||
          (options.ret = dsn_return(value)) == DsnReturn::kUnspecified) {
        return make_reply(501, "5.5.4", "Bad RET parameter syntax");
      }
    } else if (key("ENVID")) {
      std::optional<std::string> envid = xtext_decode(value);
      if (envid_seen || !envid || envid->empty() || !all_printable(*envid)) {
        return make_reply(501, "5.5.4", "Bad ENVID parameter syntax");
      }
      envid_seen = true;
      options.envid = std::move(*envid);
    } else {
      return unsupported(*parameter);
    }
  }
  return std::nullopt;
}

std::optional<Reply> read_rcpt_parameters(std::string_view parameters, RecipientOptions& options) {
  bool orcpt_seen = false;
  while (const std::optional<ParameterView> parameter = next_parameter(parameters)) {
    if (!parameter->has_value()) return unsupported(*parameter);
    if (equals_ignoring_case(parameter->keyword, "NOTIFY")) {
      if (options.notify != 0 || (options.notify = notify_flags(parameter->value)) == 0) {
        return make_reply(501, "5.5.4", "Error: Bad NOTIFY parameter syntax");
      }
    } else if (equals_ignoring_case(parameter->keyword, "ORCPT")) {
      std::optional<std::string> orcpt = original_recipient(parameter->value);
      if (orcpt_seen || !orcpt)
        return make_reply(501, "5.5.4", "Error: Bad ORCPT parameter syntax");
      orcpt_seen = true;
      options.orcpt = std::move(*orcpt);
    } else {
      return unsupported(*parameter);
    }
  }
  return std::nullopt;
}

}  // namespace mailsim::smtp
