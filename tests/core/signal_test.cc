#include "mailsim/core/signal.h"

#include <string>
#include <vector>

#include "support/catch.h"

TEST_CASE("observers run in subscription order with the emitted values") {
  mailsim::Signal<int, const std::string&> signal;
  std::vector<std::string> seen;
  signal.connect([&](int n, const std::string& s) { seen.push_back("a" + std::to_string(n) + s); });
  signal.connect([&](int n, const std::string& s) { seen.push_back("b" + std::to_string(n) + s); });
  signal(7, "x");
  CHECK(seen == std::vector<std::string>{"a7x", "b7x"});
}

TEST_CASE("a disconnected observer is no longer called") {
  mailsim::Signal<int> signal;
  int a = 0;
  int b = 0;
  const auto id = signal.connect([&](int n) { a += n; });
  signal.connect([&](int n) { b += n; });
  signal(1);
  signal.disconnect(id);
  signal(10);
  CHECK(a == 1);
  CHECK(b == 11);
  CHECK_FALSE(signal.empty());
}

// An event can be large (an attempt carries its transcript): observers that take it by
// reference must not cost a copy each.
TEST_CASE("emitting to observers that take a reference copies nothing") {
  struct Counted {
    int* copies;
    explicit Counted(int* c) : copies(c) {}
    Counted(const Counted& other) : copies(other.copies) { ++*copies; }
    Counted& operator=(const Counted&) = default;
  };
  mailsim::Signal<Counted> signal;
  int copies = 0;
  int calls = 0;
  signal.connect([&](const Counted&) { ++calls; });
  signal.connect([&](const Counted&) { ++calls; });
  const Counted event(&copies);
  signal(event);
  CHECK(calls == 2);
  CHECK(copies == 0);
}
