// The in-memory account of the recipients of the messages in flight, kept on the writer
// thread from the steps the recorder logs on the simulation thread (TallyStep): attempts
// summed over all hops, the last reply, the final state. A finished message's recipients
// are taken at once (its kFinished step), the others at the end of the run (take_rows),
// so that the tally holds only what is in flight; their rows of the recipient table are
// made from what is taken (recipient_row). Each row's rowid puts the table in message
// number order, each message's recipients in the order they were first named, whenever it
// is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/flat_hash.h"
#include "record/rows.h"

namespace mailsim::record {

class RecipientTally {
 public:
  // Applies one step. A kFinished step appends its message to `taken` and forgets it; a
  // step about the message afterwards is a programming error (std::logic_error).
  void apply(const TallyStep& step, std::vector<TalliedMessage>& taken);
  // take_message() for every message left, in message number order, handing each to
  // `sink`. The tally is empty afterwards.
  void take_rows(const std::function<void(TalliedMessage&&)>& sink);

  // Messages held (created and not taken).
  std::size_t messages() const { return messages_.size(); }

 private:
  using Recipient = RecipientTotals;
  // Small, as it sits in the flat table of messages: the index of a big list is behind a
  // pointer.
  struct Message {
    std::optional<Time> created;
    std::vector<Recipient> recipients;
    // rcpt -> position, for big lists only (null for small ones)
    std::unique_ptr<TextMap<std::size_t>> index;
  };

  // The message's entry (made if new); `rcpt` only names the event in the error thrown
  // for a message already taken.
  Message& message_for(mta::MessageNumber msg, std::string_view rcpt);
  Recipient& find_or_add(Message& m, std::string_view rcpt);
  void on_attempt(const TallyStep& step);
  void on_final(const TallyStep& step);
  void take_message(mta::MessageNumber msg, std::vector<TalliedMessage>& taken);

  // Flat: one probe per event rather than a bucket, then a node. No Message& is held
  // across an insert or erase, and take_rows sorts what it iterates.
  FlatMap<mta::MessageNumber, Message> messages_;
  std::vector<bool> taken_;  // by message number: its rows were handed over (one bit each)
};

// The rowid of the `index`th recipient (from 0) of message `msg`: rowids grow with the
// message number, then with the index, and leave room for kRecipientsPerMessage
// recipients a message. Throws std::length_error past that.
inline constexpr std::int64_t kRecipientsPerMessage = std::int64_t{1} << 24;
std::int64_t recipient_rowid(mta::MessageNumber msg, std::size_t index);

// The row of the `index`th recipient of `m`, viewing its text. A recipient that never
// reached a final state is 'queued'.
RecipientRow recipient_row(const TalliedMessage& m, std::size_t index);

// recipient_rowid()'s limit: throws std::length_error if a message with `recipients`
// recipients cannot take one more. The tally checks it as it adds a recipient (on the
// writer thread); the recorder checks the recipients named at creation on the simulation
// thread, so that the run stops at the message that breaks it, not batches later.
void check_room(std::size_t recipients);

// "2.0.0 Ok" from an enhanced code and a text that may or may not already start with it.
std::string reply_with_enhanced(std::string_view enhanced, std::string_view text);
// The same, assigned to `reply`, whose memory it reuses.
void assign_reply_with_enhanced(std::string& reply, std::string_view enhanced,
                                std::string_view text);

}  // namespace mailsim::record
