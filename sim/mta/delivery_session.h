// The object behind start_delivery() (delivery.h): one client SMTP session to a next hop's
// hosts, the jobs it carries one after the other, and its time idle in a connection
// cache. delivery.cc connects, drives the session and reports; delivery_reuse.cc hands the
// session on to the next job or parks it. Private to the mta layer; not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mta/delivery.h"

namespace mailsim::mta {

class Delivery : public std::enable_shared_from_this<Delivery> {
 public:
  Delivery(const DeliveryContext& context, DeliveryJob&& first, NextDelivery&& next,
           SessionEnded&& ended, ParkSession&& park)
      : ctx_(context),
        sim_(context.sim),
        command_timeout_(context.config.timeouts.command),
        data_init_timeout_(context.config.timeouts.data_init),
        data_done_timeout_(context.config.timeouts.data_done),
        transcripts_(context.events.attempt_transcripts),
        request_(std::move(first.request)),
        done_(std::move(first.done)),
        keep_session_(first.keep_session),
        next_(std::move(next)),
        ended_(std::move(ended)),
        park_(std::move(park)) {}

  void try_host(std::size_t index);
  void resume(DeliveryJob&& job, NextDelivery&& next, SessionEnded&& ended, ParkSession&& park);
  bool alive() const { return parked_ && !finished_; }
  void close_idle();

 private:
  // Whether a handler of session `n` (session_number_ when it was set) still speaks for
  // this delivery: an earlier host's session, or one that has finished, is ignored.
  bool current(int n) const { return !finished_ && n == session_number_; }
  void on_connect(std::size_t index, net::ConnectResult result);
  void pump();
  void take_transcript();
  void hand_over();
  void adopt(DeliveryJob&& job);
  bool resend_refused_452();
  void park();
  void finish_job(const smtp::ClientResult& r);
  void new_attempt(net::NodeId node);
  void skip_host(const std::string& reason);
  void arm_timer();
  void schedule_timer();
  void on_timer();
  void finish_session();
  void lose_session(bool timed_out);
  bool site_level(const smtp::ClientResult& r) const;
  std::string said(const smtp::Reply& reply) const;
  bool moves_on(const smtp::ClientResult& r) const;
  void move_on(const smtp::ClientResult& r);
  void report(AttemptOutcome outcome, const smtp::Reply& reply);
  void complete(std::vector<AttemptRecipient> last);

  const DeliveryContext& ctx_;  // Destinations', for the MTA's lifetime (start_delivery)
  // What each reply reads comes first, copied from the context: its fields are cold
  // between two replies of a session (a round trip apart, with other sessions between).
  Simulator& sim_;
  Duration command_timeout_;  // the reply timer's limits (TimeoutConfig)
  Duration data_init_timeout_;
  Duration data_done_timeout_;
  bool transcripts_;  // MailEvents::attempt_transcripts
  bool lost_ = false;
  bool timed_out_ = false;  // how the session was lost
  bool finished_ = false;
  bool parked_ = false;  // idle in the cache: no job, no timer
  smtp::ClientStage replied_at_ = smtp::ClientStage::kGreeting;  // before the last reply
  int session_number_ = 0;  // handlers of an earlier host's session ignore what they get
  std::size_t job_ = 0;     // the session's transaction for request_
  std::shared_ptr<net::Connection> connection_;
  // The reply timer: the session times out at deadline_; the engine's event (timer_) is
  // due at timer_due_, which is never later than deadline_ (see arm_timer()).
  EventId timer_;
  Time deadline_;
  Time timer_due_;
  std::optional<smtp::ClientSession> session_;  // in place: one allocation less a host
  AttemptFinished attempt_;
  DeliveryRequest request_;
  DeliveryDone done_;
  bool keep_session_ = true;    // the job's DeliveryJob::keep_session
  bool connect_tried_ = false;  // on_connect has run: not every host was skipped
  NextDelivery next_;
  SessionEnded ended_;
  ParkSession park_;
  Time connected_at_;
  int transactions_ = 0;   // carried by this session
  std::string_view host_;  // the connected host's DNS name (MailHost::name's)
  net::NodeId connected_node_ = 0;
  std::size_t index_ = 0;                  // of the host tried now
  std::vector<AttemptRecipient> decided_;  // by earlier hosts, for good
  std::string site_reason_;  // why the last host failed at the site level; "" once past EHLO
};

}  // namespace mailsim::mta
