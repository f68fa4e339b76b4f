// The ways users submit mail: the client a message starts at. A local client (mail/mailx
// or sendmail(1) on the server itself) hands the message to its MTA's queue with no
// network hop; a desktop mail program on a home link and a webmail server inside the
// provider's network each connect to their MSA's submission port 587 and run a real SMTP
// session: EHLO, AUTH PLAIN with the client's credentials, MAIL, RCPT, DATA. That first
// hop is an attempt like any other (from the client's host to the MSA's); a failed one is
// tried again by the client's simple policy (ClientRetry), and a 5xx such as 535 5.7.8
// fails the message at the client. Owned by the world; not thread-safe.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mailsim/core/simulator.h"
#include "mailsim/mta/events.h"
#include "mailsim/mta/message_catalog.h"
#include "mailsim/net/network.h"
#include "mailsim/smtp/envelope.h"
#include "mailsim/smtp/message_body.h"
#include "mailsim/smtp/sasl.h"

namespace mailsim::workload {

enum class ClientKind { kLocal, kDesktop, kWebmail };
inline constexpr std::array<std::string_view, 3> kClientKinds = {"local", "desktop", "webmail"};
const char* to_string(ClientKind kind);  // its name in kClientKinds

// What a network client does when a try fails for now (connection refused or timed out, a
// 4xx, a lost session): it tries again `interval` later, `attempts` tries in all (0: until
// the run ends, as a desktop program keeps a message in its outbox). Once the tries are
// spent, the recipients it still holds end as expired at the client's host.
struct ClientRetry {
  int attempts = 1;
  Duration interval = Duration::minutes(30);
};

// A desktop program retries at each automatic send/receive (30 min, as Outlook schedules
// it by default) until it gets through; a webmail server tries once and shows the error.
ClientRetry default_retry(ClientKind kind);

struct MailClient {
  std::string name;  // the scenario's name for it
  ClientKind kind = ClientKind::kLocal;
  std::string mta;         // the MTA it hands mail to: its queue (local) or its port 587
  net::NodeId host = 0;    // desktop, webmail: the network host it runs on
  std::string helo_name;   // desktop, webmail: its EHLO name
  smtp::Credentials auth;  // desktop, webmail: AUTH PLAIN with these
  ClientRetry retry;       // desktop, webmail
  Duration connect_timeout = Duration::seconds(30);
};

// What a network client shares with its world. All references must outlive it.
struct ClientContext {
  Simulator& sim;
  net::Network& network;
  mta::MailEvents& events;
  mta::MessageCatalog& catalog;
};

// The MSA a network client submits to.
struct Msa {
  std::string name;      // its MTA's name: the origin of the client's messages
  std::string hostname;  // its DNS name, as a failed connect names it
  net::NodeId host = 0;
};

// A desktop or webmail client: submits each message over its own SMTP session to the MSA's
// port 587.
class SubmissionClient {
 public:
  // REQUIRES: config.kind is not kLocal.
  SubmissionClient(MailClient config, Msa msa, ClientContext context);
  ~SubmissionClient();
  SubmissionClient(const SubmissionClient&) = delete;
  SubmissionClient& operator=(const SubmissionClient&) = delete;

  const MailClient& config() const;
  // A user hands the client a message now: it is created (message_created, client kind
  // and origin the MSA) and its first try starts at once.
  void submit(const smtp::Envelope& envelope, smtp::SharedMessage message,
              const std::string& message_id);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace mailsim::workload
