#include "mta/cleanup.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "mta/address.h"

namespace mailsim::mta {

namespace {

std::string protocol_of(const smtp::SessionInfo& session) {
  if (!session.authenticated_user.empty()) return "ESMTPA";
  return session.esmtp ? "ESMTP" : "SMTP";
}

}  // namespace

bool too_many_hops(std::string_view data, int hopcount_limit) {
  return static_cast<std::int64_t>(smtp::count_header(data, "Received")) + 1 >= hopcount_limit;
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

smtp::SharedMessage with_trace_field(std::string trace, std::string_view data) {
  const smtp::MessageParts parts = smtp::split_message(data);
  const std::size_t body_start = data.size() - parts.body.size();
  const std::size_t header_size = parts.header.size();
  if (header_size + 2 != body_start || data.compare(header_size, 2, "\r\n") != 0) {
    // No CRLF CRLF to split at (all header, or a bare LF): the text as it is.
    return std::make_shared<const smtp::Message>(std::move(trace.append(data)));
  }
  trace.append(data.substr(0, header_size));
  // A copy of exactly the body's size: the received data grew by doubling and may hold up
  // to twice that, for as long as the message stays queued.
  return std::make_shared<const smtp::Message>(
      std::move(trace), smtp::MessageBody(std::string(data.substr(body_start))));
}

std::string message_id_of(std::string_view header) {
  std::string id = smtp::header_value(header, "Message-ID").value_or("");
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return id;
}

}  // namespace mailsim::mta
