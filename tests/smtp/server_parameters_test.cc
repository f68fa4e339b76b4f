// The ESMTP parameters of MAIL (SIZE, BODY, RET, ENVID) and RCPT (NOTIFY, ORCPT): what the
// server refuses, with Postfix's replies, and what reaches the envelope.
#include <string>
#include <vector>

#include "fake_policy.h"
#include "mailsim/smtp/server_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

using testing::FakePolicy;
using testing::replies_to;

const ServerConfig kConfig{.hostname = "mx.dest.example"};

// The reply to the last command of `commands`, sent after HELO and, for RCPT, MAIL.
std::string reply_to(const std::string& command) {
  const std::string prologue =
      command.starts_with("RCPT") ? "HELO c\r\nMAIL FROM:<a@s>\r\n" : "HELO c\r\n";
  return replies_to(prologue + command + "\r\n", kConfig).back();
}

TEST_CASE("MAIL and RCPT parameters are checked like Postfix does") {
  struct Row {
    const char* command;
    const char* expected;
  };
  const Row rows[] = {
      {"MAIL FROM:<a@s> SIZE=1000 BODY=8BITMIME RET=HDRS ENVID=QQ+2B1", "250 2.1.0 Ok"},
      {"MAIL FROM:<a@s> size=0 body=7bit ret=full envid=x", "250 2.1.0 Ok"},
      {"MAIL FROM:<a@s> SIZE=10240000", "250 2.1.0 Ok"},
      {"MAIL FROM:<a@s> SIZE=1 SIZE=2", "250 2.1.0 Ok"},
      {"MAIL FROM:<a@s> SIZE=10240001", "552 5.3.4 Message size exceeds fixed limit"},
      {"MAIL FROM:<a@s> SIZE=99999999999999999999999",
       "552 5.3.4 Message size exceeds file system imposed limit"},
      {"MAIL FROM:<a@s> SIZE=big", "501 5.5.4 Bad message size syntax"},
      {"MAIL FROM:<a@s> SIZE=", "501 5.5.4 Bad message size syntax"},
      {"MAIL FROM:<a@s> SIZE=-1", "501 5.5.4 Bad message size syntax"},
      {"MAIL FROM:<a@s> SIZE", "555 5.5.4 Unsupported option: SIZE"},
      {"MAIL FROM:<a@s> BODY=BINARYMIME", "555 5.5.4 Unsupported option: BODY=BINARYMIME"},
      {"MAIL FROM:<a@s> SMTPUTF8", "555 5.5.4 Unsupported option: SMTPUTF8"},
      {"MAIL FROM:<a@s> x-Custom=1", "555 5.5.4 Unsupported option: x-Custom=1"},
      {"MAIL FROM:<a@s> AUTH=<>", "555 5.5.4 Unsupported option: AUTH=<>"},
      {"MAIL FROM:<a@s> RET=BODY", "501 5.5.4 Bad RET parameter syntax"},
      {"MAIL FROM:<a@s> RET=FULL RET=FULL", "501 5.5.4 Bad RET parameter syntax"},
      {"MAIL FROM:<a@s> ENVID=", "501 5.5.4 Bad ENVID parameter syntax"},
      {"MAIL FROM:<a@s> ENVID=a+2", "501 5.5.4 Bad ENVID parameter syntax"},
      {"MAIL FROM:<a@s> ENVID=a+0A", "501 5.5.4 Bad ENVID parameter syntax"},
      {"MAIL FROM:<a@s> ENVID=a ENVID=b", "501 5.5.4 Bad ENVID parameter syntax"},
      {"MAIL FROM:<a@s> FOO=1 SIZE=99999999", "555 5.5.4 Unsupported option: FOO=1"},
      {"RCPT TO:<b@d> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;b@d", "250 2.1.5 Ok"},
      {"RCPT TO:<b@d> notify=never orcpt=RFC822;b+2Bx@d", "250 2.1.5 Ok"},
      {"RCPT TO:<b@d> NOTIFY=NEVER,SUCCESS", "501 5.5.4 Error: Bad NOTIFY parameter syntax"},
      {"RCPT TO:<b@d> NOTIFY=", "501 5.5.4 Error: Bad NOTIFY parameter syntax"},
      {"RCPT TO:<b@d> NOTIFY=,", "501 5.5.4 Error: Bad NOTIFY parameter syntax"},
      {"RCPT TO:<b@d> NOTIFY=SUCCESS,", "250 2.1.5 Ok"},
      {"RCPT TO:<b@d> NOTIFY=SOMETIMES", "501 5.5.4 Error: Bad NOTIFY parameter syntax"},
      {"RCPT TO:<b@d> NOTIFY=DELAY NOTIFY=DELAY", "501 5.5.4 Error: Bad NOTIFY parameter syntax"},
      {"RCPT TO:<b@d> ORCPT=b@d", "501 5.5.4 Error: Bad ORCPT parameter syntax"},
      {"RCPT TO:<b@d> ORCPT=;b@d", "501 5.5.4 Error: Bad ORCPT parameter syntax"},
      {"RCPT TO:<b@d> ORCPT=rfc822;b+zz@d", "501 5.5.4 Error: Bad ORCPT parameter syntax"},
      {"RCPT TO:<b@d> ORCPT=rfc822;a ORCPT=rfc822;b",
       "501 5.5.4 Error: Bad ORCPT parameter syntax"},
      {"RCPT TO:<b@d> SIZE=10", "555 5.5.4 Unsupported option: SIZE=10"},
      {"RCPT TO:<b@d> NOTIFY", "555 5.5.4 Unsupported option: NOTIFY"},
  };
  for (const Row& row : rows) {
    INFO(row.command);
    CHECK(reply_to(row.command) == row.expected);
  }
}

// The envelopes of the messages the session hands the policy for `input`.
std::vector<Envelope> envelopes_for(const std::string& input) {
  FakePolicy policy;
  ServerSession server(kConfig, policy);
  server.receive(input);
  return policy.envelopes;
}

TEST_CASE("BODY, RET, ENVID, NOTIFY and ORCPT reach the envelope, decoded") {
  const std::vector<Envelope> envelopes = envelopes_for(
      "EHLO c\r\nMAIL FROM:<a@s> BODY=8BITMIME RET=HDRS ENVID=QQ+2B1+3D\r\n"
      "RCPT TO:<b@d>\r\nRCPT TO:<nobody@dest.example> NOTIFY=NEVER\r\n"
      "RCPT TO:<c@d> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;C+2Bx@d\r\n"
      "RCPT TO:<e@d> NOTIFY=never\r\nDATA\r\nx\r\n.\r\n");
  REQUIRE(envelopes.size() == 1);
  const Envelope& envelope = envelopes[0];
  CHECK(envelope.body == BodyType::k8BitMime);
  CHECK(envelope.ret == DsnReturn::kHeaders);
  CHECK(envelope.envid == "QQ+1=");
  CHECK(envelope.rcpt_to == std::vector<std::string>{"b@d", "c@d", "e@d"});
  CHECK(envelope.rcpt_options == std::vector<RecipientOptions>{
                                     {},
                                     {kNotifySuccess | kNotifyDelay, "rfc822;C+x@d"},
                                     {kNotifyNever, ""},
                                 });
}

TEST_CASE("an envelope whose recipients all have default options keeps rcpt_options empty") {
  CHECK(envelopes_for("EHLO c\r\nMAIL FROM:<a@s> BODY=7BIT\r\nRCPT TO:<b@d>\r\nRCPT TO:<c@d>\r\n"
                      "DATA\r\nx\r\n.\r\n") ==
        std::vector{
            Envelope{.mail_from = "a@s", .rcpt_to = {"b@d", "c@d"}, .body = BodyType::k7Bit}});
}

TEST_CASE("a refused MAIL leaves no parameters behind for the next transaction") {
  CHECK(envelopes_for("EHLO c\r\nMAIL FROM:<spammer@bad.example> RET=FULL ENVID=x\r\n"
                      "MAIL FROM:<a@s>\r\nRCPT TO:<b@d>\r\nDATA\r\nx\r\n.\r\n") ==
        std::vector{Envelope{.mail_from = "a@s", .rcpt_to = {"b@d"}}});
}

}  // namespace
}  // namespace mailsim::smtp
