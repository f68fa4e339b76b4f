// One SMTP client session driven by a test over a built world's network, from one host to
// another host's port: how an outside client (a spammer looking for open relays, a user's
// mail program) sees an MTA. Runs the simulator until the session is over.
#pragma once

#include <memory>
#include <string>

#include "mailsim/scenario/world.h"
#include "mailsim/smtp/client_session.h"

struct ProbeResult {
  bool connected = false;
  mailsim::smtp::ClientResult result;  // of the one message
};

inline ProbeResult probe(mailsim::scenario::World& world, const std::string& from,
                         const std::string& to, int port, mailsim::smtp::ClientConfig config,
                         mailsim::smtp::Envelope envelope) {
  using namespace mailsim;
  struct State {
    smtp::ClientSession session;
    std::shared_ptr<net::Connection> connection;
    bool connected = false;
    bool closed = false;
    void pump() {
      std::string out;
      for (std::string piece; !(piece = session.take_output()).empty();) out += piece;
      if (!out.empty()) connection->send(net::Side::kClient, std::move(out));
      if (session.done() && !closed) {
        closed = true;
        connection->close(net::Side::kClient);
      }
    }
  };
  auto state = std::make_shared<State>(
      State{smtp::ClientSession(std::move(config), std::move(envelope),
                                "From: probe\r\nSubject: probe\r\n\r\nprobe\r\n"),
            nullptr});
  net::Topology& topology = world.topology();
  world.network().connect(*topology.find(from), *topology.find(to), port, Duration::seconds(30),
                          [state](net::ConnectResult r) {
                            if (r.status != net::ConnectStatus::kConnected) return;
                            state->connected = true;
                            state->connection = r.connection;
                            State* s = state.get();
                            r.connection->set_handlers(net::Side::kClient,
                                                       {[s](std::string_view bytes) {
                                                          s->session.receive(bytes);
                                                          s->pump();
                                                        },
                                                        [s] { s->session.connection_lost(); }});
                          });
  Simulator& sim = world.simulator();
  sim.run_until(sim.now() + Duration::minutes(15));
  if (state->connection) state->connection->set_handlers(net::Side::kClient, {});
  return {state->connected, state->session.result()};
}
