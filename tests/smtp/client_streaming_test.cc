// The message data leaves the client in bounded pieces, produced as they are taken, so a
// large synthetic message never sits whole in the output.
#include <memory>
#include <string>
#include <vector>

#include "mailsim/smtp/client_session.h"
#include "mailsim/smtp/transparency.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

constexpr std::int64_t kTenMegabytes = 10'000'000;

// A client that has sent its commands and has just been told 354 for `message`.
ClientSession at_data(SharedMessage message) {
  ClientSession client({.helo_name = "relay.example"}, {"a@s", {"b@d"}}, std::move(message));
  client.receive("220 mx\r\n250-mx\r\n250 SIZE\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  client.take_output();
  client.receive("354 go\r\n");
  return client;
}

TEST_CASE("a 10 MB message goes out in pieces of at most 64 KiB of message each") {
  const auto message =
      std::make_shared<const Message>("Subject: big\r\n", MessageBody::synthetic(kTenMegabytes, 7));
  ClientSession client = at_data(message);
  std::int64_t total = 0;
  std::size_t pieces = 0;
  std::size_t largest = 0;
  while (client.stage() == ClientStage::kSendingData) {
    const std::string piece = client.take_output();
    largest = std::max(largest, piece.size());
    total += std::ssize(piece);
    ++pieces;
  }
  CHECK(client.stage() == ClientStage::kDataBody);
  // Synthetic lines never start with "." and end in CRLF: the wire holds the message as
  // it is, then ".".
  CHECK(largest <= ClientSession::kDataChunk + 3);
  CHECK(total == message->size() + 3);
  CHECK(static_cast<std::int64_t>(pieces) ==
        (message->size() + ClientSession::kDataChunk - 1) / ClientSession::kDataChunk);
  CHECK(client.take_output().empty());
}

TEST_CASE("the pieces put together are the dot-stuffed message and the final dot") {
  const std::string text = "Subject: dots\r\n\r\n" + std::string(70'000, 'x') +
                           "\r\n.leading dot\r\n" + std::string(70'000, '.') + "\r\nend";
  ClientSession client = at_data(std::make_shared<const Message>(text));
  std::string wire;
  for (std::string piece; !(piece = client.take_output()).empty();) wire += piece;
  CHECK(wire.size() == dot_stuff(text).size() + 3);
  CHECK(wire == dot_stuff(text) + ".\r\n");
}

TEST_CASE("the transcript shows the data as one line, whatever the number of pieces") {
  ClientSession client = at_data(
      std::make_shared<const Message>("Subject: big\r\n", MessageBody::synthetic(300'000, 1)));
  while (!client.take_output().empty()) {
  }
  std::vector<TranscriptLine> transcript = client.take_transcript();
  REQUIRE(transcript.size() >= 2);
  CHECK(transcript[transcript.size() - 2] == TranscriptLine{'C', "(message data, 300016 bytes)"});
  CHECK(transcript.back() == TranscriptLine{'C', "."});
}

TEST_CASE("MAIL declares the size of a synthetic message without producing it") {
  const auto message =
      std::make_shared<const Message>("Subject: big\r\n", MessageBody::synthetic(kTenMegabytes, 3));
  ClientSession client({.helo_name = "relay.example"}, {"a@s", {"b@d"}}, message);
  client.receive("220 mx\r\n");
  client.take_output();
  client.receive("250-mx\r\n250 SIZE 52428800\r\n");
  CHECK(client.take_output() == "MAIL FROM:<a@s> SIZE=10000016\r\n");
}

TEST_CASE("queued copies of a message share it") {
  const auto message = std::make_shared<const Message>("Subject: shared\r\n",
                                                       MessageBody::synthetic(kTenMegabytes, 5));
  ClientSession client({.helo_name = "relay.example"});
  client.add_message({"a@s", {"b@d"}}, message);
  client.add_message({"a@s", {"c@d"}}, message);
  CHECK(message.use_count() == 3);
}

}  // namespace
}  // namespace mailsim::smtp
