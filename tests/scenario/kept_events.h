// Owning copies of the events that view their text (mta/events.h), for tests that keep
// what a run told them and look at it afterwards.
#pragma once

#include <string>

#include "mailsim/mta/events.h"

struct KeptQueued {
  KeptQueued(const mailsim::mta::MessageQueued& e)  // NOLINT: converts as the event's copy did
      : msg(e.msg), node(e.node), queue_id(e.queue_id), from_node(e.from_node), at(e.at) {}

  mailsim::mta::MessageNumber msg = 0;
  std::string node;
  std::string queue_id;
  std::string from_node;
  mailsim::Time at;
};

struct KeptFinal {
  KeptFinal(const mailsim::mta::RecipientFinal& e)  // NOLINT: converts as the event's copy did
      : msg(e.msg),
        rcpt(e.rcpt),
        status(e.status),
        node(e.node),
        at(e.at),
        code(e.code),
        reply(e.reply),
        headers(e.headers) {}

  mailsim::mta::MessageNumber msg = 0;
  std::string rcpt;
  mailsim::mta::FinalStatus status = mailsim::mta::FinalStatus::kDelivered;
  std::string node;
  mailsim::Time at;
  int code = 0;
  std::string reply;
  std::string headers;
};
