// libFuzzer target: arbitrary bytes drive a ServerSession (AUTH offered) through a policy
// that accepts, refuses or decides later, with the input split at chosen points. Checks
// that the session never crashes, only ever writes whole reply lines, and holds bounded
// memory. Input layout: byte 0 picks the configuration, byte 1 seeds the split points and
// the policy's choices, the rest is what the client sends.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "mailsim/smtp/server_session.h"

namespace mailsim::smtp {
namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "server_session_fuzz: invariant broken: %s\n", what);
  std::abort();
}

// A deterministic stream of choices (xorshift32), seeded from the input.
class Choices {
 public:
  explicit Choices(std::uint32_t seed) : state_(seed * 2654435761u + 1) {}
  std::uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

 private:
  std::uint32_t state_;
};

std::uint32_t hash(std::string_view text) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

// Decides from the bytes of what it is asked about: mostly yes, sometimes 4xx or 5xx,
// rarely 421, and one time in six "later", with the reply kept for resume().
class FuzzPolicy : public ServerPolicy {
 public:
  FuzzPolicy(const ServerConfig& config, std::uint8_t seed) : config_(config), seed_(seed) {}

  Reply on_helo(const SessionInfo&, std::string_view name) override {
    return hash(name) % 16 == 0
               ? make_reply(550, "5.7.1", "<" + std::string(name) + ">: Helo command rejected")
               : make_reply(250, "", "Ok");
  }
  Decision on_mail(const SessionInfo&, std::string_view sender) override {
    return decide(sender, make_reply(250, "2.1.0", "Ok"));
  }
  Decision on_rcpt(const SessionInfo&, std::string_view recipient) override {
    return decide(recipient, make_reply(250, "2.1.5", "Ok"));
  }
  Decision on_message(const SessionInfo&, const Envelope& envelope, std::string data) override {
    check(config_.max_message_size <= 0 ||
              data.size() <= static_cast<std::size_t>(config_.max_message_size),
          "message data within the size limit");
    check(!envelope.rcpt_to.empty(), "a message has recipients");
    check(envelope.rcpt_to.size() <= static_cast<std::size_t>(config_.max_recipients),
          "recipients within the limit");
    check(envelope.rcpt_options.empty() || envelope.rcpt_options.size() == envelope.rcpt_to.size(),
          "recipient options parallel to the recipients");
    return decide(data, make_reply(250, "2.0.0", "Ok: queued as F1"));
  }

  bool has_pending() const { return pending_.code != 0; }
  Reply take_pending() { return std::exchange(pending_, {}); }

 private:
  Decision decide(std::string_view subject, Reply accept) {
    check(!has_pending(), "no question while a decision is pending");
    const std::uint32_t h = hash(subject) ^ (seed_ * 0x9e3779b9u) ^ calls_++;
    Reply reply = std::move(accept);
    const std::string quoted = "<" + std::string(subject.substr(0, 64)) + ">";
    if (h % 7 == 1)
      reply = make_reply(450, "4.2.0", quoted + ": Recipient address rejected: Greylisted");
    if (h % 7 == 2)
      reply = make_reply(550, "5.1.1", quoted + ": Recipient address rejected: User unknown");
    if (h % 61 == 3) reply = make_reply(421, "4.3.2", "Service shutting down");
    if (h / 7 % 6 != 0) return reply;
    pending_ = std::move(reply);
    return Decision::pending();
  }

  const ServerConfig& config_;
  std::uint8_t seed_;
  std::uint32_t calls_ = 0;
  Reply pending_;
};

// Whole lines "DDD text\r\n" or "DDD-text\r\n", printable, continuation lines with the
// same code; the session only ever writes those.
void check_output(std::string_view output) {
  std::string_view continued;  // the code of an unfinished multi-line reply
  while (!output.empty()) {
    const std::size_t end = output.find("\r\n");
    check(end != std::string_view::npos, "output ends with CRLF");
    const std::string_view line = output.substr(0, end);
    output.remove_prefix(end + 2);
    check(line.size() >= 3 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' &&
              line[1] <= '9' && line[2] >= '0' && line[2] <= '9',
          "a reply line starts with a 3-digit code");
    check(line.size() == 3 || line[3] == ' ' || line[3] == '-', "code, then space or hyphen");
    for (const char c : line) check(c >= ' ' && c <= '~', "reply text is printable");
    check(continued.empty() || line.substr(0, 3) == continued, "one code per reply");
    continued = line.size() > 3 && line[3] == '-' ? line.substr(0, 3) : std::string_view();
  }
  check(continued.empty(), "no unfinished multi-line reply");
}

ServerConfig fuzz_config(std::uint8_t bits) {
  return {.hostname = "mx.fuzz.example",
          .max_message_size = (bits & 2) != 0 ? 300 : 20000,
          .max_recipients = 1 + (bits >> 2 & 7),
          .max_errors = 3 + (bits >> 5 & 7) * 4,
          .authenticate =
              [](const Credentials& c) { return c.user == "alice" && c.password == "secret"; },
          .require_auth = (bits & 1) != 0};
}

void run(std::string_view input) {
  const std::uint8_t bits = input.empty() ? 0 : static_cast<std::uint8_t>(input[0]);
  const std::uint8_t seed = input.size() < 2 ? 0 : static_cast<std::uint8_t>(input[1]);
  input.remove_prefix(std::min<std::size_t>(input.size(), 2));
  const ServerConfig config = fuzz_config(bits);
  FuzzPolicy policy(config, seed);
  ServerSession session(config, policy);
  Choices choices(seed);
  session.open();
  bool closed_seen = false;
  const auto step_done = [&] {
    const std::string output = session.take_output();
    check_output(output);
    check(!closed_seen || output.empty(), "nothing written after the session closed");
    closed_seen = session.closed();
    check(session.closed() ? !session.awaiting_decision()
                           : session.awaiting_decision() == policy.has_pending(),
          "the session waits exactly when the policy has a decision pending");
    check(session.buffered_bytes() <=
              ServerSession::kMaxHeldInput + static_cast<std::size_t>(config.max_message_size),
          "held input and message data stay within their limits");
  };
  step_done();
  while (!input.empty()) {
    const std::uint32_t choice = choices.next();
    const std::size_t size = choice % 4 == 0 ? 1 + choice / 4 % 1024 : 1 + choice / 4 % 48;
    session.receive(input.substr(0, size));
    input.remove_prefix(std::min(size, input.size()));
    step_done();
    if (policy.has_pending() && choices.next() % 3 != 0) {
      session.resume(policy.take_pending());  // else more input arrives while it waits
      step_done();
    }
  }
  while (policy.has_pending()) {
    session.resume(policy.take_pending());
    step_done();
  }
  session.timed_out();
  step_done();
  check(session.closed(), "closed after the idle timeout");
}

}  // namespace
}  // namespace mailsim::smtp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mailsim::smtp::run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
