#include "mailsim/realnet/maildir.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "support/catch.h"
#include "temp_dir.h"

using mailsim::realnet::Maildir;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::size_t count_files(const std::filesystem::path& folder) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a new Maildir gets its tmp, new and cur folders") {
  const TempDir dir;
  const Maildir maildir(dir.path() / "deep" / "Maildir", "mx.test");
  for (const char* sub : {"tmp", "new", "cur"}) {
    CHECK(std::filesystem::is_directory(dir.path() / "deep" / "Maildir" / sub));
  }
}

TEST_CASE("a delivery lands in new/ byte for byte, and nothing stays in tmp/") {
  const TempDir dir;
  Maildir maildir(dir.path(), "mx.test");
  const std::string id = maildir.next_id();
  const std::filesystem::path file = maildir.deliver(id, "Subject: x\n\nbody\r\n.\n");
  CHECK(file == dir.path() / "new" / (id + ".mx.test"));
  CHECK(read_file(file) == "Subject: x\n\nbody\r\n.\n");
  CHECK(count_files(dir.path() / "tmp") == 0);
}

TEST_CASE("delivery IDs never repeat") {
  const TempDir dir;
  Maildir maildir(dir.path(), "mx.test");
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(maildir.next_id());
  CHECK(ids.size() == 1000);
}

TEST_CASE("the host part of a Maildir file name escapes slash and colon") {
  const TempDir dir;
  Maildir maildir(dir.path(), "odd/host:name");
  const std::string id = maildir.next_id();
  CHECK(maildir.deliver(id, "x").filename() == id + ".odd\\057host\\072name");
}

TEST_CASE("a delivery that cannot be written throws and leaves nothing in new/") {
  const TempDir dir;
  Maildir maildir(dir.path(), "mx.test");
  std::filesystem::remove(dir.path() / "tmp");
  CHECK_THROWS_AS(maildir.deliver(maildir.next_id(), "x"), std::system_error);
  CHECK(count_files(dir.path() / "new") == 0);
}
