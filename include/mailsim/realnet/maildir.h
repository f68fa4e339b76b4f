// A Maildir (the qmail and Dovecot format): one file per message, written under tmp/ and
// renamed into new/ once complete, so that a reader never sees half a message. Files are
// named "ID.HOST" with ID = "SECONDS.M<micros>P<pid>Q<n>", unique across processes and
// deliveries. Not thread-safe: one writer per object.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mailsim::realnet {

class Maildir {
 public:
  // Creates `root` with its tmp/, new/ and cur/ folders when they are missing; throws
  // InputError when it cannot.
  Maildir(std::filesystem::path root, std::string_view hostname);

  // The ID of the next delivery, never returned before by any process on this host.
  std::string next_id();
  // Writes `content` to tmp/ID.HOST, syncs it and renames it to new/ID.HOST, which it
  // returns. Throws std::system_error on failure, leaving nothing in new/.
  std::filesystem::path deliver(const std::string& id, std::string_view content) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  std::string host_part_;  // the host name with "/" and ":" escaped as the format asks
  std::uint64_t deliveries_ = 0;
};

}  // namespace mailsim::realnet
