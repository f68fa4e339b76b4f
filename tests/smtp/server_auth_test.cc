// AUTH (RFC 4954) on the server: PLAIN and LOGIN, the refusals Postfix sends, and a
// submission server that requires it.
#include <string>
#include <vector>

#include "fake_policy.h"
#include "mailsim/smtp/sasl.h"
#include "mailsim/smtp/server_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

using testing::FakePolicy;
using testing::replies_to;
using Lines = std::vector<std::string>;

ServerConfig auth_config(bool require_auth = false) {
  return {.hostname = "msa.src.example",
          .authenticate =
              [](const Credentials& c) { return c.user == "alice" && c.password == "secret"; },
          .require_auth = require_auth};
}

const std::string kGoodPlain = plain_response({"alice", "secret"});
const std::string kBadPlain = plain_response({"alice", "guess"});
const std::string kAlice = base64_encode("alice");
const std::string kSecret = base64_encode("secret");
const std::string kOk = "235 2.7.0 Authentication successful";
const std::string kFailed = "535 5.7.8 Error: authentication failed: authentication failure";
const std::string kHelo = "HELO c\r\n";
const std::string kHeloReply = "250 msa.src.example";

TEST_CASE("AUTH PLAIN and LOGIN succeed and fail with Postfix's replies") {
  struct Row {
    const char* what;
    std::string input;
    Lines expected;
  };
  const Row rows[] = {
      {"PLAIN with an initial response",
       kHelo + "AUTH PLAIN " + kGoodPlain + "\r\n",
       {kHeloReply, kOk}},
      {"PLAIN after an empty challenge",
       kHelo + "AUTH PLAIN\r\n" + kGoodPlain + "\r\n",
       {kHeloReply, "334 ", kOk}},
      {"PLAIN with a wrong password",
       kHelo + "AUTH PLAIN " + kBadPlain + "\r\n",
       {kHeloReply, kFailed}},
      {"PLAIN with an empty initial response", kHelo + "AUTH PLAIN =\r\n", {kHeloReply, kFailed}},
      {"LOGIN asks for the user name, then the password",
       kHelo + "AUTH LOGIN\r\n" + kAlice + "\r\n" + kSecret + "\r\n",
       {kHeloReply, "334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", kOk}},
      {"LOGIN with the user name in the command",
       kHelo + "auth login " + kAlice + "\r\n" + kSecret + "\r\n",
       {kHeloReply, "334 UGFzc3dvcmQ6", kOk}},
      {"LOGIN with a wrong password",
       kHelo + "AUTH LOGIN " + kAlice + "\r\n" + base64_encode("guess") + "\r\n",
       {kHeloReply, "334 UGFzc3dvcmQ6", kFailed}},
      {"the client cancels with *",
       kHelo + "AUTH LOGIN\r\n*\r\nNOOP\r\n",
       {kHeloReply, "334 VXNlcm5hbWU6", "501 5.7.0 Authentication aborted", "250 2.0.0 Ok"}},
      {"an initial response that is not base64",
       kHelo + "AUTH PLAIN a*b=\r\n",
       {kHeloReply, "501 5.5.2 Invalid base64 data in initial response"}},
      {"a continued response that is not base64",
       kHelo + "AUTH PLAIN\r\nnot base64\r\nNOOP\r\n",
       {kHeloReply, "334 ", "501 5.5.2 Invalid base64 data in continued response", "250 2.0.0 Ok"}},
      {"an AUTH response over 12288 octets",
       kHelo + "AUTH PLAIN\r\n" + std::string(12300, 'A') + "\r\nNOOP\r\n",
       {kHeloReply, "334 ", "500 5.5.6 SASL response limit exceeded", "250 2.0.0 Ok"}},
      {"an unknown mechanism",
       kHelo + "AUTH CRAM-MD5\r\n",
       {kHeloReply, "535 5.7.8 Error: authentication failed: Invalid authentication mechanism"}},
      {"no mechanism, or too many words",
       kHelo + "AUTH\r\nAUTH PLAIN a b\r\n",
       {kHeloReply, "501 5.5.4 Syntax: AUTH mechanism", "501 5.5.4 Syntax: AUTH mechanism"}},
      {"before HELO",
       "AUTH PLAIN " + kGoodPlain + "\r\n",
       {"503 5.5.1 Error: send HELO/EHLO first"}},
      {"twice",
       kHelo + "AUTH PLAIN " + kGoodPlain + "\r\nAUTH PLAIN " + kGoodPlain + "\r\n",
       {kHeloReply, kOk, "503 5.5.1 Error: already authenticated"}},
      {"during a transaction",
       kHelo + "MAIL FROM:<a@s>\r\nAUTH PLAIN " + kGoodPlain + "\r\n",
       {kHeloReply, "250 2.1.0 Ok", "503 5.5.1 Error: MAIL transaction in progress"}},
      {"a second try after a failure",
       kHelo + "AUTH PLAIN " + kBadPlain + "\r\nAUTH PLAIN " + kGoodPlain + "\r\n",
       {kHeloReply, kFailed, kOk}},
      {"AUTH= on MAIL is taken once and ignored",
       kHelo + "MAIL FROM:<a@s> AUTH=<> AUTH=<>\r\nMAIL FROM:<a@s> AUTH=alice+40src\r\n",
       {kHeloReply, "503 5.5.4 Error: multiple AUTH= options", "250 2.1.0 Ok"}},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    CHECK(replies_to(row.input, auth_config()) == row.expected);
  }
}

TEST_CASE("a server without authenticate offers no AUTH and refuses the command") {
  const ServerConfig config{.hostname = "mx.dest.example"};
  CHECK(replies_to("HELO c\r\nAUTH PLAIN " + kGoodPlain + "\r\nMAIL FROM:<a@s> AUTH=<>\r\n",
                   config) == Lines{"250 mx.dest.example",
                                    "503 5.5.1 Error: authentication not enabled",
                                    "555 5.5.4 Unsupported option: AUTH=<>"});
}

TEST_CASE("EHLO offers AUTH PLAIN LOGIN where authentication is configured") {
  CHECK(replies_to("EHLO c\r\n", auth_config()) ==
        Lines{"250-msa.src.example", "250-PIPELINING", "250-SIZE 10240000", "250-AUTH PLAIN LOGIN",
              "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250 DSN"});
}

TEST_CASE("a submission server refuses MAIL before AUTH with 530 5.7.0") {
  CHECK(replies_to(
            "EHLO c\r\nMAIL FROM:<a@s>\r\nAUTH PLAIN " + kGoodPlain + "\r\nMAIL FROM:<a@s>\r\n",
            auth_config(true))
            .back() == "250 2.1.0 Ok");
  CHECK(replies_to("HELO c\r\nMAIL FROM:<a@s>\r\n", auth_config(true)) ==
        Lines{kHeloReply, "530 5.7.0 Authentication required"});
}

TEST_CASE("the policy sees who authenticated") {
  FakePolicy policy;
  ServerSession server(auth_config(), policy);
  server.receive("EHLO c\r\nMAIL FROM:<a@s>\r\nRSET\r\nAUTH LOGIN " + kAlice + "\r\n" + kSecret +
                 "\r\nMAIL FROM:<a@s>\r\n");
  REQUIRE(policy.sessions.size() == 2);
  CHECK(policy.sessions[0].authenticated_user.empty());
  CHECK(policy.sessions[1].authenticated_user == "alice");
  CHECK(policy.sessions[1].helo_name == "c");
  CHECK(policy.sessions[1].esmtp);
  CHECK(server.authenticated_user() == "alice");
}

TEST_CASE("a failed AUTH leaves the session unauthenticated") {
  FakePolicy policy;
  ServerSession server(auth_config(), policy);
  server.receive("EHLO c\r\nAUTH LOGIN " + kAlice + "\r\n*\r\nAUTH PLAIN " + kBadPlain + "\r\n");
  CHECK(server.authenticated_user().empty());
}

}  // namespace
}  // namespace mailsim::smtp
