#include "mailsim/smtp/command.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/catch.h"

namespace mailsim::smtp {
namespace {

TEST_CASE("a command line splits into an upper-case verb and a trimmed argument") {
  Command command = parse_command("mail FROM:<a@b.example>  ");
  CHECK(command.verb == "MAIL");
  CHECK(command.argument == "FROM:<a@b.example>");
  command = parse_command("  noop ");
  CHECK(command.verb == "NOOP");
  CHECK(command.argument.empty());
  CHECK(parse_command("").verb.empty());
}

TEST_CASE("a command line splits in place into the verb as sent and a trimmed argument") {
  const CommandView view = split_command(" \tmail FROM:<a@b.example>  SIZE=10 \t");
  CHECK(view.verb == "mail");
  CHECK(view.argument == "FROM:<a@b.example>  SIZE=10");
  CHECK(split_command("QUIT").argument.empty());
  CHECK(split_command("   ").verb.empty());
}

TEST_CASE("MAIL and RCPT paths are read leniently like Postfix") {
  struct Row {
    const char* argument;
    const char* address;
  };
  const Row rows[] = {
      {"FROM:<alice@a.example>", "alice@a.example"},
      {"from: <alice@a.example>", "alice@a.example"},
      {"FROM:alice@a.example", "alice@a.example"},
      {"FROM:<>", ""},
      {"FROM:<@relay.example,@hop.example:alice@a.example>", "alice@a.example"},
  };
  for (const Row& row : rows) {
    std::optional<PathView> path = split_path_argument(row.argument, "FROM");
    REQUIRE(path);
    CHECK(path->address == row.address);
    CHECK_FALSE(next_parameter(path->parameters));
  }
}

// The parameters of a path argument, read one by one.
std::vector<ParameterView> parameters_of(std::string_view argument, std::string_view prefix) {
  std::optional<PathView> path = split_path_argument(argument, prefix);
  REQUIRE(path);
  std::vector<ParameterView> parameters;
  while (const std::optional<ParameterView> p = next_parameter(path->parameters)) {
    parameters.push_back(*p);
  }
  return parameters;
}

TEST_CASE("ESMTP parameters after the path come back with their keywords as sent") {
  const std::vector<ParameterView> parameters =
      parameters_of("FROM:<a@b.example>  size=1000 BODY=8BITMIME\tSMTPUTF8 ", "FROM");
  REQUIRE(parameters.size() == 3);
  CHECK(parameters[0].keyword == "size");
  CHECK(parameters[0].value == "1000");
  CHECK(parameters[1].keyword == "BODY");
  CHECK(parameters[1].value == "8BITMIME");
  CHECK(parameters[2].keyword == "SMTPUTF8");
  CHECK(parameters[2].value.empty());
}

TEST_CASE("a parameter keeps its text as sent and says whether it had a value") {
  const std::vector<ParameterView> parameters =
      parameters_of("TO:<b@d.example> Notify=never X= Y", "TO");
  REQUIRE(parameters.size() == 3);
  CHECK(parameters[0].text == "Notify=never");
  CHECK(parameters[0].has_value());
  CHECK(parameters[1].value.empty());
  CHECK(parameters[1].has_value());
  CHECK_FALSE(parameters[2].has_value());
}

TEST_CASE("xtext decodes +XX to one octet and refuses what RFC 3461 4 does not allow") {
  struct Row {
    const char* xtext;
    std::optional<std::string> decoded;
  };
  const Row rows[] = {
      {"", ""},
      {"plain", "plain"},
      {"a+2Bb", "a+b"},
      {"+3D+2b", "=+"},  // lower-case hex, as Postfix takes it
      {"rfc822;a=b", "rfc822;a=b"},
      {"+00", std::string(1, '\0')},
      {"a+", std::nullopt},
      {"a+2", std::nullopt},
      {"a+G0", std::nullopt},
      {"a b", std::nullopt},
      {"caf\xc3\xa9", std::nullopt},
  };
  for (const Row& row : rows) {
    INFO(row.xtext);
    CHECK(xtext_decode(row.xtext) == row.decoded);
  }
}

TEST_CASE("a path argument that is not prefix, colon, path and parameters is refused") {
  const char* bad[] = {"FROM<a@b.example>", "FROM:",          "FROM:<a@b.example",
                       "TO:<a@b.example>",  "FROM:<a@b>junk", "FROM:<a b@c.example>",
                       "FROM:<a@b> =x",     "FROMAGE:<a@b>"};
  for (const char* argument : bad) {
    INFO(argument);
    CHECK_FALSE(split_path_argument(argument, "FROM"));
  }
}

}  // namespace
}  // namespace mailsim::smtp
