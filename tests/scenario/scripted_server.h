// A stand-in SMTP server for tests of what a sending MTA does with replies no mailsim
// server gives on its own: it sends `greeting` when a client connects (an empty one: it
// accepts the connection and says nothing, a server that hangs), then answers each
// command line with the next reply of `replies` (the last one repeats), and closes the
// connection after any reply starting with "421" (RFC 5321 §3.8) or "221".
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/net/network.h"

inline void serve_script(mailsim::net::Network& network, mailsim::net::NodeId host,
                         std::string greeting, std::vector<std::string> replies) {
  using mailsim::net::Connection;
  using mailsim::net::Side;
  network.unlisten(host, 25);
  network.listen(host, 25, [greeting, replies](std::shared_ptr<Connection> c) {
    struct State {
      std::string buffer;
      std::size_t next = 0;
      bool closed = false;
    };
    auto state = std::make_shared<State>();
    const std::weak_ptr<Connection> weak = c;  // the connection owns these handlers
    const auto say = [weak, state](const std::string& reply) {
      const auto connection = weak.lock();
      if (!connection || state->closed) return;
      connection->send(Side::kServer, reply + "\r\n");
      if (reply.starts_with("421") || reply.starts_with("221")) {
        state->closed = true;
        connection->close(Side::kServer);
      }
    };
    if (!greeting.empty()) say(greeting);
    return mailsim::net::ConnectionHandlers{
        [state, say, replies](std::string_view bytes) {
          state->buffer += bytes;
          for (std::size_t end; (end = state->buffer.find("\r\n")) != std::string::npos;) {
            const std::string line = state->buffer.substr(0, end);
            state->buffer.erase(0, end + 2);
            if (line == "QUIT") {
              say("221 2.0.0 Bye");
            } else {
              say(replies[std::min(state->next++, replies.size() - 1)]);
            }
          }
        },
        [weak, state] {
          if (const auto connection = weak.lock(); connection && !state->closed) {
            connection->close(Side::kServer);
          }
          state->closed = true;
        }};
  });
}
