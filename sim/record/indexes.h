// The readers' way into a results database whose indexes may be missing. The recorder
// makes the keys and the indexes whose rows arrive in key order with the database
// (schema.sql, from "-- @indexes" on) and the others when a run ends (from
// "-- @late-indexes" on); a run killed with -9 or that crashed lacks those (a file of an
// older build, none at all), and reading a large one without them takes minutes. Private
// to the record layer.
#pragma once

#include <ostream>
#include <stdexcept>
#include <string>

#include "mailsim/core/error.h"
#include "record/results_db.h"
#include "record/sqlite.h"

namespace mailsim::record {

// Opens the results database at `path` as open_results() does (read-only, only if ours),
// with every index of schema.sql. When some are missing:
// - if this process may write the file and no other connection has it open, creates them
//   in the file (CREATE INDEX IF NOT EXISTS, one transaction), once for all later readers;
// - if another connection has it open (its run still being written, or a program reading
//   it), leaves the file alone and reads it as it is, which may be slow;
// - if the file may not be written, reads an indexed temporary copy of it.
// Each case writes one line to `notes`, when given. Throws as open_results() does.
sql::Database open_indexed(const std::string& path, std::ostream* notes);

// read_results() over open_indexed().
template <class F>
auto read_indexed(const std::string& path, std::ostream* notes, F read) {
  try {
    return read(open_indexed(path, notes));
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    not_ours(path, e.what());
  }
}

}  // namespace mailsim::record
