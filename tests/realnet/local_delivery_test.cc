#include "mailsim/realnet/local_delivery.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/catch.h"
#include "temp_dir.h"

using mailsim::realnet::Hop;
using mailsim::realnet::LocalDelivery;
using mailsim::realnet::Maildir;
using mailsim::smtp::Envelope;

namespace {

constexpr std::int64_t kNoon = 1'700'000'000;  // Tue, 14 Nov 2023 22:13:20 +0000

struct Fixture {
  TempDir dir;
  Maildir maildir{dir.path(), "mx.test"};
  std::ostringstream log;
  LocalDelivery delivery{{"local.test", "Other.Test"}, "mx.test", maildir, log};

  std::string only_message() const {
    std::string content;
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "new")) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      content = text.str();
      ++files;
    }
    REQUIRE(files == 1);
    return content;
  }
};

}  // namespace

TEST_CASE("recipients in a local domain are accepted whatever the case or user") {
  Fixture f;
  CHECK(f.delivery.check_recipient("anyone@local.test").code == 250);
  CHECK(f.delivery.check_recipient("Someone@LOCAL.TEST").enhanced == "2.1.5");
  CHECK(f.delivery.check_recipient("x@other.test").code == 250);
  CHECK(f.delivery.check_recipient("postmaster").code == 250);
}

TEST_CASE("a recipient elsewhere is refused as relaying, in Postfix's words") {
  Fixture f;
  const mailsim::smtp::Reply reply = f.delivery.check_recipient("victim@remote.test");
  CHECK(reply.wire() == "554 5.7.1 <victim@remote.test>: Relay access denied\r\n");
  CHECK(f.delivery.check_recipient("x@sub.local.test").code == 554);
}

TEST_CASE("a stored message has Return-Path, this hop's Received and the data, with LF ends") {
  Fixture f;
  const Envelope envelope{"sender@remote.test", {"a@local.test"}};
  const mailsim::smtp::Reply reply =
      f.delivery.deliver(envelope, "Subject: hi\r\n\r\nline\r\n.dot\r\n",
                         Hop{"client.test", "192.0.2.7", "ESMTP"}, kNoon);
  REQUIRE(reply.code == 250);
  const std::string id(reply.lines.front().substr(std::string("Ok: queued as ").size()));
  CHECK(f.only_message() ==
        "Return-Path: <sender@remote.test>\n"
        "Received: from client.test (client.test [192.0.2.7])\n"
        "\tby mx.test (mailsim) with ESMTP id " +
            id +
            "\n"
            "\tfor <a@local.test>; Tue, 14 Nov 2023 22:13:20 +0000\n"
            "Subject: hi\n\nline\n.dot\n");
}

TEST_CASE("a message for several recipients is stored once, without a for clause") {
  Fixture f;
  const Envelope envelope{"", {"a@local.test", "b@local.test"}};
  REQUIRE(f.delivery.deliver(envelope, "x\r\n", Hop{"c", "192.0.2.7", "SMTP"}, kNoon).code == 250);
  const std::string content = f.only_message();
  CHECK(content.starts_with("Return-Path: <>\n"));
  CHECK(content.find("for <") == std::string::npos);
  CHECK(content.find("with SMTP id") != std::string::npos);
}

TEST_CASE("a Maildir that cannot be written defers the message with 451 4.3.0") {
  Fixture f;
  std::filesystem::remove_all(f.dir.path() / "tmp");
  const mailsim::smtp::Reply reply =
      f.delivery.deliver({"s@r.test", {"a@local.test"}}, "x\r\n", Hop{"c", "192.0.2.7"}, kNoon);
  CHECK(reply.code == 451);
  CHECK(reply.enhanced == "4.3.0");
  CHECK(f.log.str().find("cannot store") != std::string::npos);
}
