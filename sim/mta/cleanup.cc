#include "mta/cleanup.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "mta/address.h"

namespace mailsim::mta {

namespace {

// A Message-ID header's value without its angle brackets.
std::string bare(std::string id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') {
    id.pop_back();
    id.erase(0, 1);
  }
  return id;
}

std::string protocol_of(const smtp::SessionInfo& session) {
  if (!session.authenticated_user.empty()) return "ESMTPA";
  return session.esmtp ? "ESMTP" : "SMTP";
}

}  // namespace

HeaderFacts read_header_facts(std::string_view header) {
  smtp::HeaderCountAndValue found = smtp::count_header_and_value(header, "Received", "Message-ID");
  return {found.count, bare(std::move(found.value).value_or(""))};
}

bool too_many_hops(std::size_t received_fields, int hopcount_limit) {
  return static_cast<std::int64_t>(received_fields) + 1 >= hopcount_limit;
}

smtp::ReceivedFields received_fields(const smtp::SessionInfo& session, net::NodeId client,
                                     const smtp::Envelope& envelope) {
  smtp::ReceivedFields f;
  f.helo_name = session.helo_name;
  f.client_address = format_address(host_address(client));
  f.with_protocol = protocol_of(session);
  if (envelope.rcpt_to.size() == 1) f.for_rcpt = envelope.rcpt_to.front();
  return f;
}

smtp::SharedMessage with_trace_field(std::string trace, const smtp::Message& received) {
  const std::string_view header = received.header();
  const std::string_view head = received.head();
  if (head.size() != header.size() + 2 || !head.ends_with("\r\n")) {
    // No CRLF CRLF to split at (all header, or a bare LF): the text as it is.
    return std::make_shared<const smtp::Message>(std::move(trace.append(received.text())));
  }
  trace.append(header);
  return std::make_shared<const smtp::Message>(std::move(trace), received.body());
}

smtp::SharedMessage with_trace_field(std::string trace, std::string_view data) {
  return with_trace_field(std::move(trace), smtp::Message(std::string(data)));
}

std::string message_id_of(std::string_view header) {
  return bare(smtp::header_value(header, "Message-ID").value_or(""));
}

}  // namespace mailsim::mta
