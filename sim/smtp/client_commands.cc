#include "smtp/client_commands.h"

#include <string_view>
#include <utility>

namespace mailsim::smtp {
namespace {

std::string notify_value(std::uint8_t notify) {
  if ((notify & kNotifyNever) != 0) return "NEVER";
  std::string value;
  for (const auto& [flag, name] :
       {std::pair{kNotifySuccess, "SUCCESS"}, std::pair{kNotifyFailure, "FAILURE"},
        std::pair{kNotifyDelay, "DELAY"}}) {
    if ((notify & flag) == 0) continue;
    if (!value.empty()) value += ',';
    value += name;
  }
  return value;
}

}  // namespace

std::string mail_command(const Envelope& envelope, std::int64_t size, const Extensions& offered) {
  std::string line = "MAIL FROM:<" + envelope.mail_from + ">";
  if (offered.size) line += " SIZE=" + std::to_string(size);
  if (offered.eight_bit_mime && envelope.body == BodyType::k8BitMime) line += " BODY=8BITMIME";
  if (offered.eight_bit_mime && envelope.body == BodyType::k7Bit) line += " BODY=7BIT";
  if (!offered.dsn) return line;
  if (!envelope.envid.empty()) line += " ENVID=" + xtext_encode(envelope.envid);
  if (envelope.ret == DsnReturn::kFull) line += " RET=FULL";
  if (envelope.ret == DsnReturn::kHeaders) line += " RET=HDRS";
  return line;
}

std::string rcpt_command(const Envelope& envelope, std::size_t index, const Extensions& offered) {
  std::string line = "RCPT TO:<" + envelope.rcpt_to[index] + ">";
  if (!offered.dsn) return line;
  const RecipientOptions options = envelope.options_of(index);
  if (options.notify != 0) line += " NOTIFY=" + notify_value(options.notify);
  if (!options.orcpt.empty()) line += " ORCPT=" + xtext_encode(options.orcpt);
  return line;
}

std::string xtext_encode(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet >= '!' && octet <= '~' && c != '+' && c != '=') {
      out += c;
    } else {
      out += '+';
      out += kHex[octet >> 4];
      out += kHex[octet & 0xF];
    }
  }
  return out;
}

}  // namespace mailsim::smtp
