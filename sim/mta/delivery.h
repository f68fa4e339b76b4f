// One outbound delivery: a client SMTP session for one message and a group of recipients
// that share a next hop, tried against the next hop's hosts in order until one answers.
// As Postfix's smtp_connect.c does, a failed connect, a 4xx/5xx greeting (5xx:
// smtp_skip_5xx_greeting), a failed EHLO/HELO (a reply, a timeout or a lost connection) or
// a 421 before the message was taken moves on to the next host with the recipients that
// failure decided; at the last host the failure stands. It applies the per-stage timeouts
// and reports one AttemptFinished per host tried, then the per-recipient outcome. A session
// whose transaction is done may carry further deliveries (NextDelivery), each with its own
// AttemptFinished, or wait idle in a connection cache for one (ParkSession). Keeps itself
// alive until done.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
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
  smtp::SharedMessage message;  // the queue's copy, read while it is sent
  std::vector<dns::MailHost> hosts;
  Time arrival;  // when the message entered this MTA's queue
  // The destination as the queue manager names it ("mx:b.example"), for the deferral
  // told when every host is skipped (DeliveryDeferred::nexthop); set by Destinations to
  // the router's name for the destination, which lives as long as the MTA (so for the
  // whole simulation; a Delivery a connection still holds at teardown reads it no more).
  std::string_view nexthop;
};

class HostMemory;

struct DeliveryContext {
  Simulator& sim;
  net::Network& network;
  MailEvents& events;
  const MtaConfig& config;
  // Hosts to skip without connecting (qmail, OpenSMTPD); null: none. A skipped host gets
  // no attempt row; when every host is skipped the recipients are deferred with its reason,
  // a turn told as a DeliveryDeferred of HostMemory::skip_kind().
  HostMemory* hosts = nullptr;
  // Exim (transports/smtp.c, sync_responses): a 452 to RCPT after another RCPT of the
  // transaction got 2xx or 5xx means "too many recipients", and those recipients go in
  // another transaction over the same connection once this one is done. False: they are
  // deferred like any 4xx (Postfix's smtp_rcpt_fail()).
  bool resend_after_452 = false;
};

struct DeliveryResult {
  std::vector<AttemptRecipient> recipients;  // one per envelope recipient, in order
  // The DNS name of the host the SMTP session ran with (for Remote-MTA); "" when every
  // connect failed. It views the text of a MailHost::name: the resolver's or the MTA
  // configuration's, both of which live as long as the world.
  std::string_view remote_mta;
  // The session broke or timed out: the recipients it had not decided got the client's
  // own 451 4.4.2, not a reply of remote_mta's.
  bool session_lost = false;
  // No host got as far as MAIL: every one failed at connect, greeting or EHLO, a
  // site-level failure in Postfix's terms (reference §2). `site_reason` says why for the
  // last host, as Postfix words it ("connect to HOST:25: Connection refused").
  bool site_failed = false;
  std::string site_reason;
  // Deferred without trying: the next hop's shared retry record says its retry time has
  // not come (Exim). The retry law leaves the record alone for these recipients.
  bool not_tried = false;
};

// Called once.
using DeliveryDone = std::function<void(const DeliveryResult&)>;

struct DeliveryJob {
  DeliveryRequest request;
  DeliveryDone done;
  // The session may carry another delivery once this one is done, handed over at once or
  // after waiting in the cache: Postfix's DEL_REQ_FLAG_CONN_STORE, which its queue manager
  // sets on demand (Destinations); false: QUIT after it.
  bool keep_session = true;
};

class Delivery;
// A session waiting idle in a connection cache between deliveries (Postfix's scache).
using CachedSession = std::shared_ptr<Delivery>;

// Connection reuse: asked when a transaction has ended and its session is still open and
// idle, with when the session connected and how many transactions it has carried. A job
// returned goes over the same session, after an RSET (as Postfix and Exim check a reused
// connection); none: QUIT. The job's hosts should be the same next hop's.
using NextDelivery = std::function<std::optional<DeliveryJob>(Time connected, int transactions)>;
// Called once, when the delivery's last session is over (after the last job's done), or
// when its session goes into the cache.
using SessionEnded = std::function<void()>;
// Asked when `next` handed nothing over and the job may keep its session: true takes the
// session into the cache. Its job is then reported done, `ended` is called, and the
// session waits, without a timer of its own, for resume_delivery() or close_cached().
using ParkSession =
    std::function<bool(const CachedSession& session, Time connected, int transactions)>;

// Runs `first`, then whatever `next` hands over or the session waits for in the cache
// (`park`); `next` and `park` may be empty (no reuse, no cache). The delivery keeps a
// reference to `context`, which must live while it runs (a delivery a connection still
// holds at teardown reads it no more, as with DeliveryRequest::nexthop).
void start_delivery(const DeliveryContext& context, DeliveryJob&& first, NextDelivery&& next,
                    SessionEnded&& ended, ParkSession&& park = {});
// Runs `job` over a cached session, with an RSET first (Postfix's smtp_reuse.c checks a
// cached session so). REQUIRES: cached_alive(session).
void resume_delivery(const CachedSession& session, DeliveryJob&& job, NextDelivery&& next,
                     SessionEnded&& ended, ParkSession&& park = {});
// Whether the server still holds a cached session's connection open.
bool cached_alive(const CachedSession& session);
// Closes a cached session's connection without QUIT, as Postfix's scache closes the
// descriptor when the idle time is up. No effect on a session no longer in the cache.
void close_cached(const CachedSession& session);

}  // namespace mailsim::mta
