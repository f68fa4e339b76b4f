#include "mta/cleanup.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "mta/address.h"

namespace mailsim::mta {

namespace {

// A Message-ID header's value without its angle brackets.
std::string_view bare(std::string_view id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') {
    id.remove_prefix(1);
    id.remove_suffix(1);
  }
  return id;
}

std::string_view protocol_of(const smtp::SessionInfo& session) {
  if (!session.authenticated_user.empty()) return "ESMTPA";
  return session.esmtp ? "ESMTP" : "SMTP";
}

}  // namespace

HeaderFacts::HeaderFacts(std::string_view header) {
  const smtp::HeaderCountAndField found =
      smtp::count_header_and_field(header, "Received", "Message-ID");
  received_fields_ = found.count;
  if (found.raw) message_id_ = bare(smtp::field_value(*found.raw, unfolded_));
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
  return std::string(bare(smtp::header_value(header, "Message-ID").value_or("")));
}

}  // namespace mailsim::mta
