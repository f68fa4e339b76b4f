// The in-memory account of every recipient of every message, kept on the simulation
// thread from the events: attempts summed over all hops, the last reply, the final state.
// At the end of a run it becomes the recipient table.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mailsim/mta/events.h"
#include "record/rows.h"

namespace mailsim::record {

class RecipientTally {
 public:
  void on_created(const mta::MessageCreated& e);
  void on_attempt(const mta::AttemptFinished& e);
  void on_final(const mta::RecipientFinal& e);

  // Hands each recipient's row to `sink` and forgets it: in message number order, each
  // message's recipients in the order they were created; a recipient that never reached a
  // final state is 'queued'. The tally is empty afterwards, its memory freed message by
  // message, so that the rows and the tally are never both whole in memory.
  void take_rows(const std::function<void(RecipientRow&&)>& sink);

 private:
  struct Recipient {
    std::string rcpt;
    std::optional<mta::FinalStatus> status{};
    std::string final_node{};
    Time final_at{};
    std::int64_t attempts = 0;
    int last_code = 0;
    std::string last_reply{};
  };
  struct Message {
    std::optional<Time> created;
    std::vector<Recipient> recipients;
    std::unordered_map<std::string, std::size_t> index;  // rcpt -> position, for big lists only
  };

  Recipient& find_or_add(mta::MessageNumber msg, const std::string& rcpt);

  std::map<mta::MessageNumber, Message> messages_;
};

// "2.0.0 Ok" from an enhanced code and a text that may or may not already start with it.
std::string reply_with_enhanced(const std::string& enhanced, const std::string& text);

}  // namespace mailsim::record
