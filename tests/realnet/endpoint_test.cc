#include "mailsim/realnet/endpoint.h"

#include "mailsim/core/error.h"
#include "support/catch.h"

using mailsim::InputError;
using mailsim::realnet::Endpoint;
using mailsim::realnet::parse_endpoint;

TEST_CASE("an endpoint reads as host, colon, port") {
  CHECK(parse_endpoint("127.0.0.1:2525", "--listen") == Endpoint{"127.0.0.1", 2525});
  CHECK(parse_endpoint("mx.example.org:25", "--server") == Endpoint{"mx.example.org", 25});
  CHECK(parse_endpoint("127.0.0.1:0", "--listen") == Endpoint{"127.0.0.1", 0});
}

TEST_CASE("an IPv6 endpoint has its address in brackets, and prints the same way") {
  const Endpoint e = parse_endpoint("[::1]:587", "--listen");
  CHECK(e == Endpoint{"::1", 587});
  CHECK(to_string(e) == "[::1]:587");
  CHECK(to_string(Endpoint{"127.0.0.1", 25}) == "127.0.0.1:25");
}

TEST_CASE("a malformed endpoint is bad input naming its option") {
  for (const char* text : {"127.0.0.1", ":25", "host:", "host:65536", "host:2x", "::1:25"}) {
    INFO(text);
    try {
      parse_endpoint(text, "--server");
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(e.where().key == "--server");
    }
  }
}
