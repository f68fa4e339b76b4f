#include "mailsim/smtp/sasl.h"

#include "support/catch.h"

namespace mailsim::smtp {

// Vectors from RFC 4648 section 10.
TEST_CASE("base64 encodes and decodes the RFC 4648 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == std::optional<std::string>(plain));
  }
}

TEST_CASE("base64 refuses text that is not canonical") {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v!", "Zm 9v", "=Zm9", "Zg=a"}) {
    CAPTURE(bad);
    CHECK_FALSE(base64_decode(bad).has_value());
  }
}

// RFC 4616 section 4's example: "\0tim\0tanstaaftanstaaf".
TEST_CASE("PLAIN responses round-trip and match RFC 4616's example") {
  CHECK(plain_response({"tim", "tanstaaftanstaaf"}) == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  CHECK(parse_plain_response("AHRpbQB0YW5zdGFhZnRhbnN0YWFm") ==
        std::optional<Credentials>({"tim", "tanstaaftanstaaf"}));
  // "Ursel\0Kurt\0xipj3plmq": an authzid for someone else is refused.
  CHECK_FALSE(parse_plain_response(base64_encode(std::string("Ursel\0Kurt\0xipj3plmq", 20))));
  CHECK(parse_plain_response(base64_encode(std::string("Kurt\0Kurt\0pw", 12))) ==
        std::optional<Credentials>({"Kurt", "pw"}));
  CHECK_FALSE(parse_plain_response(base64_encode("no separators")));
  CHECK_FALSE(parse_plain_response(base64_encode(std::string("\0\0pw", 4))));
}

}  // namespace mailsim::smtp
