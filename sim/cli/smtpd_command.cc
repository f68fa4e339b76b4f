// mailsim smtpd: the server session on a real socket, delivering to a Maildir.
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/options.h"
#include "mailsim/core/error.h"
#include "mailsim/core/units.h"
#include "mailsim/realnet/smtpd.h"

namespace mailsim::cli {
namespace {

constexpr const char* kUsage =
    "--listen HOST:PORT [--hostname H] [--local-domains D,...] [--maildir DIR]\n"
    "       [--auth USER:PASS ...] [--submission] [limits]";

[[noreturn]] void bad(const std::string& problem, const std::string& hint, const char* key) {
  throw InputError(problem, hint, {"command line", 0, 0, key});
}

// Accepts any of the given USER:PASS pairs.
std::function<bool(const smtp::Credentials&)> password_check(
    const std::vector<std::string>& pairs) {
  if (pairs.empty()) return {};
  std::map<std::string, std::string> passwords;
  for (const std::string& pair : pairs) {
    smtp::Credentials user = parse_credentials(pair, "--auth");
    passwords[user.user] = user.password;
  }
  return [passwords](const smtp::Credentials& given) {
    const auto found = passwords.find(given.user);
    return found != passwords.end() && found->second == given.password;
  };
}

}  // namespace

int smtpd_command(const Args& args) {
  po::options_description options("options");
  std::string listen, hostname, maildir, size_text, idle_text;
  std::vector<std::string> domains, users;
  int max_sessions = 0;
  options.add_options()("listen", po::value(&listen)->required(),
                        "HOST:PORT to accept connections on; port 0 takes a free port, printed "
                        "as \"listening on HOST:PORT\"")(
      "hostname", po::value(&hostname),
      "the name in the greeting and Received: (default: this machine's name)")(
      "local-domains", po::value(&domains)->composing(),
      "D,... domains whose mail is accepted, any user (default: the hostname and localhost); "
      "all else is refused as relaying (554 5.7.1)")(
      "maildir", po::value(&maildir)->default_value("Maildir"),
      "where accepted mail goes: one file per message in DIR/new, LF line ends, "
      "Return-Path: and Received: on top")(
      "auth", po::value(&users)->composing(),
      "USER:PASS: offer AUTH PLAIN and LOGIN and accept this user (may be repeated)")(
      "submission", "require AUTH before MAIL (530 5.7.0), as a submission port does")(
      "max-sessions", po::value(&max_sessions)->default_value(100),
      "concurrent sessions; one more is answered 421 4.7.0 and closed")(
      "max-message-size", po::value(&size_text)->default_value("10240000"),
      "octets (or 10MB, 25KiB...): the SIZE advertised and enforced (552 5.3.4); it also "
      "bounds what a session holds in memory, so it must be positive")(
      "idle-timeout", po::value(&idle_text)->default_value("300s"),
      "a client silent this long gets 421 4.4.2 and is disconnected");
  po::variables_map vm;
  if (!parse_options("smtpd", kUsage, args, options, {}, vm)) return 0;

  realnet::SmtpdOptions o;
  o.listen = realnet::parse_endpoint(listen, "--listen");
  o.session.hostname = hostname.empty() ? realnet::local_hostname() : hostname;
  o.session.max_message_size = parse_octets(size_text, "--max-message-size");
  if (o.session.max_message_size < 1) {  // a real socket's client must not exhaust memory
    bad("--max-message-size must be positive", "give a limit such as 10240000 or 50MB",
        "--max-message-size");
  }
  o.session.authenticate = password_check(users);
  o.session.require_auth = vm.count("submission") != 0;
  if (o.session.require_auth && users.empty()) {
    bad("--submission needs at least one --auth USER:PASS", "add --auth USER:PASS", "--submission");
  }
  o.local_domains = split_list(domains);
  if (o.local_domains.empty()) o.local_domains = {o.session.hostname, "localhost"};
  o.maildir = maildir;
  if (max_sessions < 1) bad("--max-sessions must be at least 1", "", "--max-sessions");
  o.max_sessions = max_sessions;
  try {
    o.idle_timeout = parse_duration(idle_text);
  } catch (const InputError& e) {
    throw e.at({"command line", 0, 0, "--idle-timeout"});
  }
  if (o.idle_timeout <= Duration{}) bad("--idle-timeout must be positive", "", "--idle-timeout");
  return realnet::run_smtpd(o, std::cout, std::cerr);
}

}  // namespace mailsim::cli
