#include "mailsim/realnet/maildir.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <utility>

#include "mailsim/core/error.h"

namespace mailsim::realnet {
namespace {

// The Maildir format reserves "/" and ":" in file names (":" starts the flags).
std::string escape_host(std::string_view hostname) {
  std::string out;
  for (const char c : hostname) {
    if (c == '/') {
      out += "\\057";
    } else if (c == ':') {
      out += "\\072";
    } else {
      out += c;
    }
  }
  return out;
}

// Reads errno before anything else can change it.
[[noreturn]] void throw_errno(const char* call, const std::string& path) {
  const int error = errno;
  throw std::system_error(error, std::generic_category(), std::string(call) + " " + path);
}

void write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) throw_errno("write", path);
    content.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

Maildir::Maildir(std::filesystem::path root, std::string_view hostname)
    : root_(std::move(root)), host_part_(escape_host(hostname)) {
  for (const char* sub : {"tmp", "new", "cur"}) {
    std::error_code error;
    std::filesystem::create_directories(root_ / sub, error);
    if (error) {
      throw InputError(
          "cannot create the Maildir folder " + (root_ / sub).string() + ": " + error.message(),
          "give a folder this user may write with --maildir", {"command line", 0, 0, "--maildir"});
    }
  }
}

std::string Maildir::next_id() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  return std::to_string(micros / 1'000'000) + ".M" + std::to_string(micros % 1'000'000) + "P" +
         std::to_string(::getpid()) + "Q" + std::to_string(++deliveries_);
}

std::filesystem::path Maildir::deliver(const std::string& id, std::string_view content) const {
  const std::string name = id + "." + host_part_;
  const std::string tmp = (root_ / "tmp" / name).string();
  std::filesystem::path final_path = root_ / "new" / name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw_errno("create", tmp);
  try {
    write_all(fd, content, tmp);
    if (::fsync(fd) != 0) throw_errno("fsync", tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  const auto give_up = [&tmp](const char* call) {
    const int error = errno;
    ::unlink(tmp.c_str());
    errno = error;
    throw_errno(call, tmp);
  };
  if (::close(fd) != 0) give_up("close");
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) give_up("rename");
  return final_path;
}

}  // namespace mailsim::realnet
