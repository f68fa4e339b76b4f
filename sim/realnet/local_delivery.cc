#include "mailsim/realnet/local_delivery.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "mailsim/core/text.h"
#include "mailsim/smtp/headers.h"

namespace mailsim::realnet {
namespace {

// Maildir files keep Unix line ends: every CRLF becomes LF; a lone CR stays.
std::string to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

}  // namespace

LocalDelivery::LocalDelivery(const std::vector<std::string>& local_domains, std::string hostname,
                             Maildir& maildir, std::ostream& log)
    : hostname_(std::move(hostname)), maildir_(maildir), log_(log) {
  for (const std::string& domain : local_domains) local_domains_.push_back(ascii_lower(domain));
}

bool LocalDelivery::is_local(std::string_view address) const {
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return true;
  const std::string domain = ascii_lower(address.substr(at + 1));
  return std::find(local_domains_.begin(), local_domains_.end(), domain) != local_domains_.end();
}

smtp::Reply LocalDelivery::check_recipient(std::string_view address) const {
  if (is_local(address)) return smtp::make_reply(250, "2.1.5", "Ok");
  return smtp::make_reply(554, "5.7.1", "<" + std::string(address) + ">: Relay access denied");
}

smtp::Reply LocalDelivery::deliver(const smtp::Envelope& envelope, std::string_view data,
                                   const Hop& hop, std::int64_t unix_seconds) {
  const std::string id = maildir_.next_id();
  smtp::ReceivedFields received;
  received.helo_name = hop.helo_name;
  received.client_address = hop.client_address;
  received.by_host = hostname_;
  received.with_protocol = hop.with_protocol;
  received.queue_id = id;
  if (envelope.rcpt_to.size() == 1) received.for_rcpt = envelope.rcpt_to.front();
  received.unix_seconds = unix_seconds;
  const std::string content = "Return-Path: <" + envelope.mail_from + ">\n" +
                              to_lf(smtp::format_received(received)) + to_lf(data);
  try {
    const std::filesystem::path file = maildir_.deliver(id, content);
    log_ << id << ": from=<" << envelope.mail_from << ">, nrcpt=" << envelope.rcpt_to.size()
         << ", size=" << data.size() << ", file=" << file.string() << std::endl;
  } catch (const std::system_error& e) {
    log_ << id << ": cannot store the message: " << e.what() << std::endl;
    return smtp::make_reply(451, "4.3.0", "Error: queue file write error");
  }
  return smtp::make_reply(250, "2.0.0", "Ok: queued as " + id);
}

}  // namespace mailsim::realnet
