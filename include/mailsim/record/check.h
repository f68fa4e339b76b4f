// The invariants every results database must hold, checked by `mailsim check`: each
// recipient of each user message in exactly one final state, consistent times and
// latencies, attempts that refer to existing messages, nodes and recipients, nothing
// before a message's creation or after the run's end.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace mailsim::record {

struct Violation {
  std::string rule;               // what should hold, as a sentence
  std::int64_t count = 0;         // offending rows
  std::vector<std::string> rows;  // the first few of them, described ("run 3: ..." when
                                  // the database holds several runs)
};

// Reads the database at `path`, every run in it. Throws InputError when it is not a mailsim results
// database. An empty result means every invariant holds. `notes` as for read_summary().
std::vector<Violation> check_results(const std::string& path, std::ostream* notes = nullptr);

// One block per violation: the rule, the count, and its rows indented.
void print_violations(std::ostream& out, const std::vector<Violation>& violations);

}  // namespace mailsim::record
