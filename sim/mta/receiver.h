// The receiving side of one inbound SMTP connection: a server session over a net
// connection, whose policy decisions come from the MTA (router checks for RCPT, queueing
// for the message) and from its receive side (receive_side.h: connection limits,
// greylisting, the content filter's delay, degraded replies). Keeps itself alive until
// both sides have closed.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mailsim/core/simulator.h"
#include "mailsim/net/network.h"
#include "mailsim/smtp/server_session.h"

namespace mailsim::mta {

class ReceiveSide;

struct ReceiverPolicy {
  std::function<smtp::Reply(const smtp::SessionInfo&, std::string_view rcpt)> check_recipient;
  // Queues an accepted message, or refuses it; returns the reply to the final ".". An
  // accepted message's envelope is moved into the queue: read it no more either way.
  std::function<smtp::Reply(const smtp::SessionInfo&, smtp::Envelope&&,
                            const smtp::SharedMessage& message, net::NodeId client)>
      accept_message;
  // The reply to MAIL (250 2.1.0, or 452 4.3.1 when the queue is full); unset: always 250.
  std::function<smtp::Reply(const smtp::SessionInfo&)> check_mail;
  // While a content filter works on a message: keeps it known to the run (its sender may
  // give up meanwhile and let its own copy go); the function returned lets it go, and is
  // called once the filter has decided or the client has gone. Unset: nothing is kept.
  std::function<std::function<void()>(const smtp::Message&)> keep_message;
};

// Serves one accepted connection; returns the server side's handlers, which take the
// client's data as payloads (a synthetic body's filler stays virtual). A client silent for
// `idle_timeout` gets 421 4.4.2 and the connection is closed; the server does not wait for
// the client while its content filter works. `side` must outlive the connection.
net::ConnectionHandlers serve_connection(ReceiveSide& side,
                                         std::shared_ptr<const smtp::ServerSetup> setup,
                                         Duration idle_timeout,
                                         std::shared_ptr<net::Connection> connection);

}  // namespace mailsim::mta
