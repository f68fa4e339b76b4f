// Where generated traffic's draws are cut.
#pragma once

#include <cstdint>

namespace mailsim::workload {

// Size draws are cut here (the loader refuses larger fixed sizes).
inline constexpr std::int64_t kMaxMessageSize = std::int64_t{1} << 30;
// And recipient counts here (a lognormal's tail could ask for billions).
inline constexpr std::int64_t kMaxRecipients = 100'000;

}  // namespace mailsim::workload
