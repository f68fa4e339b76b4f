// Opening a results database for the report verbs: read-only, and only if it is ours.
#pragma once

#include <string>

#include "record/sqlite.h"

namespace mailsim::record {

// Throws InputError "not a mailsim results database" when `path` is missing, is not an
// SQLite file, or has no run table.
sql::Database open_results(const std::string& path);

// Milliseconds-rounded duration text ("2h0m31.87s" style), stable across platforms.
std::string format_seconds(double seconds);

}  // namespace mailsim::record
