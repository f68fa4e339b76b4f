// One outbound delivery: a client SMTP session for one message and a group of recipients
// that share a next hop, tried against the next hop's hosts in order until one answers.
// It applies the per-stage timeouts and reports one AttemptFinished per host tried, then
// the per-recipient outcome. Keeps itself alive until done.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/dns/resolver.h"
#include "mailsim/mta/config.h"
#include "mailsim/mta/events.h"
#include "mailsim/net/network.h"
#include "mailsim/smtp/client_session.h"

namespace mailsim::mta {

struct DeliveryRequest {
  MessageNumber msg = 0;
  smtp::Envelope envelope;
  std::string data;
  std::vector<dns::MailHost> hosts;
};

struct DeliveryContext {
  Simulator& sim;
  net::Network& network;
  MailEvents& events;
  const MtaConfig& config;
};

// Called once with one entry per envelope recipient, in order.
using DeliveryDone = std::function<void(std::vector<AttemptRecipient>)>;

void start_delivery(const DeliveryContext& context, DeliveryRequest request, DeliveryDone done);

}  // namespace mailsim::mta
