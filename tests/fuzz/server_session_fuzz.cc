// libFuzzer target: arbitrary bytes drive a ServerSession (AUTH offered) through a policy
// that accepts, refuses or decides later, with the input split at chosen points. Checks
// that the session never crashes, only ever writes whole reply lines, and holds bounded
// memory. Input layout: byte 0 picks the configuration, byte 1 seeds the split points and
// the policy's choices, the rest is what the client sends.
// Now and then a piece of a synthetic body's filler (MessageBody::synthetic) goes in between
// the input's pieces, at a chosen offset: the same stream then reaches two sessions, one as
// bytes and one as Payloads that carry the filler as virtual spans (receive(const Payload&)).
// The two must answer byte for byte alike, wait and close alike, and hand their policies
// the same messages.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailsim/core/payload.h"
#include "mailsim/smtp/message_body.h"
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
  Decision on_message(const SessionInfo&, Envelope envelope, std::string data) override {
    check(config_.max_message_size <= 0 ||
              data.size() <= static_cast<std::size_t>(config_.max_message_size),
          "message data within the size limit");
    check(!envelope.rcpt_to.empty(), "a message has recipients");
    check(envelope.rcpt_to.size() <= static_cast<std::size_t>(config_.max_recipients),
          "recipients within the limit");
    check(envelope.rcpt_options.empty() || envelope.rcpt_options.size() == envelope.rcpt_to.size(),
          "recipient options parallel to the recipients");
    messages.push_back(hash(data));
    return decide(data, make_reply(250, "2.0.0", "Ok: queued as F1"));
  }
  // A message whose body came as filler spans, generated here to be judged as bytes are.
  Decision on_synthetic_message(const SessionInfo& session, Envelope envelope,
                                SharedMessage message) override {
    ++synthetic_messages;
    return on_message(session, std::move(envelope), message->text());
  }

  std::vector<std::uint32_t> messages;  // a hash of each message's data, in order
  int synthetic_messages = 0;

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

// One session with its policy; `spans` says whether it gets filler as virtual spans.
struct Side {
  Side(const ServerConfig& config, std::uint8_t seed)
      : policy(config, seed), session(config, policy) {}
  FuzzPolicy policy;
  ServerSession session;
  std::string output;  // written since the last step
};

// A piece of filler: `octets` of a synthetic body (seeded), from a chosen offset on; after
// an empty line (`body_start`) mostly the whole body, as an MTA's DataStream sends it.
VirtualSpan filler_piece(Choices& choices, bool body_start) {
  const std::uint32_t c = choices.next();
  const std::int64_t octets = 1 + c % 3000;
  const VirtualContent content = MessageBody::synthetic(octets, c >> 12 & 7).filler();
  const std::uint32_t at = choices.next();
  if (body_start && at % 4 != 0) return {content, 0, octets};
  // Else from the start, anywhere or the end; to the end or not.
  const std::int64_t offset = at % 3 == 0 ? 0 : at % 3 == 1 ? at / 3 % octets : octets;
  const std::int64_t length =
      choices.next() % 2 == 0 ? octets - offset : (octets - offset) * (at / 7 % 4) / 4;
  return {content, offset, length};
}

void run(std::string_view input) {
  const std::uint8_t bits = input.empty() ? 0 : static_cast<std::uint8_t>(input[0]);
  const std::uint8_t seed = input.size() < 2 ? 0 : static_cast<std::uint8_t>(input[1]);
  input.remove_prefix(std::min<std::size_t>(input.size(), 2));
  const ServerConfig config = fuzz_config(bits);
  Side bytes(config, seed), spans(config, seed);
  Choices choices(seed);
  bytes.session.open();
  spans.session.open();
  bool closed_seen = false;
  const auto check_side = [&](Side& side) {
    side.output = side.session.take_output();
    check_output(side.output);
    const ServerSession& session = side.session;
    check(session.closed() ? !session.awaiting_decision()
                           : session.awaiting_decision() == side.policy.has_pending(),
          "the session waits exactly when the policy has a decision pending");
    check(session.buffered_bytes() <=
              ServerSession::kMaxHeldInput + static_cast<std::size_t>(config.max_message_size),
          "held input and message data stay within their limits");
  };
  const auto step_done = [&] {
    check_side(bytes);
    check_side(spans);
    check(bytes.output == spans.output, "filler as spans is answered as filler as bytes");
    check(bytes.session.closed() == spans.session.closed() &&
              bytes.session.awaiting_decision() == spans.session.awaiting_decision(),
          "filler as spans leaves the session as filler as bytes does");
    check(bytes.policy.messages == spans.policy.messages,
          "filler as spans gives the policy the messages filler as bytes gives");
    check(!closed_seen || bytes.output.empty(), "nothing written after the session closed");
    closed_seen = bytes.session.closed();
  };
  const auto resume = [&] {
    bytes.session.resume(bytes.policy.take_pending());
    spans.session.resume(spans.policy.take_pending());
    step_done();
  };
  step_done();
  while (!input.empty()) {
    const std::uint32_t choice = choices.next();
    const std::size_t size = choice % 4 == 0 ? 1 + choice / 4 % 1024 : 1 + choice / 4 % 48;
    std::string_view piece = input.substr(0, size);
    // Filler goes after the piece, in the same Payload: now and then, and mostly after the
    // empty line that ends a header, when the piece has one, as a synthetic body would.
    const std::size_t header_end = piece.find("\r\n\r\n");
    const bool body_start = header_end != piece.npos && choice % 3 != 0;
    const bool filler = body_start || choice % 5 == 1;
    if (body_start) piece = piece.substr(0, header_end + 4);
    input.remove_prefix(piece.size());
    if (filler) {
      const VirtualSpan span = filler_piece(choices, body_start);
      Payload payload(std::string{piece});
      payload.append(span);
      bytes.session.receive(payload.materialise());
      spans.session.receive(payload);
    } else {
      bytes.session.receive(piece);
      spans.session.receive(Payload(std::string{piece}));
    }
    step_done();
    if (bytes.policy.has_pending() && choices.next() % 3 != 0) resume();  // else input waits
  }
  while (bytes.policy.has_pending()) resume();
  bytes.session.timed_out();
  spans.session.timed_out();
  step_done();
  check(bytes.session.closed(), "closed after the idle timeout");
}

}  // namespace
}  // namespace mailsim::smtp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mailsim::smtp::run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
