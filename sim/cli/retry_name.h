// The name under which a run's results file an MTA's retry law (node.retry_policy), so
// that reports can group by it.
#pragma once

#include <string>

#include "mailsim/mta/retry.h"

namespace mailsim::cli {

// A preset's name ("postfix", "exim", "sendmail", "qmail", "opensmtpd"), kept when the
// scenario changes its parameters; "rfc5321" for that preset's law as it is; for any
// other custom law the kind of its gaps: "fixed", "exponential" or "list".
std::string retry_policy_name(const mta::RetryConfig& law);

}  // namespace mailsim::cli
