// `mailsim send`: the project's client session over one real TCP connection (Boost.Asio),
// for one message, with per-stage time limits (Postfix's by default). Blocks until the
// outcome of every recipient is known; a connection that cannot be made defers them all.
#pragma once

#include <string>

#include "mailsim/realnet/endpoint.h"
#include "mailsim/smtp/client_session.h"
#include "mailsim/smtp/timeouts.h"

namespace mailsim::realnet {

struct SendOptions {
  Endpoint server;
  smtp::ClientConfig session;  // helo_name (a view: its owner outlives the send), auth
  // `connect` covers the name lookup too; nullopt: no limit of ours.
  smtp::ClientTimeouts timeouts = smtp::client_timeouts(smtp::MtaFamily::kPostfix);
};

struct SendOutcome {
  smtp::ClientResult result;
  // Why the connection failed or broke ("connect to 127.0.0.1:25: Connection refused"),
  // or "" when the dialogue ran to its end.
  std::string transport_error;
};

// The message is read piece by piece as it is sent; a synthetic body is never held whole.
SendOutcome send_message(const SendOptions& options, smtp::Envelope envelope,
                         smtp::SharedMessage message);

}  // namespace mailsim::realnet
