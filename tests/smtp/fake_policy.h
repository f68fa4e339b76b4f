// A ServerPolicy for tests: accepts everything except a few fixed addresses, and keeps
// what the session handed it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/server_session.h"

namespace mailsim::smtp::testing {

class FakePolicy : public ServerPolicy {
 public:
  Reply on_helo(std::string_view helo_name) override {
    if (helo_name == "rejected.example") return make_reply(550, "5.7.1", "Go away");
    return make_reply(250, "", "ignored");
  }
  Reply on_mail(std::string_view sender) override {
    if (sender == "spammer@bad.example") {
      return make_reply(553, "5.7.1", "<spammer@bad.example>: Sender address rejected");
    }
    return make_reply(250, "2.1.0", "Ok");
  }
  Reply on_rcpt(std::string_view recipient) override {
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
  Reply on_message(const Envelope& envelope, std::string data) override {
    envelopes.push_back(envelope);
    messages.push_back(std::move(data));
    return make_reply(250, "2.0.0", "Ok: queued as Q" + std::to_string(messages.size()));
  }

  std::vector<Envelope> envelopes;
  std::vector<std::string> messages;
};

}  // namespace mailsim::smtp::testing
