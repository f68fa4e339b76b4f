// mailsim send: one message through the client session over a real socket.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "mailsim/core/error.h"
#include "mailsim/realnet/send.h"
#include "mailsim/workload/workload.h"

namespace mailsim::cli {
namespace {

constexpr const char* kUsage =
    "--server HOST:PORT --from A --to B [--to C ...] [--auth USER:PASS]\n"
    "       [--file MSG.eml | --size N] [--helo NAME]";

// sysexits.h: some recipient deferred, some recipient rejected.
constexpr int kExitTempFail = 75;
constexpr int kExitDataErr = 65;

// What goes on the wire is CRLF: a bare LF becomes CRLF, and the last line gets one too.
std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

smtp::SharedMessage read_message(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot read the message file '" + path + "'",
                     "give an RFC 5322 message (.eml), LF or CRLF line ends",
                     {"command line", 0, 0, "--file"});
  }
  std::ostringstream content;
  content << in.rdbuf();
  return std::make_shared<const smtp::Message>(to_crlf(content.str()));
}

// From, To, Subject, Date and Message-ID, then a synthetic body of `body_octets` (2 for 1:
// a line needs its CRLF), produced while it is sent.
smtp::SharedMessage generate_message(const smtp::Envelope& envelope, std::int64_t body_octets,
                                     const std::string& helo) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  workload::ExplicitMessage m;
  m.sender = envelope.mail_from;
  m.recipients = envelope.rcpt_to;
  m.subject = "mailsim send";
  m.size_bytes = 0;  // the header fields and the empty line after them, nothing more
  std::string header = workload::compose_message(
      m, {std::to_string(now) + "." + std::to_string(::getpid()) + "@" + helo, now});
  header.resize(header.size() - 2);  // Message adds the empty line itself
  return std::make_shared<const smtp::Message>(
      std::move(header),
      smtp::MessageBody::synthetic(body_octets, static_cast<std::uint64_t>(now)));
}

const char* status_word(smtp::RecipientStatus status) {
  switch (status) {
    case smtp::RecipientStatus::kAccepted:
      return "accepted";
    case smtp::RecipientStatus::kRejected:
      return "rejected";
    case smtp::RecipientStatus::kDeferred:
      break;
  }
  return "deferred";
}

// One line per recipient; 65 when any was rejected (even if others were deferred: sending
// again cannot help those), else 75 when any was deferred, else 0.
int report(const realnet::SendOutcome& outcome, const std::vector<std::string>& recipients) {
  if (!outcome.transport_error.empty()) {
    std::cerr << "mailsim send: " << outcome.transport_error << "\n";
  }
  bool rejected = false;
  bool deferred = false;
  for (std::size_t i = 0; i < outcome.result.recipients.size(); ++i) {
    const smtp::RecipientStatus status = outcome.result.recipients[i].status;
    const smtp::Reply& reply = outcome.result.reply_of(i);
    std::cout << recipients[i] << " " << status_word(status) << " " << reply.code << " "
              << reply.text() << "\n";
    rejected |= status == smtp::RecipientStatus::kRejected;
    deferred |= status == smtp::RecipientStatus::kDeferred;
  }
  return rejected ? kExitDataErr : deferred ? kExitTempFail : 0;
}

}  // namespace

int send_command(const Args& args) {
  po::options_description options("options");
  std::string server, helo, auth, file, size_text;
  smtp::Envelope envelope;
  options.add_options()("server", po::value(&server)->required(), "HOST:PORT of the SMTP server")(
      "from", po::value(&envelope.mail_from)->required(),
      "the envelope sender (MAIL FROM); \"\" for the null sender")(
      "to", po::value(&envelope.rcpt_to)->required()->composing(),
      "an envelope recipient (RCPT TO); repeat for more")(
      "auth", po::value(&auth), "USER:PASS: authenticate with AUTH PLAIN after EHLO")(
      "file", po::value(&file), "send this message (.eml; LF line ends become CRLF)")(
      "size", po::value(&size_text),
      "send a generated message (From, To, Subject, Date, Message-ID) with a body of N octets "
      "(or 10KB, 1MiB...) of text lines; the default when --file is not given, with N = 1024")(
      "helo", po::value(&helo), "the name given in EHLO (default: this machine's name)");
  po::variables_map vm;
  if (!parse_options("send", kUsage, args, options, {}, vm)) return 0;
  if (!file.empty() && !size_text.empty()) {
    throw InputError("--file and --size both given", "send either a file or a generated message",
                     {"command line", 0, 0, "--size"});
  }

  realnet::SendOptions o;
  o.server = realnet::parse_endpoint(server, "--server");
  // The session's helo_name is a view of this string, which lasts until the send is over.
  const std::string helo_name = helo.empty() ? realnet::local_hostname() : helo;
  o.session.helo_name = helo_name;
  if (!auth.empty()) o.session.auth = parse_credentials(auth, "--auth");
  const std::int64_t body_octets = size_text.empty() ? 1024 : parse_octets(size_text, "--size");
  smtp::SharedMessage message =
      file.empty() ? generate_message(envelope, body_octets, helo_name) : read_message(file);
  const std::vector<std::string> recipients = envelope.rcpt_to;  // the result's, in order
  return report(realnet::send_message(o, std::move(envelope), std::move(message)), recipients);
}

}  // namespace mailsim::cli
