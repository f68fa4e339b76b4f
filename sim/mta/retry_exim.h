// Exim's retry law (reference §1, Exim rows), kept apart from the other laws because it
// has a rule language and keyed records of its own. Private to the mta layer.
#pragma once

#include <cstdint>

#include "mailsim/mta/retry.h"

namespace mailsim::mta {

// retry.c retry_update() for one retry key: picks the first rule whose cutoff is at least
// the failing interval (counted from the key's first failure, or the message's age if
// longer for a message or address key), and times the recipient out past the last cutoff
// or when the message is older than it. The due time is also no later than the first
// instant the message is older than the last cutoff: retry_check_address() then allows one
// attempt before the retry time (the "ultimate address timeout").
RetryVerdict exim_after_failure(const EximRetry& law, RetryRecord& record, const FailedAttempt& f,
                                RandomStream& rng);

// d * permille / 1000 in whole nanoseconds; Duration::max() when that would overflow.
Duration scale_duration(Duration d, std::int64_t permille);

}  // namespace mailsim::mta
