// Connection reuse (delivery_session.h): a session whose job is done carries the next
// job at once or waits idle in the cache for one; reference §2.
#include <utility>

#include "mta/delivery_session.h"

namespace mailsim::mta {

// The transaction is over and the session idle: the next delivery the owner hands over
// goes over it (its attempt starts now, with the RSET), or the session goes into the
// cache, or it ends with QUIT.
void Delivery::hand_over() {
  ++transactions_;
  if (ctx_.resend_after_452 && resend_refused_452()) return;
  std::optional<DeliveryJob> next;
  if (keep_session_ && next_) next = next_(connected_at_, transactions_);
  if (!next) {
    if (keep_session_ && park_ && park_(shared_from_this(), connected_at_, transactions_)) {
      return park();
    }
    return session_->finish();
  }
  finish_job(session_->result(job_));
  complete(std::move(attempt_.recipients));
  adopt(std::move(*next));
}

// Exim's answer to "452 too many recipients" (DeliveryContext::resend_after_452): after
// the message went to the others, the recipients that got 452 after another RCPT was
// answered 2xx or 5xx go in a new transaction of the same job, over this session; the
// others are decided. The attempt row of this transaction shows the 452s.
bool Delivery::resend_refused_452() {
  const smtp::ClientResult& r = session_->result(job_);
  if (!r.message_sent) return false;
  std::vector<std::size_t> rest;
  bool answered = false;  // Exim's `yield & 3`
  for (std::size_t i = 0; i < r.recipients.size(); ++i) {
    const int code = r.reply_of(i).code;
    if (code == 452 && answered) {
      rest.push_back(i);
    } else if (code / 100 == 2 || code / 100 == 5) {
      answered = true;
    }
  }
  if (rest.empty()) return false;
  finish_job(r);
  const smtp::Envelope& sent = session_->envelope(job_);
  smtp::Envelope next = sent.without_recipients();
  for (std::size_t i = 0, k = 0; i < attempt_.recipients.size(); ++i) {
    if (k < rest.size() && rest[k] == i) {
      next.rcpt_to.push_back(sent.rcpt_to[i]);
      next.rcpt_options.push_back(sent.options_of(i));
      ++k;
    } else {
      decided_.push_back(attempt_.recipients[i]);
    }
  }
  new_attempt(connected_node_);
  job_ = session_->add_message(std::move(next), request_.message);
  return true;
}

// The next job goes over this session: RSET, then its transaction.
void Delivery::adopt(DeliveryJob&& job) {
  request_ = std::move(job.request);
  done_ = std::move(job.done);
  keep_session_ = job.keep_session;
  // The connected host keeps its place in the new job's list of hosts, for moving on.
  for (std::size_t i = 0; i < request_.hosts.size(); ++i) {
    if (request_.hosts[i].name == host_) index_ = i;
  }
  new_attempt(connected_node_);
  session_->reset_before_next();
  job_ = session_->add_message(std::move(request_.envelope), request_.message);
}

// The job is done and its attempt over at the end of its transaction; the session waits
// without QUIT. The owner may resume it from within done or ended.
void Delivery::park() {
  parked_ = true;
  sim_.cancel(timer_);
  finish_job(session_->result(job_));
  SessionEnded ended = std::exchange(ended_, {});
  complete(std::move(attempt_.recipients));
  ended();
}

void Delivery::resume(DeliveryJob&& job, NextDelivery&& next, SessionEnded&& ended,
                      ParkSession&& park) {
  parked_ = false;
  next_ = std::move(next);
  ended_ = std::move(ended);
  park_ = std::move(park);
  adopt(std::move(job));
  pump();
}

// Postfix's scache closes the descriptor: no QUIT; the server sees the connection go.
void Delivery::close_idle() {
  if (!alive()) return;
  finished_ = true;
  connection_->close(net::Side::kClient);
  sim_.schedule_in(
      Duration{}, [connection = connection_] { connection->set_handlers(net::Side::kClient, {}); });
}

void resume_delivery(const CachedSession& session, DeliveryJob&& job, NextDelivery&& next,
                     SessionEnded&& ended, ParkSession&& park) {
  session->resume(std::move(job), std::move(next), std::move(ended), std::move(park));
}

bool cached_alive(const CachedSession& session) { return session->alive(); }

void close_cached(const CachedSession& session) { session->close_idle(); }

}  // namespace mailsim::mta
