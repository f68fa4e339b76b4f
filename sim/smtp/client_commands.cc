#include "smtp/client_commands.h"

#include <charconv>
#include <iterator>
#include <string_view>
#include <utility>

namespace mailsim::smtp {
namespace {

// The NOTIFY= value (RFC 3461 4.1): NEVER alone, or the others in this order.
void append_notify_value(std::string& out, std::uint8_t notify) {
  if ((notify & kNotifyNever) != 0) {
    out += "NEVER";
    return;
  }
  bool first = true;
  for (const auto& [flag, name] :
       {std::pair{kNotifySuccess, "SUCCESS"}, std::pair{kNotifyFailure, "FAILURE"},
        std::pair{kNotifyDelay, "DELAY"}}) {
    if ((notify & flag) == 0) continue;
    if (!std::exchange(first, false)) out += ',';
    out += name;
  }
}

}  // namespace

void append_mail_command(std::string& out, const Envelope& envelope, std::int64_t size,
                         const Extensions& offered) {
  out += "MAIL FROM:<";
  out += envelope.mail_from;
  out += '>';
  if (offered.size) {
    char digits[24];
    const auto [end, error] = std::to_chars(std::begin(digits), std::end(digits), size);
    out += " SIZE=";
    out.append(digits, end);
  }
  if (offered.eight_bit_mime && envelope.body == BodyType::k8BitMime) out += " BODY=8BITMIME";
  if (offered.eight_bit_mime && envelope.body == BodyType::k7Bit) out += " BODY=7BIT";
  if (!offered.dsn) return;
  if (!envelope.envid.empty()) {
    out += " ENVID=";
    append_xtext(out, envelope.envid);
  }
  if (envelope.ret == DsnReturn::kFull) out += " RET=FULL";
  if (envelope.ret == DsnReturn::kHeaders) out += " RET=HDRS";
}

void append_rcpt_command(std::string& out, const Envelope& envelope, std::size_t index,
                         const Extensions& offered) {
  out += "RCPT TO:<";
  out += envelope.rcpt_to[index];
  out += '>';
  if (!offered.dsn) return;
  const RecipientOptions& options = envelope.options_of(index);
  if (options.notify != 0) {
    out += " NOTIFY=";
    append_notify_value(out, options.notify);
  }
  if (!options.orcpt.empty()) {
    out += " ORCPT=";
    append_xtext(out, options.orcpt);
  }
}

void append_xtext(std::string& out, std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
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
}

}  // namespace mailsim::smtp
