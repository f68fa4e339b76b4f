#include "mailsim/smtp/server_session.h"

#include <string>
#include <utility>
#include <vector>

#include "fake_policy.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

using testing::FakePolicy;
using testing::replies_to;

ServerConfig test_config() { return {.hostname = "mx.dest.example"}; }

// "250 2.1.0" for each reply in the server's output ("250" when it has no enhanced code).
std::vector<std::string> reply_codes(const std::string& output) {
  ReplyParser parser;
  parser.feed(output);
  std::vector<std::string> codes;
  while (std::optional<Reply> reply = parser.next()) {
    codes.push_back(std::to_string(reply->code) +
                    (reply->enhanced.empty() ? "" : " " + reply->enhanced));
  }
  REQUIRE_FALSE(parser.malformed());
  return codes;
}

// The codes of the replies to `input`, greeting included.
std::vector<std::string> converse(const std::string& input, ServerConfig config = test_config()) {
  return reply_codes(testing::output_for(input, config));
}

using Codes = std::vector<std::string>;

TEST_CASE("the server answers each command sequence with the Postfix codes") {
  struct Row {
    const char* what;
    std::string input;
    Codes expected;
  };
  const Row rows[] = {
      {"a whole transaction",
       "EHLO c.example\r\nMAIL FROM:<a@src.example>\r\n"
       "RCPT TO:<b@dest.example>\r\nDATA\r\nhello\r\n.\r\nQUIT\r\n",
       {"220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0"}},
      {"commands in any case",
       "ehlo c.example\r\nmail from:<a@src.example>\r\nrcpt to:<b@d>\r\n",
       {"220", "250", "250 2.1.0", "250 2.1.5"}},
      {"MAIL before HELO", "MAIL FROM:<a@src.example>\r\n", {"220", "503 5.5.1"}},
      {"RCPT before MAIL", "HELO c.example\r\nRCPT TO:<b@d>\r\n", {"220", "250", "503 5.5.1"}},
      {"nested MAIL",
       "HELO c\r\nMAIL FROM:<a@s>\r\nMAIL FROM:<a@s>\r\n",
       {"220", "250", "250 2.1.0", "503 5.5.1"}},
      {"DATA before MAIL", "HELO c\r\nDATA\r\n", {"220", "250", "503 5.5.1"}},
      {"DATA with no accepted recipient",
       "HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<nobody@dest.example>\r\nDATA\r\n",
       {"220", "250", "250 2.1.0", "550 5.1.1", "554 5.5.1"}},
      {"a deferred recipient",
       "HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<grey@dest.example>\r\n",
       {"220", "250", "250 2.1.0", "450 4.2.0"}},
      {"a refused sender",
       "HELO c\r\nMAIL FROM:<spammer@bad.example>\r\nRCPT TO:<b@d>\r\n",
       {"220", "250", "553 5.7.1", "503 5.5.1"}},
      {"the null sender", "HELO c\r\nMAIL FROM:<>\r\n", {"220", "250", "250 2.1.0"}},
      {"RSET ends the transaction",
       "HELO c\r\nMAIL FROM:<a@s>\r\nRSET\r\nMAIL FROM:<a@s>\r\n",
       {"220", "250", "250 2.1.0", "250 2.0.0", "250 2.1.0"}},
      {"EHLO ends the transaction",
       "EHLO c\r\nMAIL FROM:<a@s>\r\nEHLO c\r\nMAIL FROM:<a@s>\r\n",
       {"220", "250", "250 2.1.0", "250", "250 2.1.0"}},
      {"a refused HELO name",
       "HELO rejected.example\r\nMAIL FROM:<a@s>\r\n",
       {"220", "550 5.7.1", "503 5.5.1"}},
      {"NOOP, VRFY and HELP",
       "NOOP\r\nVRFY bob\r\nHELP\r\n",
       {"220", "250 2.0.0", "252 2.0.0", "214 2.0.0"}},
      {"bad MAIL and RCPT syntax",
       "HELO c\r\nMAIL TO:<a@s>\r\nMAIL FROM:<a@s>\r\nRCPT <b@d>\r\n"
       "RCPT TO:<>\r\n",
       {"220", "250", "501 5.5.4", "250 2.1.0", "501 5.5.4", "501 5.1.3"}},
      {"arguments where none belong",
       "HELO c\r\nRSET x\r\nMAIL FROM:<a@s>\r\nRCPT TO:<b@d>\r\n"
       "DATA now\r\n",
       {"220", "250", "501 5.5.4", "250 2.1.0", "250 2.1.5", "501 5.5.4"}},
      {"missing arguments",
       "EHLO\r\nHELO \r\nVRFY\r\n",
       {"220", "501 5.5.4", "501 5.5.4", "501 5.5.4"}},
      {"unknown and empty commands", "EXPN staff\r\n\r\n", {"220", "502 5.5.2", "500 5.5.2"}},
      {"declared size over the limit",
       "HELO c\r\nMAIL FROM:<a@s> SIZE=10240001\r\n",
       {"220", "250", "552 5.3.4"}},
      {"declared size at the limit, other parameters ignored",
       "HELO c\r\nMAIL FROM:<a@s> SIZE=10240000 BODY=8BITMIME\r\n",
       {"220", "250", "250 2.1.0"}},
      {"bad size syntax", "HELO c\r\nMAIL FROM:<a@s> SIZE=big\r\n", {"220", "250", "501 5.5.4"}},
      {"bare LF line ends", "HELO c\nMAIL FROM:<a@s>\n", {"220", "250", "250 2.1.0"}},
      {"a 421 from the policy closes",
       "HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<shutdown@dest.example>\r\n"
       "RCPT TO:<b@d>\r\n",
       {"220", "250", "250 2.1.0", "421 4.3.2"}},
      {"nothing after QUIT", "QUIT\r\nNOOP\r\n", {"220", "221 2.0.0"}},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    CHECK(converse(row.input) == row.expected);
  }
}

using Lines = std::vector<std::string>;

TEST_CASE("the server's refusals carry Postfix's codes and texts") {
  struct Row {
    const char* what;
    std::string input;
    Lines expected;
  };
  const Row rows[] = {
      {"MAIL before HELO", "MAIL FROM:<a@s>\r\n", {"503 5.5.1 Error: send HELO/EHLO first"}},
      {"nested MAIL",
       "HELO c\r\nMAIL FROM:<a@s>\r\nMAIL FROM:<a@s>\r\n",
       {"250 mx.dest.example", "250 2.1.0 Ok", "503 5.5.1 Error: nested MAIL command"}},
      {"RCPT before MAIL",
       "HELO c\r\nRCPT TO:<b@d>\r\n",
       {"250 mx.dest.example", "503 5.5.1 Error: need MAIL command"}},
      {"DATA before MAIL, even with an argument",
       "HELO c\r\nDATA now\r\n",
       {"250 mx.dest.example", "503 5.5.1 Error: need RCPT command"}},
      {"DATA with every recipient refused",
       "HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<grey@dest.example>\r\nDATA\r\n",
       {"250 mx.dest.example", "250 2.1.0 Ok",
        "450 4.2.0 <grey@dest.example>: Recipient address rejected: Greylisted",
        "554 5.5.1 Error: no valid recipients"}},
      {"syntax errors",
       "HELO\r\nEHLO\r\nHELO c\r\nMAIL FROM <a@s>\r\nMAIL FROM:<a@s>\r\nRCPT TO:<>\r\n"
       "RCPT TO b@d\r\nRCPT TO:<b@d>\r\nDATA x\r\nRSET x\r\nVRFY\r\n",
       {"501 5.5.4 Syntax: HELO hostname", "501 5.5.4 Syntax: EHLO hostname", "250 mx.dest.example",
        "501 5.5.4 Syntax: MAIL FROM:<address>", "250 2.1.0 Ok",
        "501 5.1.3 Bad recipient address syntax", "501 5.5.4 Syntax: RCPT TO:<address>",
        "250 2.1.5 Ok", "501 5.5.4 Syntax: DATA", "501 5.5.4 Syntax: RSET",
        "501 5.5.4 Syntax: VRFY address"}},
      {"empty and unknown commands",
       "\r\nEXPN staff\r\nSTARTTLS\r\n",
       {"500 5.5.2 Error: bad syntax", "502 5.5.2 Error: command not recognized",
        "502 5.5.2 Error: command not recognized"}},
      {"a command line over 512 octets",
       "NOOP " + std::string(506, 'x') + "\r\nNOOP\r\n",
       {"500 5.5.0 line too long", "250 2.0.0 Ok"}},
      {"VRFY, NOOP, RSET and QUIT",
       "VRFY bob\r\nNOOP\r\nRSET\r\nQUIT\r\n",
       {"252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery", "250 2.0.0 Ok",
        "250 2.0.0 Ok", "221 2.0.0 Bye"}},
      {"declared size over the limit",
       "HELO c\r\nMAIL FROM:<a@s> SIZE=10240001\r\n",
       {"250 mx.dest.example", "552 5.3.4 Message size exceeds fixed limit"}},
      {"control characters in a quoted parameter are shown as ?",
       "HELO c\r\nMAIL FROM:<a@s> X=\x01\x7f\xe9\r\n",
       {"250 mx.dest.example", "555 5.5.4 Unsupported option: X=???"}},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    CHECK(replies_to(row.input, test_config()) == row.expected);
  }
}

TEST_CASE("the greeting names the host and the software") {
  FakePolicy policy;
  ServerSession server(test_config(), policy);
  server.open();
  CHECK(server.take_output() == "220 mx.dest.example ESMTP mailsim\r\n");
}

TEST_CASE("a 554 greeting serves only QUIT; every other command gets 503 (RFC 5321 3.1)") {
  FakePolicy policy;
  ServerSession server(test_config(), policy);
  server.open_refused(make_reply(554, "5.3.2", "mx.dest.example No SMTP service here"));
  CHECK_FALSE(server.closed());
  server.receive("EHLO client.example\r\nMAIL FROM:<a@b.example>\r\nNOOP\r\n");
  CHECK_FALSE(server.closed());
  server.receive("QUIT\r\n");
  CHECK(server.closed());
  CHECK(reply_codes(server.take_output()) ==
        Codes{"554 5.3.2", "503 5.5.1", "503 5.5.1", "503 5.5.1", "221 2.0.0"});
  CHECK(policy.sessions.empty());  // MAIL never reached the policy
}

TEST_CASE("a 421 greeting closes the session at once") {
  FakePolicy policy;
  ServerSession server(test_config(), policy);
  server.open_refused(make_reply(421, "4.3.2", "System not accepting network messages"));
  CHECK(server.closed());
  server.receive("QUIT\r\n");
  CHECK(server.take_output() == "421 4.3.2 System not accepting network messages\r\n");
}

TEST_CASE("EHLO lists the extensions under the host name, HELO answers with the name only") {
  FakePolicy policy;
  ServerSession server(test_config(), policy);
  server.open();
  server.take_output();
  server.receive("EHLO client.example\r\n");
  CHECK(server.take_output() ==
        "250-mx.dest.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
        "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n");
  CHECK(server.helo_name() == "client.example");
  CHECK(server.esmtp());
  server.receive("HELO other.example\r\n");
  CHECK(server.take_output() == "250 mx.dest.example\r\n");
  CHECK(server.helo_name() == "other.example");
  CHECK_FALSE(server.esmtp());
}

TEST_CASE("the greeting's name is its argument's first word, ended by a space or a tab") {
  FakePolicy policy;
  ServerSession server(test_config(), policy);
  server.open();
  for (const auto& [argument, name] : {std::pair{"one.example", "one.example"},
                                       std::pair{"two.example extra words", "two.example"},
                                       std::pair{"three.example\textra", "three.example"},
                                       std::pair{"four.example\tx y", "four.example"},
                                       std::pair{"five.example x\ty", "five.example"}}) {
    server.receive(std::string("EHLO ") + argument + "\r\n");
    CHECK(server.helo_name() == name);
  }
}

TEST_CASE("sessions sharing one setup greet and answer EHLO and HELO alike") {
  ServerConfig config = test_config();
  config.software = "Postfix";
  config.authenticate = [](const Credentials&) { return false; };
  const auto setup = std::make_shared<const ServerSetup>(config);
  for (int i = 0; i < 2; ++i) {
    FakePolicy policy;
    ServerSession server(setup, policy);
    server.open();
    server.receive("EHLO client.example\r\nHELO client.example\r\n");
    CHECK(server.take_output() ==
          "220 mx.dest.example ESMTP Postfix\r\n"
          "250-mx.dest.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
          "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"
          "250 mx.dest.example\r\n");
  }
}

// The wire forms of positive MAIL and RCPT answers are remembered across sessions and
// setups: one policy's text must never go out for another's.
TEST_CASE("sessions whose policies accept in different words each send their own") {
  struct WordyPolicy : FakePolicy {
    explicit WordyPolicy(std::string words) : text(std::move(words)) {}
    Decision on_rcpt(const SessionInfo& /*session*/, std::string_view /*recipient*/) override {
      return make_reply(250, "2.1.5", text);
    }
    std::string text;
  };
  WordyPolicy plain("Ok");
  WordyPolicy wordy("Recipient ok");
  for (int round = 0; round < 2; ++round) {
    for (WordyPolicy* policy : {&plain, &wordy}) {
      ServerSession server(test_config(), *policy);
      server.receive("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@dest.example>\r\n");
      CHECK(server.take_output().ends_with("250 2.1.0 Ok\r\n250 2.1.5 " + policy->text + "\r\n"));
    }
  }
}

TEST_CASE("a server without a size limit advertises SIZE without a number") {
  ServerConfig config = test_config();
  config.max_message_size = 0;
  FakePolicy policy;
  ServerSession server(config, policy);
  server.receive("EHLO c\r\n");
  CHECK(server.take_output().find("250-SIZE\r\n") != std::string::npos);
}

TEST_CASE("recipients past the limit get 452 4.5.3 and are not added") {
  ServerConfig config = test_config();
  config.max_recipients = 2;
  CHECK(converse("HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<r1@d>\r\nRCPT TO:<nobody@dest.example>\r\n"
                 "RCPT TO:<r2@d>\r\nRCPT TO:<r3@d>\r\n",
                 config) ==
        Codes{"220", "250", "250 2.1.0", "250 2.1.5", "550 5.1.1", "250 2.1.5", "452 4.5.3"});
}

TEST_CASE("a session with more recipients than the limit keeps its first ones") {
  ServerConfig config = test_config();
  config.max_recipients = 1;
  FakePolicy policy;
  ServerSession server(config, policy);
  server.receive("HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<r1@d>\r\nRCPT TO:<r2@d>\r\nDATA\r\n.\r\n");
  CHECK(server.take_output().find("452 4.5.3 Error: too many recipients\r\n") != std::string::npos);
  REQUIRE(policy.envelopes.size() == 1);
  CHECK(policy.envelopes[0].rcpt_to == std::vector<std::string>{"r1@d"});
}

TEST_CASE("a command line over 512 octets gets 500 5.5.0 and the next line is read") {
  const std::string at_limit = "NOOP " + std::string(505, 'x') + "\r\n";  // 512 octets
  const std::string over = "NOOP " + std::string(506, 'x') + "\r\n";      // 513 octets
  CHECK(converse(at_limit + over + "NOOP\r\n") ==
        Codes{"220", "250 2.0.0", "500 5.5.0", "250 2.0.0"});
}

TEST_CASE("too many errors end the session with 421 4.7.0") {
  ServerConfig config = test_config();
  config.max_errors = 3;
  FakePolicy policy;
  ServerSession server(config, policy);
  server.open();
  server.receive("BAD1\r\nNOOP\r\nBAD2\r\nBAD3\r\nNOOP\r\n");
  const std::string output = server.take_output();
  CHECK(reply_codes(output) ==
        Codes{"220", "502 5.5.2", "250 2.0.0", "502 5.5.2", "502 5.5.2", "421 4.7.0"});
  CHECK(output.ends_with("421 4.7.0 mx.dest.example Error: too many errors\r\n"));
  CHECK(server.closed());
}

TEST_CASE("QUIT says Bye and closes the session") {
  FakePolicy policy;
  ServerSession server(test_config(), policy);
  server.open();
  server.take_output();
  CHECK_FALSE(server.closed());
  server.receive("QUIT\r\n");
  CHECK(server.take_output() == "221 2.0.0 Bye\r\n");
  CHECK(server.closed());
}

TEST_CASE("pipelined commands in one read are answered in order in one write") {
  FakePolicy policy;
  ServerSession server(test_config(), policy);
  server.open();
  server.take_output();
  server.receive(
      "HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<nobody@dest.example>\r\nRCPT TO:<b@d>\r\n"
      "DATA\r\n");
  CHECK(server.take_output() ==
        "250 mx.dest.example\r\n250 2.1.0 Ok\r\n"
        "550 5.1.1 <nobody@dest.example>: Recipient address rejected: User unknown\r\n"
        "250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
  CHECK(server.in_data());
}

TEST_CASE("too many errors close the session even inside a pipelined group") {
  ServerConfig config = test_config();
  config.max_errors = 2;
  FakePolicy policy;
  ServerSession server(config, policy);
  server.receive(
      "HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<nobody@dest.example>\r\n"
      "RCPT TO:<grey@dest.example>\r\nRCPT TO:<b@d>\r\nQUIT\r\n");
  CHECK(server.take_output().ends_with(
      "450 4.2.0 <grey@dest.example>: Recipient address rejected: Greylisted\r\n"
      "421 4.7.0 mx.dest.example Error: too many errors\r\n"));
  CHECK(server.closed());
}

TEST_CASE("an idle timeout closes the session with 421 4.4.2") {
  FakePolicy policy;
  ServerSession session(test_config(), policy);
  session.open();
  session.take_output();
  session.receive("EHLO client.example\r\n");
  session.take_output();
  session.timed_out();
  CHECK(session.take_output() == "421 4.4.2 mx.dest.example Error: timeout exceeded\r\n");
  CHECK(session.closed());
  session.timed_out();  // once closed, nothing more
  CHECK(session.take_output().empty());
}

}  // namespace
}  // namespace mailsim::smtp
