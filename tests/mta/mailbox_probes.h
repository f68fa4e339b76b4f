// Checking a MailboxSet against the names it stands for: it must answer as the set of
// those names would, for each name, its near misses and a test's own edge cases.
#pragma once

#include <initializer_list>
#include <set>
#include <string>

#include "mailsim/mta/mailbox_set.h"
#include "support/catch.h"

// Each name, and near misses: a digit, a sign or a brace put in at each place, a
// character dropped.
inline std::set<std::string> probes_near(const std::set<std::string>& names) {
  std::set<std::string> out(names);
  for (const std::string& name : names) {
    for (std::size_t at = 0; at <= name.size(); ++at) {
      for (const char* c : {"0", "1", "9", "-", "+", "{", "}"})
        out.insert(name.substr(0, at) + c + name.substr(at));
      if (at < name.size()) out.insert(name.substr(0, at) + name.substr(at + 1));
    }
  }
  return out;
}

inline void check_answers_as(const mailsim::mta::MailboxSet& set,
                             const std::set<std::string>& names,
                             std::initializer_list<const char*> edges) {
  std::set<std::string> probes = probes_near(names);
  probes.insert(edges.begin(), edges.end());
  for (const std::string& probe : probes) {
    INFO(probe);
    CHECK(set.contains(probe) == names.contains(probe));
  }
}
