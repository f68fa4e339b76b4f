// The message catalog keeps a message only while a copy of it is held somewhere (an MTA's
// queue entry, a client's outbox), so that its size follows the mail in flight and not
// the mail run: stepped by hand with holds and releases as the MTAs and clients make them.
#include "mailsim/mta/message_catalog.h"

#include <string>
#include <vector>

#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

Time seconds(std::int64_t s) { return Time::zero() + Duration::seconds(s); }

MessageCreated message(const std::string& message_id) {
  return {.message_id = message_id, .sender = "x@a.example", .recipients = {"bob@b.example"}};
}

struct Finished {
  std::vector<MessageNumber> msgs;
  std::vector<Time> at;
  explicit Finished(MailEvents& events) {
    events.message_finished.connect([this](const MessageFinished& e) {
      msgs.push_back(e.msg);
      at.push_back(e.at);
    });
  }
};

}  // namespace

TEST_CASE("a message relayed hop by hop finishes when its last copy is let go") {
  // The origin's queue holds message 1; the relay takes it (its own hold) before the
  // origin lets its copy go; the relay delivers it: only then is nothing held.
  MailEvents events;
  Finished finished(events);
  MessageCatalog catalog;
  const MessageNumber msg = catalog.add(message("1.seed@a.example"), events);
  REQUIRE(msg == 1);
  catalog.hold(msg);  // the origin's queue entry
  catalog.hold(msg);  // the relay's, made while the origin's session is still open
  catalog.release(msg, seconds(2), events);
  CHECK(finished.msgs.empty());
  CHECK(catalog.find("1.seed@a.example") == msg);  // a duplicate arrival still finds it
  catalog.release(msg, seconds(5), events);
  CHECK(finished.msgs == std::vector<MessageNumber>{1});
  CHECK(finished.at == std::vector<Time>{seconds(5)});
  CHECK(catalog.live() == 0);
  CHECK_FALSE(catalog.find("1.seed@a.example").has_value());
  CHECK(catalog.count() == 1);  // numbers are never reused
}

TEST_CASE("the catalog holds as many messages as are in flight, however many ran") {
  // 1000 messages one after the other, each let go before the next is added: after each
  // one, none is live; while one is held, exactly one is.
  MailEvents events;
  Finished finished(events);
  MessageCatalog catalog;
  for (int i = 1; i <= 1000; ++i) {
    const MessageNumber msg = catalog.add(message(std::to_string(i) + ".s@a.example"), events);
    catalog.hold(msg);
    REQUIRE(catalog.live() == 1);
    catalog.release(msg, seconds(i), events);
    REQUIRE(catalog.live() == 0);
  }
  CHECK(finished.msgs.size() == 1000);
  CHECK(finished.msgs.back() == 1000);
  CHECK(catalog.count() == 1000);
}

TEST_CASE("overlapping messages finish in the order their copies go, not their numbers") {
  // Message 1 is held twice (a copy deferred at the origin and one relayed), message 2
  // once: 2's only copy goes at 3 s, 1's last at 7 s.
  MailEvents events;
  Finished finished(events);
  MessageCatalog catalog;
  const MessageNumber first = catalog.add(message("1.s@a.example"), events);
  catalog.hold(first);
  catalog.hold(first);
  const MessageNumber second = catalog.add(message("2.s@a.example"), events);
  catalog.hold(second);
  CHECK(catalog.live() == 2);
  catalog.release(first, seconds(1), events);
  catalog.release(second, seconds(3), events);
  CHECK(catalog.live() == 1);
  CHECK(catalog.find("1.s@a.example") == first);
  catalog.release(first, seconds(7), events);
  CHECK(finished.msgs == std::vector<MessageNumber>{2, 1});
  CHECK(finished.at == std::vector<Time>{seconds(3), seconds(7)});
}

TEST_CASE("a Message-ID names the first live message that has it, and no finished one") {
  // Two messages with one Message-ID: while the first lives, a hop receiving that id
  // finds the first. Once that is finished the id is forgotten: the second was never
  // indexed under it (as before, a hop finds the first added), and stays live by number.
  MailEvents events;
  MessageCatalog catalog;
  const MessageNumber a = catalog.add(message("same@a.example"), events);
  const MessageNumber b = catalog.add(message("same@a.example"), events);
  catalog.hold(a);
  catalog.hold(b);
  CHECK(catalog.find("same@a.example") == a);
  catalog.release(a, seconds(1), events);
  CHECK_FALSE(catalog.find("same@a.example").has_value());
  CHECK(catalog.live() == 1);
  catalog.release(b, seconds(2), events);
  CHECK(catalog.live() == 0);
}

TEST_CASE("a message without a Message-ID is numbered and finished like any other") {
  MailEvents events;
  Finished finished(events);
  MessageCatalog catalog;
  const MessageNumber msg = catalog.add(message(""), events);
  CHECK_FALSE(catalog.find("").has_value());
  catalog.hold(msg);
  catalog.release(msg, seconds(4), events);
  CHECK(finished.msgs == std::vector<MessageNumber>{msg});
}
