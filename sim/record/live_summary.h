// The summary's tallies (summary_tallies.h) made on the writer thread from the rows it
// writes, so that `mailsim run` prints its summary without reading the results back (3.6-3.9
// s after isp-scale's simulation at `attempts`, round 15). It keeps each message's
// attempts, hops and deliveries while the message is in flight, and tallies them with its
// recipient rows when the writer makes those (the message finished, or the run ended),
// by the functions that tally the same rows read from the file. The figures are the ones
// the file then holds, at every record level: a row that the level leaves out never
// reaches the writer. REQUIRES, as the recorder does: no row of a message after its
// recipient rows (MessageFinished is a message's last event; RecipientTally enforces it for
// its steps), and the node rows before any message's recipient rows (record_layout adds
// them first), since a recipient's retry policy is its node's when the message finishes.
// Private to the record layer.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "mailsim/core/flat_hash.h"
#include "record/rows.h"
#include "record/summary_tallies.h"

namespace mailsim::record {

class LiveSummary {
 public:
  // A batch's rows other than the recipients', before the recipient rows it makes.
  void add_rows(const Batch& batch);
  // Message `msg` has its recipient rows (none for a message without recipients): nothing
  // more will happen to it.
  void finish_message(mta::MessageNumber msg, std::span<const RecipientRow> recipients);
  // At the run's end, after the last finish_message(): any message left that had rows.
  void finish_all();
  // The tallies, after finish_all(); the object is spent.
  SummaryTallies take();

 private:
  struct Message {
    bool user = false;                  // a message row of kind user came
    FiguresBuilder* by_kind = nullptr;  // its client kind's, when it has one
    std::vector<Carrier> carriers;      // one per attempt's recipient, user mail only
    std::vector<Arrival> arrivals;      // its hops
    std::vector<Delivery> delivered;    // its deliveries
  };

  void add_attempts(const Batch& batch);
  void tally(Message& m, std::span<const RecipientRow> recipients);

  NodeTable nodes_;
  // In flight: a message's entry lives from its first row to its recipient rows.
  FlatMap<mta::MessageNumber, Message> messages_;
  RecipientTallies recipients_;
  std::map<std::string, std::int64_t> peaks_;  // by node name
};

}  // namespace mailsim::record
