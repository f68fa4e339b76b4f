// Payloads: real bytes and virtual spans in order, counted and generated on demand.
#include "mailsim/core/payload.h"

#include <string>
#include <vector>

#include "support/catch.h"

namespace mailsim {
namespace {

// Content whose octet i is the letter 'a' + (key + i) % 26.
void letters(std::string& out, std::uint64_t key, std::int64_t /*size*/, std::int64_t offset,
             std::int64_t length) {
  for (std::int64_t i = offset; i < offset + length; ++i) {
    out += static_cast<char>('a' + static_cast<int>((key + static_cast<std::uint64_t>(i)) % 26));
  }
}

const VirtualContent kLetters{&letters, 0, 100};

// The parts as for_each gives them: "R:bytes" or "V:offset+length".
std::vector<std::string> parts(const Payload& p) {
  std::vector<std::string> out;
  p.for_each([&](std::string_view bytes) { out.push_back("R:" + std::string(bytes)); },
             [&](const VirtualSpan& s) {
               out.push_back("V:" + std::to_string(s.offset) + "+" + std::to_string(s.length));
             });
  return out;
}

}  // namespace

TEST_CASE("a payload counts real and virtual octets and generates them in order") {
  Payload p(std::string("HEAD\r\n"));
  p.append(VirtualSpan{kLetters, 3, 5});  // "defgh"
  p.append(".\r\n");
  CHECK(p.size() == 6 + 5 + 3);
  CHECK(p.has_virtual());
  CHECK(p.materialise() == "HEAD\r\ndefgh.\r\n");
  CHECK(parts(p) == std::vector<std::string>{"R:HEAD\r\n", "V:3+5", "R:.\r\n"});
}

TEST_CASE("a span that continues the last one lengthens it; a gap or bytes between do not") {
  Payload p;
  p.append(VirtualSpan{kLetters, 0, 4});
  p.append(VirtualSpan{kLetters, 4, 6});   // continues: one span 0+10
  p.append(VirtualSpan{kLetters, 20, 2});  // a gap
  p.append("x");
  p.append(VirtualSpan{kLetters, 22, 1});                          // bytes between
  p.append(VirtualSpan{VirtualContent{&letters, 1, 100}, 23, 1});  // other content
  p.append(VirtualSpan{kLetters, 24, 0});                          // empty: dropped
  CHECK(parts(p) == std::vector<std::string>{"V:0+10", "V:20+2", "R:x", "V:22+1", "V:23+1"});
  CHECK(p.size() == 10 + 2 + 1 + 1 + 1);
  CHECK(p.materialise() == "abcdefghijuvxwy");
}

TEST_CASE("appending a payload keeps its parts in order and joins a continuing span") {
  Payload a(std::string("A"));
  a.append(VirtualSpan{kLetters, 0, 2});
  Payload b;
  b.append(VirtualSpan{kLetters, 2, 2});
  b.append("B");
  a.append(std::move(b));
  CHECK(parts(a) == std::vector<std::string>{"R:A", "V:0+4", "R:B"});
  CHECK(a.materialise() == "AabcdB");
  Payload empty;
  CHECK(empty.empty());
  CHECK(std::move(empty).materialise().empty());
}

TEST_CASE("a fitted payload takes every part, and the one taken from is empty and reusable") {
  Payload p(std::string("HEAD\r\n"));
  p.append(VirtualSpan{kLetters, 3, 5});
  p.append(".\r\n");
  const std::vector<std::string> before = parts(p);
  const std::int64_t size = p.size();
  const Payload taken = p.take_fitted();
  CHECK(parts(taken) == before);
  CHECK(taken.size() == size);
  CHECK(p.empty());
  CHECK(!p.has_virtual());
  p.append("QUIT\r\n");
  CHECK(parts(p) == std::vector<std::string>{"R:QUIT\r\n"});
  CHECK(p.take_fitted().materialise() == "QUIT\r\n");
}

}  // namespace mailsim
