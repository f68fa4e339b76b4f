// A query's rows taken message by message: for readers that walk several tables in
// msg_id order side by side, the way a merge join does, instead of looking up each
// message's rows in the others. Private to the record layer.
#pragma once

#include <cstdint>
#include <utility>

#include "record/sqlite.h"

namespace mailsim::record {

class ByMessage {
 public:
  // REQUIRES: `rows` returns msg_id as its column 0, in ascending msg_id order.
  explicit ByMessage(sql::Statement rows) : rows_(std::move(rows)) { more_ = rows_.step(); }

  // Calls each(row) for every row of message `msg`, skipping the rows of messages below
  // it that were not asked for. REQUIRES: `msg` above the previous call's.
  template <class F>
  void each(std::int64_t msg, F each) {
    while (more_ && rows_.column_int(0) < msg) more_ = rows_.step();
    while (more_ && rows_.column_int(0) == msg) {
      each(static_cast<const sql::Statement&>(rows_));
      more_ = rows_.step();
    }
  }

  // The msg_id of the next row not yet taken; false when there is none.
  bool next(std::int64_t& msg) const {
    if (more_) msg = rows_.column_int(0);
    return more_;
  }

 private:
  sql::Statement rows_;
  bool more_ = false;
};

}  // namespace mailsim::record
