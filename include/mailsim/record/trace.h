// One message's story, read from a results database: its recipients' fates, then each
// hop in time order with the time the message waited in that queue, every attempt and
// its reply, the gaps between retries, and each delivered copy with, at record level full,
// the SMTP dialogue and the copy's header block. Timestamps are simulated clock time.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace mailsim::record {

// `message` is the run's message number ("1") or a Message-ID, with or without <>.
// `run_id` picks the run of a database that holds several (0: the only one). Throws
// InputError when the database is missing or not ours, the run or the message is unknown,
// or the database holds several runs and `run_id` is 0. `notes` as for read_summary().
void print_trace(const std::string& db_path, const std::string& message, std::ostream& out,
                 std::int64_t run_id = 0, std::ostream* notes = nullptr);

}  // namespace mailsim::record
