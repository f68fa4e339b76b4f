// What happens to a message as it enters the queue (sim/mta/cleanup.h): the hop count that
// catches loops (reference §4), the Received: field's protocol, and the trace field put in
// front of the data without changing a byte of it.
#include "mta/cleanup.h"

#include <string>

#include "support/catch.h"

using namespace mailsim::mta;
namespace smtp = mailsim::smtp;

namespace {

std::string with_received_fields(int n) {
  std::string data;
  for (int i = 0; i < n; ++i) {
    data += "Received: from h" + std::to_string(i) + " (h [10.0.0.1])\r\n\tby x; date\r\n";
  }
  return data + "Subject: loop\r\n\r\nbody\r\n";
}

bool too_many_hops(const std::string& data, int hopcount_limit) {
  return mailsim::mta::too_many_hops(HeaderFacts(data).received_fields(), hopcount_limit);
}

}  // namespace

TEST_CASE("loop detection counts the Received: fields with the MTA's own") {
  // Limit 100: 98 fields plus this MTA's make 99, accepted; 99 plus its own make 100.
  CHECK_FALSE(too_many_hops(with_received_fields(98), 100));
  CHECK(too_many_hops(with_received_fields(99), 100));
  CHECK_FALSE(too_many_hops(with_received_fields(0), 2));
  CHECK(too_many_hops(with_received_fields(1), 2));
}

TEST_CASE("loop detection looks at the header only") {
  const std::string data = "Subject: a bounce\r\n\r\n" + with_received_fields(200);
  CHECK_FALSE(too_many_hops(data, 100));
}

TEST_CASE("Received: says ESMTPA when authenticated, ESMTP after EHLO, SMTP after HELO") {
  smtp::SessionInfo session{"client.example", true, ""};
  const smtp::Envelope one{"a@x.example", {"b@y.example"}};
  CHECK(received_fields(session, 0, one).with_protocol == "ESMTP");
  CHECK(received_fields(session, 0, one).for_rcpt == "b@y.example");
  CHECK(received_fields(session, 0, one).helo_name == "client.example");
  session.authenticated_user = "alice";
  CHECK(received_fields(session, 0, one).with_protocol == "ESMTPA");
  session = {"client.example", false, ""};
  CHECK(received_fields(session, 0, one).with_protocol == "SMTP");
  const smtp::Envelope two{"a@x.example", {"b@y.example", "c@y.example"}};
  CHECK(received_fields(session, 0, two).for_rcpt.empty());  // "for" only with one
}

TEST_CASE("Received: shows the client host's simulated address (address.h)") {
  const smtp::SessionInfo session{"client.example", true, ""};
  const smtp::Envelope one{"a@x.example", {"b@y.example"}};
  // Host n is 10+(n >> 16) . (n >> 8 & 255) . (n & 255) . 1.
  CHECK(received_fields(session, 0, one).client_address == "10.0.0.1");
  CHECK(received_fields(session, 257, one).client_address == "10.1.1.1");
  CHECK(received_fields(session, 65536 + 255 * 256 + 254, one).client_address == "11.255.254.1");
}

TEST_CASE("the trace field goes in front of the received data, byte for byte") {
  const std::string trace = "Received: from a\r\n\tby b; date\r\n";
  for (const std::string data : {"Subject: x\r\n\r\nbody line\r\n.dots\r\n", "Subject: x\r\n\r\n",
                                 "Subject: all header\r\n", "Subject: bare\n\nLF\n"}) {
    INFO(data);
    const smtp::SharedMessage m = with_trace_field(trace, data);
    CHECK(m->text() == trace + data);
    CHECK(m->size() == static_cast<std::int64_t>(trace.size() + data.size()));
  }
  const smtp::SharedMessage m = with_trace_field(trace, "Subject: x\r\n\r\nbody\r\n");
  CHECK(m->header() == trace + "Subject: x\r\n");
  CHECK(m->body().size() == 6);
}

TEST_CASE("the run knows a message by its Message-ID without angle brackets") {
  CHECK(message_id_of("From: a\r\nMessage-ID: <1.2@x.example>\r\n") == "1.2@x.example");
  CHECK(message_id_of("Message-Id:\r\n <folded@x.example>\r\n") == "folded@x.example");
  CHECK(message_id_of("From: a\r\n").empty());
}

TEST_CASE("one pass over a received header finds its hop count and its Message-ID") {
  // Two Received: fields (one folded, one in capitals) and a Message-ID after them.
  const std::string header =
      "Received: from a\r\n\tby b; date\r\nRECEIVED: from c\r\nFrom: x@y.example\r\n"
      "Message-Id: <7.8@y.example>\r\nMessage-ID: <second@y.example>\r\n";
  const HeaderFacts facts(header);
  CHECK(facts.received_fields() == 2);
  CHECK(facts.message_id() == "7.8@y.example");  // the first, as header_value() finds it
  CHECK(HeaderFacts("Subject: none\r\n\r\nMessage-ID: <body@x>\r\n").message_id().empty());
  // A folded Message-ID is unfolded and trimmed, as message_id_of() reads it.
  CHECK(HeaderFacts("Message-Id:\r\n <folded@x.example>\r\n").message_id() == "folded@x.example");
}
