#include "mta/greylist.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "mailsim/core/text.h"
#include "mta/address.h"
#include "mta/router.h"

namespace mailsim::mta {

namespace {

// postgrey counts a client's passes towards its auto-whitelist at most once an hour, so
// that one message to many recipients counts once.
constexpr Duration kPassCountInterval = Duration::hours(1);

// std::erase_if for a flat table: its erase returns the slot that an element may have
// moved into. An element from the table's start may move back into its last slot and be
// seen twice, so `pred` must give the same answer on a second look.
template <class Map, class Pred>
void erase_matching(Map& map, Pred pred) {
  for (auto it = map.begin(); it != map.end();) it = pred(*it) ? map.erase(it) : std::next(it);
}

// Appends `text` with each `from` in it replaced by `to`, left to right, the replacements
// not searched again: what replacing in place (std::string::replace) gave, without moving
// the rest of the text at each replacement. (std::string's find looks for the first octet
// with memchr; std::string_view's compares at every position.)
void append_replaced(std::string& out, const std::string& text, std::string_view from,
                     std::string_view to) {
  std::size_t start = 0;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, start)) {
    out.append(text, start, at - start).append(to);
    start = at + from.size();
  }
  out.append(text, start);
}

}  // namespace

std::optional<GreylistConfig> greylist_preset(std::string_view name) {
  GreylistConfig c;  // its defaults are postgrey's
  c.enabled = true;
  c.preset = std::string(name);
  if (name == "postgrey") return c;
  if (name == "milter-greylist") {
    c.delay = Duration::seconds(1800);
    c.retry_window = Duration::days(5);     // greylisted entries time out after 5 d
    c.pass_lifetime = Duration::hours(24);  // autowhite 24 h
    c.whitelist_client_after = 0;
    c.prefix_bits = 32;  // the client's own address, unless "subnetmatch" says otherwise
    c.code = 451;
    c.enhanced = "4.7.1";
    c.text = "Greylisting in action, please come back later";
    return c;
  }
  return std::nullopt;
}

std::optional<smtp::Reply> Greylist::check(Time now, std::uint32_t client, std::string_view sender,
                                           std::string_view rcpt) {
  const std::uint32_t network = network_of(client, config_.prefix_bits);
  if (whitelisted(network, now)) return std::nullopt;
  const KeyView key{network, ascii_lower(sender, sender_lower_), ascii_lower(rcpt, rcpt_lower_)};
  auto it = triplets_.find(key);
  const bool fresh = it == triplets_.end();
  if (fresh) {
    it = triplets_.emplace(key, Triplet{}).first;
  }
  Triplet& t = it->second;
  if (fresh || expired(t, now)) t = Triplet{now, now, false};
  t.last_seen = now;
  const bool waiting = !t.passed && now - t.first_seen < config_.delay;
  if (!waiting) {
    t.passed = true;
    count_pass(network, now);
  }
  if (triplets_.size() >= sweep_at_) sweep(now);  // may drop others than t, never t
  if (!waiting) return std::nullopt;
  std::string unused;  // key.rcpt is lowered already: its domain is a view of it
  return reply_for(rcpt, domain_view(key.rcpt, unused));
}

// A passed triplet unseen for the pass lifetime is forgotten; one that has not passed
// starts over when retried after the retry window.
bool Greylist::expired(const Triplet& t, Time now) const {
  return t.passed ? now - t.last_seen > config_.pass_lifetime
                  : now - t.first_seen > config_.retry_window;
}

void Greylist::sweep(Time now) {
  std::erase_if(triplets_, [&](const auto& entry) { return expired(entry.second, now); });
  erase_matching(clients_, [&](const auto& entry) {
    return now - entry.second.last_counted > config_.pass_lifetime;
  });
  sweep_at_ = std::max<std::size_t>(1024, 2 * triplets_.size());
}

bool Greylist::whitelisted(std::uint32_t network, Time now) {
  if (config_.whitelist_client_after <= 0) return false;
  const auto it = clients_.find(network);
  if (it == clients_.end()) return false;
  if (now - it->second.last_counted > config_.pass_lifetime) {  // not seen for too long
    clients_.erase(it);
    return false;
  }
  if (it->second.passes < config_.whitelist_client_after) return false;
  count_pass(network, now);  // keeps an active client's entry alive, as postgrey does
  return true;
}

void Greylist::count_pass(std::uint32_t network, Time now) {
  if (config_.whitelist_client_after <= 0) return;
  Client& c = clients_[network];
  if (c.passes == 0 || now - c.last_counted >= kPassCountInterval) {
    ++c.passes;
    c.last_counted = now;
  }
}

smtp::Reply Greylist::reply_for(std::string_view rcpt, std::string_view domain) {
  with_rcpt_.clear();
  append_replaced(with_rcpt_, config_.text, "{rcpt}", rcpt);
  text_.clear();
  append_replaced(text_, with_rcpt_, "{domain}", domain);
  return smtp::make_reply(config_.code, config_.enhanced, text_);
}

}  // namespace mailsim::mta
