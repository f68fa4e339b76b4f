// What `mailsim run` and `mailsim sweep` both record about a run before it starts: the
// scenario file's digest for the run row, and the node and link tables.
#pragma once

#include <string>

#include "mailsim/record/recorder.h"
#include "mailsim/scenario/config.h"

namespace mailsim::cli {

// The SHA-256 of the file's bytes, as lowercase hex.
std::string sha256_of_file(const std::string& path);

// The node table (every host, then each MTA named otherwise than its host; the retry law
// of an MTA goes on the node of its name) and the link table.
void record_layout(const scenario::ScenarioConfig& config, record::Recorder& recorder);

}  // namespace mailsim::cli
