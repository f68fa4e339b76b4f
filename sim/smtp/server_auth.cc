// AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms: the server side of
// ServerSession, with Postfix's replies (smtpd_sasl_proto.c, smtpd_sasl_glue.c). A
// response that is not base64 gets 501 5.5.2 as RFC 4954 4 asks, where Postfix sends 535.
#include <algorithm>
#include <cassert>
#include <utility>

#include "mailsim/smtp/server_session.h"
#include "smtp/text.h"

namespace mailsim::smtp {
namespace {

constexpr std::string_view kUserChallenge = "VXNlcm5hbWU6";      // "Username:"
constexpr std::string_view kPasswordChallenge = "UGFzc3dvcmQ6";  // "Password:"

// "=" stands for an empty initial response (RFC 4954 4).
std::string_view initial_base64(std::string_view text) { return text == "=" ? "" : text; }

}  // namespace

void ServerSession::auth(std::string_view argument) {
  if (info_.helo_name.empty()) return send(503, "5.5.1", "Error: send HELO/EHLO first");
  if (!auth_offered()) return send(503, "5.5.1", "Error: authentication not enabled");
  if (in_transaction_) return send(503, "5.5.1", "Error: MAIL transaction in progress");
  if (!info_.authenticated_user.empty()) return send(503, "5.5.1", "Error: already authenticated");
  const std::size_t space = std::min(argument.find_first_of(" \t"), argument.size());
  const std::string_view mechanism = argument.substr(0, space);
  const std::string_view rest = trim(argument.substr(space));
  if (mechanism.empty() || rest.find_first_of(" \t") != std::string_view::npos) {
    return send(501, "5.5.4", "Syntax: AUTH mechanism");
  }
  const std::optional<std::string_view> initial =
      rest.empty() ? std::nullopt : std::optional<std::string_view>(rest);
  if (equals_ignoring_case(mechanism, "PLAIN")) return auth_plain(initial);
  if (equals_ignoring_case(mechanism, "LOGIN")) return auth_login(initial);
  send(535, "5.7.8", "Error: authentication failed: Invalid authentication mechanism");
}

void ServerSession::auth_plain(std::optional<std::string_view> initial_response) {
  if (!initial_response) {
    auth_step_ = AuthStep::kPlainResponse;
    return send_challenge("");
  }
  const std::string_view response = initial_base64(*initial_response);
  if (!base64_decode(response))
    return send(501, "5.5.2", "Invalid base64 data in initial response");
  check_credentials(parse_plain_response(response));
}

void ServerSession::auth_login(std::optional<std::string_view> initial_response) {
  if (!initial_response) {
    auth_step_ = AuthStep::kLoginUser;
    return send_challenge(kUserChallenge);
  }
  std::optional<std::string> user = base64_decode(initial_base64(*initial_response));
  if (!user) return send(501, "5.5.2", "Invalid base64 data in initial response");
  login_user_ = std::move(*user);
  auth_step_ = AuthStep::kLoginPassword;
  send_challenge(kPasswordChallenge);
}

void ServerSession::process_auth_response(const LineView& line) {
  const AuthStep step = std::exchange(auth_step_, AuthStep::kNone);
  std::string user = std::exchange(login_user_, {});
  if (line.too_long) return send(500, "5.5.6", "SASL response limit exceeded");
  if (line.text == "*") return send(501, "5.7.0", "Authentication aborted");
  std::optional<std::string> response = base64_decode(line.text);
  if (!response) return send(501, "5.5.2", "Invalid base64 data in continued response");
  switch (step) {
    case AuthStep::kPlainResponse:
      return check_credentials(parse_plain_response(line.text));
    case AuthStep::kLoginUser:
      login_user_ = std::move(*response);
      auth_step_ = AuthStep::kLoginPassword;
      return send_challenge(kPasswordChallenge);
    case AuthStep::kLoginPassword:
      return check_credentials(Credentials{std::move(user), std::move(*response)});
    case AuthStep::kNone:
      break;
  }
  assert(false && "an AUTH response outside an AUTH exchange");
}

// The "authentication failure" detail is what Postfix relays from Cyrus SASL.
void ServerSession::check_credentials(const std::optional<Credentials>& credentials) {
  if (!credentials || credentials->user.empty() || !config_.authenticate(*credentials)) {
    return send(535, "5.7.8", "Error: authentication failed: authentication failure");
  }
  info_.authenticated_user = credentials->user;
  send(235, "2.7.0", "Authentication successful");
}

void ServerSession::send_challenge(std::string_view base64_text) {
  output_ += "334 ";
  output_ += base64_text;
  output_ += "\r\n";
}

}  // namespace mailsim::smtp
