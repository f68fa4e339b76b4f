// The queue manager's pure parts: each preset's queue defaults (queue_config.h), splitting
// recipients into transactions, and the active queue's places and line.
#include <cstdint>
#include <string>
#include <vector>

#include "mailsim/mta/queue_config.h"
#include "mta/active_queue.h"
#include "mta/concurrency_window.h"
#include "mta/destinations.h"
#include "support/catch.h"

using namespace mailsim::mta;

TEST_CASE("each preset brings its source's recipient and concurrency limits") {
  // Postfix: default_destination_recipient_limit 50, default_destination_concurrency_limit
  // 20, qmgr_message_active_limit 20000; qmail: one recipient per qmail-remote run,
  // concurrencyremote 20; Exim: max_rcpt 100; OpenSMTPD: 5 sessions per route (§2);
  // the custom laws (rfc5321 is one): 100, the RFC 5321 minimum a server must accept.
  struct Case {
    const char* preset;
    SenderStyle style;
    int recipients;
    int concurrency;
  };
  for (const Case& c : std::vector<Case>{{"postfix", SenderStyle::kPostfix, 50, 20},
                                         {"exim", SenderStyle::kExim, 100, 20},
                                         {"sendmail", SenderStyle::kSendmail, 100, 20},
                                         {"qmail", SenderStyle::kQmail, 1, 20},
                                         {"opensmtpd", SenderStyle::kOpenSmtpd, 100, 5},
                                         {"rfc5321", SenderStyle::kGeneric, 100, 20}}) {
    INFO(c.preset);
    const QueueLimits q = queue_limits({}, *retry_preset(c.preset));
    CHECK(q.style == c.style);
    CHECK(q.recipient_limit == c.recipients);
    CHECK(q.destination_concurrency_limit == c.concurrency);
    CHECK(q.active_limit == 20000);
    CHECK(q.capacity == 0);
    // Postfix's slow start begins at initial_destination_concurrency 5; the others at the limit.
    CHECK(q.initial_destination_concurrency ==
          (c.style == SenderStyle::kPostfix ? 5 : c.concurrency));
  }
}

TEST_CASE("configured queue limits win over the preset's") {
  QueueConfig config;
  config.recipient_limit = 7;
  config.destination_concurrency_limit = 3;
  config.active_limit = 10;
  config.capacity = 500;
  const QueueLimits q = queue_limits(config, *retry_preset("qmail"));
  CHECK(q.recipient_limit == 7);
  CHECK(q.destination_concurrency_limit == 3);
  CHECK(q.active_limit == 10);
  CHECK(q.capacity == 500);
}

TEST_CASE("a next hop's recipients are split into transactions of at most the limit") {
  // 7 recipients with a limit of 3: r0 r1 r2 | r3 r4 r5 | r6, each keeping its NOTIFY.
  DeliveryRequest request;
  request.msg = 9;
  request.envelope.mail_from = "x@a.example";
  for (int i = 0; i < 7; ++i) {
    request.envelope.rcpt_to.push_back("r" + std::to_string(i) + "@b.example");
    request.envelope.rcpt_options.push_back({static_cast<std::uint8_t>(i), ""});
  }
  const std::vector<DeliveryRequest> parts = split_by_recipient_limit(request, 3);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].envelope.rcpt_to ==
        std::vector<std::string>{"r0@b.example", "r1@b.example", "r2@b.example"});
  CHECK(parts[2].envelope.rcpt_to == std::vector<std::string>{"r6@b.example"});
  CHECK(parts[1].envelope.rcpt_options.at(0).notify == 3);
  CHECK(parts[2].envelope.mail_from == "x@a.example");
  CHECK(parts[2].msg == 9);
  CHECK(split_by_recipient_limit(request, 7).size() == 1);
  // The count the queue manager takes before starting them: ceil(7 / 3) = 3, ceil(7 / 7)
  // = 1, ceil(6 / 3) = 2, and one transaction for a single recipient.
  CHECK(transaction_count(7, 3) == 3);
  CHECK(transaction_count(7, 7) == 1);
  CHECK(transaction_count(6, 3) == 2);
  CHECK(transaction_count(1, 50) == 1);
}

TEST_CASE("a split request whose recipients all have default options keeps none per part") {
  // The queue manager leaves rcpt_options empty when no recipient asked for NOTIFY or
  // ORCPT (Envelope: empty means defaults); 5 recipients with a limit of 2 give parts of
  // 2, 2 and 1 recipients, each with empty options (options_of() reads the defaults).
  DeliveryRequest request;
  for (int i = 0; i < 5; ++i) request.envelope.rcpt_to.push_back("r" + std::to_string(i) + "@b");
  const std::vector<DeliveryRequest> parts = split_by_recipient_limit(request, 2);
  REQUIRE(parts.size() == 3);
  CHECK(parts[1].envelope.rcpt_to == std::vector<std::string>{"r2@b", "r3@b"});
  CHECK(parts[2].envelope.rcpt_to == std::vector<std::string>{"r4@b"});
  for (const DeliveryRequest& part : parts) {
    CHECK(part.envelope.rcpt_options.empty());
    CHECK(part.envelope.options_of(0) == mailsim::smtp::RecipientOptions{});
  }
}

TEST_CASE("the active queue gives free places to the messages that waited longest") {
  ActiveQueue q(2);  // entries by their queue numbers: A = 1, B = 2, ... E = 5
  constexpr std::uint64_t A = 1, B = 2, C = 3, D = 4, E = 5;
  CHECK(q.admit(A));
  CHECK(q.admit(B));
  CHECK_FALSE(q.admit(C));
  CHECK_FALSE(q.admit(D));
  CHECK_FALSE(q.admit(C));  // asking again keeps its place in line
  CHECK(q.waiting() == 2);
  CHECK(q.promote().empty());  // no free place
  q.release(A);
  CHECK_FALSE(q.admit(E));  // a newcomer queues behind C and D
  CHECK(q.promote() == std::vector<std::uint64_t>{C});
  CHECK(q.admit(C));  // its place is kept for it
  q.release(D);       // a message that leaves the line (it expired) gives up its turn
  q.release(B);
  CHECK(q.promote() == std::vector<std::uint64_t>{E});
  CHECK(q.active() == 2);
  CHECK(q.waiting() == 0);
}

TEST_CASE("postfix's window grows by one per delivery up to the limit") {
  ConcurrencyWindow w(5, 20, true);
  CHECK(w.window() == 5);
  for (int i = 0; i < 14; ++i) w.success();
  CHECK(w.window() == 19);
  w.success();
  w.success();
  CHECK(w.window() == 20);
}

TEST_CASE("the fourth consecutive site failure makes a postfix destination dead") {
  // Reference §2: failed cohorts += 1/window, then window - 1. From 5:
  // 1/5 = 0.2 (w 4); + 1/4 = 0.45 (w 3); + 1/3 = 0.783 (w 2); + 1/2 = 1.283 >= 1: dead.
  ConcurrencyWindow w(5, 20, true);
  CHECK_FALSE(w.site_failure());
  CHECK_FALSE(w.site_failure());
  CHECK_FALSE(w.site_failure());
  CHECK(w.window() == 2);
  CHECK(w.failed_cohorts() == Approx(0.2 + 0.25 + 1.0 / 3));
  CHECK(w.site_failure());
  CHECK(w.window() == 1);
  w.reset();  // after minimal_backoff_time
  CHECK(w.window() == 5);
  CHECK(w.failed_cohorts() == 0);
}

TEST_CASE("a delivery that reaches the server forgives the failures before it") {
  // Three failures (0.783), a success (window 2 -> 3, cohorts 0), then three more
  // from 3: 1/3 + 1/2 + 1/1 = 1.83 -> dead at the third, not before.
  ConcurrencyWindow w(5, 20, true);
  for (int i = 0; i < 3; ++i) w.site_failure();
  w.success();
  CHECK(w.window() == 3);
  CHECK_FALSE(w.site_failure());
  CHECK_FALSE(w.site_failure());
  CHECK(w.site_failure());
}

TEST_CASE("without feedback the window stays at the limit and never dies") {
  ConcurrencyWindow w(5, 20, false);
  CHECK(w.window() == 20);
  for (int i = 0; i < 10; ++i) CHECK_FALSE(w.site_failure());
  CHECK(w.window() == 20);
}
