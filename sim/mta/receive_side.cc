#include "mta/receive_side.h"

#include <string>
#include <utility>

#include "mta/address.h"

namespace mailsim::mta {

ReceiveSide::ReceiveSide(Simulator& sim, net::Network& network, MailEvents& events,
                         const MtaConfig& config, ReceiverPolicy policy)
    : sim_(sim),
      max_connections_per_client_(config.receive.max_connections_per_client),
      greylisting_(config.receive.greylist.enabled),
      idle_timeout_(config.timeouts.server_idle),
      filter_per_message_(config.receive.filter_per_message),
      filter_per_kib_(config.receive.filter_per_kib),
      policy_(std::move(policy)),
      network_(network),
      events_(events),
      config_(config),
      greylist_(config.receive.greylist),
      degraded_on_(config.receive.degraded.size()) {}

void ReceiveSide::set_degraded(std::size_t index, bool in_force) {
  if (degraded_on_.at(index) == in_force) return;
  degraded_on_[index] = in_force;
  degraded_in_force_ += in_force ? 1 : -1;
  if (degraded_in_force_ != (in_force ? 1 : 0)) return;
  events_.service_changed({config_.name, !in_force, sim_.now(), "degraded_reply"});
}

void ReceiveSide::listen() {
  serve_on(config_.port);
  if (config_.receive.submission) serve_on(kSubmissionPort);
}

void ReceiveSide::unlisten() {
  network_.unlisten(config_.host, config_.port);
  if (config_.receive.submission) network_.unlisten(config_.host, kSubmissionPort);
}

smtp::ServerConfig ReceiveSide::server_config(int port) const {
  smtp::ServerConfig sc;
  sc.hostname = config_.hostname;
  sc.max_message_size = config_.message_size_limit;
  sc.max_recipients = config_.receive.max_recipients;
  if (!config_.auth_users.empty()) {
    sc.authenticate = [this](const smtp::Credentials& c) {
      const auto it = config_.auth_users.find(c.user);
      return it != config_.auth_users.end() && it->second == c.password;
    };
  }
  sc.require_auth = port == kSubmissionPort;
  return sc;
}

// The sessions on one port share its setup, made at the first listen and kept: the MTA's
// config stays as it is for the run. They hold it without a reference count, as they hold
// this object: it outlives every connection (serve_connection). A count cost each accept
// and each close an atomic update of a line that nothing else touches.
void ReceiveSide::serve_on(int port) {
  std::unique_ptr<const smtp::ServerSetup>& setup =
      port == kSubmissionPort ? submission_setup_ : setup_;
  if (!setup) setup = std::make_unique<const smtp::ServerSetup>(server_config(port));
  network_.listen(
      config_.host, port,
      [this, shared = setup.get()](std::shared_ptr<net::Connection> connection) {
        std::shared_ptr<const smtp::ServerSetup> uncounted(std::shared_ptr<const void>(), shared);
        return serve_connection(*this, std::move(uncounted), idle_timeout_, std::move(connection));
      });
}

std::optional<smtp::Reply> ReceiveSide::admit(std::uint32_t client) {
  if (auto reply = degraded(SmtpStage::kConnect)) return reply;
  int& open = connections_[client];
  const int limit = max_connections_per_client_;
  if (limit > 0 && open >= limit) {
    // Postfix's smtpd, when anvil reports smtpd_client_connection_count_limit reached.
    return smtp::make_reply(
        421, "4.7.0",
        config_.hostname + " Error: too many connections from " + format_address(client));
  }
  ++open;
  return std::nullopt;
}

void ReceiveSide::release(std::uint32_t client) {
  const auto it = connections_.find(client);
  if (it != connections_.end() && --it.value() == 0) connections_.erase(it);
}

std::optional<smtp::Reply> ReceiveSide::degraded_reply(SmtpStage stage) const {
  for (std::size_t i = 0; i < degraded_on_.size(); ++i) {
    const DegradedReply& d = config_.receive.degraded[i];
    if (degraded_on_[i] && d.stage == stage) return d.reply;
  }
  return std::nullopt;
}

std::optional<smtp::Reply> ReceiveSide::greylist(std::uint32_t client, std::string_view sender,
                                                 std::string_view rcpt) {
  if (!greylisting_) return std::nullopt;
  return greylist_.check(sim_.now(), client, sender, rcpt);
}

Duration ReceiveSide::filter_delay(std::size_t octets) const {
  const auto size = static_cast<std::int64_t>(octets);
  // per_kib * octets / 1024, pro rata, without overflow for any realistic delay.
  const Duration per_octets = filter_per_kib_ * (size / 1024) +
                              Duration::nanoseconds(filter_per_kib_.ns() * (size % 1024) / 1024);
  return filter_per_message_ + per_octets;
}

const char* to_string(SmtpStage stage) {
  return kSmtpStages[static_cast<std::size_t>(stage)].data();  // each a string literal
}

}  // namespace mailsim::mta
