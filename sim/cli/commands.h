// The mailsim verbs. Each takes the arguments after the verb, writes to stdout/stderr and
// returns the exit status; bad input throws InputError, which main() turns into status 2.
#pragma once

#include <string>
#include <vector>

namespace mailsim::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);
int validate_command(const Args& args);
int report_command(const Args& args);
int trace_command(const Args& args);
int check_command(const Args& args);
int sweep_command(const Args& args);
int graph_command(const Args& args);
int generate_command(const Args& args);
int bench_command(const Args& args);
int smtpd_command(const Args& args);
int send_command(const Args& args);

}  // namespace mailsim::cli
