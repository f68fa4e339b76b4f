// A ServerPolicy for tests: accepts everything except a few fixed addresses, leaves the
// decision pending for addresses (and messages) starting with "slow", and keeps what the
// session handed it. Also the helpers that read a server's output as reply lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/server_session.h"
#include "support/catch.h"

namespace mailsim::smtp::testing {

class FakePolicy : public ServerPolicy {
 public:
  Reply on_helo(const SessionInfo& /*session*/, std::string_view helo_name) override {
    if (helo_name == "rejected.example") return make_reply(550, "5.7.1", "Go away");
    return make_reply(250, "", "ignored");
  }
  Decision on_mail(const SessionInfo& session, std::string_view sender) override {
    sessions.push_back(session);
    if (sender.starts_with("slow")) return Decision::pending();
    if (sender == "spammer@bad.example") {
      return make_reply(553, "5.7.1", "<spammer@bad.example>: Sender address rejected");
    }
    return make_reply(250, "2.1.0", "Ok");
  }
  Decision on_rcpt(const SessionInfo& /*session*/, std::string_view recipient) override {
    if (recipient.starts_with("slow")) return Decision::pending();
    if (recipient == "nobody@dest.example") {
      return make_reply(550, "5.1.1",
                        "<nobody@dest.example>: Recipient address rejected: User unknown");
    }
    if (recipient == "grey@dest.example") {
      return make_reply(450, "4.2.0",
                        "<grey@dest.example>: Recipient address rejected: Greylisted");
    }
    if (recipient == "shutdown@dest.example") {
      return make_reply(421, "4.3.2", "dest.example Service shutting down");
    }
    return make_reply(250, "2.1.5", "Ok");
  }
  Decision on_message(const SessionInfo& /*session*/, Envelope envelope,
                      std::string data) override {
    envelopes.push_back(std::move(envelope));
    messages.push_back(std::move(data));
    if (messages.back().starts_with("slow")) return Decision::pending();
    return make_reply(250, "2.0.0", "Ok: queued as Q" + std::to_string(messages.size()));
  }

  std::vector<SessionInfo> sessions;  // as on_mail saw them
  std::vector<Envelope> envelopes;
  std::vector<std::string> messages;
};

// The lines of the server's output, without their CRLF; the output must be whole replies.
inline std::vector<std::string> reply_lines(const std::string& output) {
  ReplyParser parser;
  parser.feed(output);
  while (parser.next()) {
  }
  CHECK_FALSE(parser.malformed());
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < output.size();) {
    const std::size_t end = output.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    lines.push_back(output.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// The server's whole output, greeting included, to `input` fed in one piece and again one
// byte at a time: the two must agree.
inline std::string output_for(const std::string& input, const ServerConfig& config) {
  std::string results[2];
  for (const std::size_t step : {input.size(), std::size_t{1}}) {
    FakePolicy policy;
    ServerSession server(config, policy);
    server.open();
    for (std::size_t i = 0; i < input.size(); i += step) server.receive(input.substr(i, step));
    results[step == 1 ? 1 : 0] = server.take_output();
  }
  CHECK(results[0] == results[1]);
  return results[0];
}

// The reply lines to `input` after the greeting.
inline std::vector<std::string> replies_to(const std::string& input, const ServerConfig& config) {
  std::vector<std::string> lines = reply_lines(output_for(input, config));
  lines.erase(lines.begin());
  return lines;
}

}  // namespace mailsim::smtp::testing
