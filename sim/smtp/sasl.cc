#include "mailsim/smtp/sasl.h"

#include <openssl/evp.h>

namespace mailsim::smtp {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/';
    // '=' only as the last one or two characters.
    const bool padding =
        c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!alphabet && !padding) return std::nullopt;
  }
  std::string out(3 * (text.size() / 4) + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string plain_response(const Credentials& credentials) {
  std::string message;
  message += '\0';
  message += credentials.user;
  message += '\0';
  message += credentials.password;
  return base64_encode(message);
}

std::optional<Credentials> parse_plain_response(std::string_view base64_text) {
  const std::optional<std::string> message = base64_decode(base64_text);
  if (!message) return std::nullopt;
  const std::size_t first = message->find('\0');
  if (first == std::string::npos) return std::nullopt;
  const std::size_t second = message->find('\0', first + 1);
  if (second == std::string::npos || message->find('\0', second + 1) != std::string::npos) {
    return std::nullopt;
  }
  Credentials c{message->substr(first + 1, second - first - 1), message->substr(second + 1)};
  const std::string authzid = message->substr(0, first);
  if (c.user.empty() || (!authzid.empty() && authzid != c.user)) return std::nullopt;
  return c;
}

}  // namespace mailsim::smtp
