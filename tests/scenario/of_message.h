// One message's share of what a test recorded from a run: bounces and warnings are
// messages of their own, so a test about the original picks its events by number.
#pragma once

#include <vector>

#include "mailsim/mta/events.h"

template <class Event>
std::vector<Event> of_message(const std::vector<Event>& events, mailsim::mta::MessageNumber msg) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.msg == msg) out.push_back(e);
  }
  return out;
}
