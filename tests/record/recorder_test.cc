#include "mailsim/record/recorder.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "mailsim/core/error.h"
#include "mailsim/net/network.h"
#include "record/rows.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::at_seconds;
using test::query_double;
using test::query_int;
using test::query_text;

const RunInfo& kInfo = test::kSampleInfo;

void record_sample(const std::string& path, RecordLevel level) {
  test::record_sample_run(path, level);
}

TEST_CASE("a finished run is marked completed with its end time") {
  test::TempDb db;
  record_sample(db.path(), RecordLevel::kAttempts);
  CHECK(query_text(db.path(), "SELECT status FROM run") == "completed");
  CHECK(query_double(db.path(), "SELECT sim_end_s FROM run") == 86400.0);
  CHECK(query_int(db.path(), "SELECT seed FROM run") == 7);
  CHECK(query_text(db.path(), "SELECT record_level FROM run") == "attempts");
  CHECK(query_text(db.path(), "SELECT finished_at FROM run").ends_with("Z"));
}

TEST_CASE("recipient rows carry final state, attempts over all hops and latency") {
  test::TempDb db;
  record_sample(db.path(), RecordLevel::kAttempts);
  const std::string bob = " FROM recipient WHERE msg_id = 1 AND rcpt = 'bob@b.example'";
  const std::string eve = " FROM recipient WHERE msg_id = 1 AND rcpt = 'eve@b.example'";
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient") == 2);

  CHECK(query_text(db.path(), "SELECT status" + bob) == "delivered");
  CHECK(query_text(db.path(), "SELECT final_node" + bob) == "b");
  CHECK(query_int(db.path(), "SELECT attempts" + bob) == 2);
  CHECK(query_double(db.path(), "SELECT delivered_s" + bob) == Approx(7200.5));
  // Created at 10 s, delivered at 7200.5 s.
  CHECK(query_double(db.path(), "SELECT latency_s" + bob) == Approx(7190.5));
  CHECK(query_int(db.path(), "SELECT last_code" + bob) == 250);

  CHECK(query_text(db.path(), "SELECT status" + eve) == "bounced");
  CHECK(query_int(db.path(), "SELECT attempts" + eve) == 2);
  CHECK(query_int(db.path(), "SELECT latency_s IS NULL AND delivered_s IS NULL" + eve) == 1);
  CHECK(query_double(db.path(), "SELECT final_s" + eve) == Approx(1801.2));
  CHECK(query_int(db.path(), "SELECT last_code" + eve) == 550);
  CHECK(query_text(db.path(), "SELECT last_reply" + eve) == "5.1.1 <eve@b.example>: User unknown");
}

TEST_CASE("attempts, hops and delivered copies are recorded at level attempts") {
  test::TempDb db;
  record_sample(db.path(), RecordLevel::kAttempts);
  CHECK(query_int(db.path(), "SELECT count(*) FROM message") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM attempt") == 2);
  CHECK(query_text(db.path(), "SELECT outcome FROM attempt WHERE attempt_id = 1") ==
        "conn_timeout");
  CHECK(query_int(db.path(), "SELECT bytes FROM attempt WHERE attempt_id = 2") == 26112);
  CHECK(query_int(db.path(), "SELECT count(*) FROM attempt_recipient") == 4);
  CHECK(query_int(db.path(), "SELECT count(*) FROM hop") == 2);
  CHECK(query_text(db.path(), "SELECT from_node FROM hop WHERE node = 'b'") == "a");
  CHECK(query_text(db.path(), "SELECT node || ' ' || rcpt || ' ' || delivered_s FROM delivery") ==
        "b bob@b.example 7200.5");
  CHECK(query_int(db.path(), "SELECT count(*) FROM delivery WHERE headers IS NULL") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM transcript") == 0);
}

TEST_CASE("the SMTP dialogue and the delivered header blocks are recorded only at level full") {
  test::TempDb db;
  record_sample(db.path(), RecordLevel::kFull);
  CHECK(query_int(db.path(), "SELECT count(*) FROM transcript WHERE attempt_id = 2") == 4);
  CHECK(query_text(db.path(), "SELECT dir || ' ' || line FROM transcript WHERE seq = 2") ==
        "C EHLO a");
  CHECK(query_int(db.path(), "SELECT count(*) FROM delivery") == 1);
  CHECK(query_text(db.path(), "SELECT headers FROM delivery") ==
        "Return-Path: <carol@a.example>\r\n"
        "Received: from a (a [10.0.0.1]) by b with ESMTP id Q2\r\n"
        "Subject: hello\r\n");
}

TEST_CASE("level summary keeps recipients and attempt counts but no attempt rows") {
  test::TempDb db;
  record_sample(db.path(), RecordLevel::kSummary);
  CHECK(query_int(db.path(), "SELECT count(*) FROM attempt") == 0);
  CHECK(query_int(db.path(), "SELECT count(*) FROM hop") == 0);
  CHECK(query_int(db.path(), "SELECT count(*) FROM delivery") == 0);
  CHECK(query_int(db.path(), "SELECT sum(attempts) FROM recipient") == 4);
}

TEST_CASE("host, link and service changes become outage rows") {
  // A host down 10-70 s, a link down from 30 s to the end (100 s), an MTA service down
  // 5-15 s: three rows, the open one closed at the end of the run.
  test::TempDb db;
  {
    Simulator sim;
    net::Topology topology;
    const auto a = topology.add_node("a");
    const auto b = topology.add_node("b");
    const auto link =
        topology.add_link(a, b, DataRate::bits_per_second(1'000'000), Duration::milliseconds(1));
    net::Network network(sim, topology);
    mta::MailEvents events;
    Recorder recorder(db.path(), kInfo, RecordLevel::kAttempts);
    recorder.subscribe(events);
    recorder.subscribe(network);
    auto at = [&](int s, auto f) { sim.schedule_at(at_seconds(s), f); };
    at(5, [&] { events.service_changed({"mx", false, sim.now()}); });
    at(10, [&] { network.set_host_up(b, false); });
    at(15, [&] { events.service_changed({"mx", true, sim.now()}); });
    at(30, [&] { network.set_link_up(link, false); });
    at(70, [&] { network.set_host_up(b, true); });
    sim.run();
    recorder.finish(at_seconds(100));
  }
  CHECK(query_text(db.path(),
                   "SELECT group_concat(kind || ' ' || target || ' ' || start_s || '-' || end_s, "
                   "'; ') FROM (SELECT * FROM outage ORDER BY start_s)") ==
        "mta_down mx 5.0-15.0; host_down b 10.0-70.0; link_down a--b 30.0-100.0");
}

// Records the sample run at level attempts and ends it with `end` at 5000 s; without one
// the recorder is destroyed as a killed process would leave it.
void record_stopped_sample(const std::string& path, void (Recorder::*end)(Time)) {
  Recorder recorder(path, kInfo, RecordLevel::kAttempts);
  mta::MailEvents events;
  recorder.subscribe(events);
  test::emit_sample_run(events);
  if (end != nullptr) (recorder.*end)(at_seconds(5000));
}

TEST_CASE("a run stopped by an error is marked failed and keeps what it recorded") {
  test::TempDb db;
  record_stopped_sample(db.path(), &Recorder::fail);
  CHECK(query_text(db.path(), "SELECT status FROM run") == "failed");
  CHECK(query_int(db.path(), "SELECT sim_end_s FROM run") == 5000);
  CHECK(query_int(db.path(), "SELECT count(*) FROM attempt") == 2);
}

TEST_CASE("a run stopped on request is marked interrupted and keeps what it recorded") {
  test::TempDb db;
  record_stopped_sample(db.path(), &Recorder::finish_interrupted);
  CHECK(query_text(db.path(), "SELECT status FROM run") == "interrupted");
  CHECK(query_int(db.path(), "SELECT sim_end_s FROM run") == 5000);
  CHECK(query_text(db.path(), "SELECT finished_at FROM run").ends_with("Z"));
  CHECK(query_int(db.path(), "SELECT count(*) FROM attempt") == 2);
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient") == 2);
}

TEST_CASE("a recorder destroyed without finish leaves the run running") {
  test::TempDb db;
  record_stopped_sample(db.path(), nullptr);
  CHECK(query_text(db.path(), "SELECT status FROM run") == "running");
  CHECK(query_int(db.path(), "SELECT sim_end_s IS NULL FROM run") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM attempt") == 2);  // what was seen is kept
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient") == 0);
}

TEST_CASE("a recipient never finalized ends the run queued with its last reply") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kAttempts);
  mta::MailEvents events;
  recorder.subscribe(events);
  events.message_created({1, "x@a", "s@a", {"r@b"}, 100, "a", at_seconds(0)});
  mta::AttemptFinished deferred = test::make_attempt(
      1, "a", "b", 1, 2, mta::AttemptOutcome::kDeferred, 451, "4.7.1", "try later");
  deferred.recipients = {{"r@b", mta::RecipientOutcome::kDeferred, 451, "4.7.1", "try later"}};
  events.attempt_finished(deferred);
  recorder.finish(at_seconds(60));
  CHECK(query_text(db.path(), "SELECT status FROM recipient") == "queued");
  CHECK(query_int(db.path(), "SELECT attempts FROM recipient") == 1);
  CHECK(query_text(db.path(), "SELECT last_code || ' ' || last_reply FROM recipient") ==
        "451 4.7.1 try later");
  CHECK(query_int(db.path(), "SELECT final_node IS NULL AND final_s IS NULL FROM recipient") == 1);
}

TEST_CASE("attempts are counted per recipient on messages with many recipients") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kSummary);
  mta::MailEvents events;
  recorder.subscribe(events);
  mta::MessageCreated list{1, "list@a", "s@a", {}, 100, "a", at_seconds(0)};
  for (int i = 0; i < 20; ++i) list.recipients.push_back("r" + std::to_string(i) + "@b");
  events.message_created(list);
  mta::AttemptFinished a =
      test::make_attempt(1, "a", "b", 1, 2, mta::AttemptOutcome::kSent, 250, "2.0.0", "Ok");
  for (int i = 19; i >= 0; i -= 2) {  // every other recipient, twice
    a.recipients.push_back(
        {"r" + std::to_string(i) + "@b", mta::RecipientOutcome::kAccepted, 250, "2.1.5", "Ok"});
  }
  events.attempt_finished(a);
  events.attempt_finished(a);
  recorder.finish(at_seconds(60));
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient") == 20);
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient WHERE attempts = 2") == 10);
  CHECK(query_int(db.path(), "SELECT attempts FROM recipient WHERE rcpt = 'r1@b'") == 2);
  CHECK(query_int(db.path(), "SELECT attempts FROM recipient WHERE rcpt = 'r0@b'") == 0);
  // Recipient rows keep the order the message listed them in.
  CHECK(query_text(db.path(), "SELECT rcpt FROM recipient ORDER BY rowid LIMIT 1 OFFSET 12") ==
        "r12@b");
}

TEST_CASE("a final state for a recipient never created still gets a row") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kSummary);
  mta::MailEvents events;
  recorder.subscribe(events);
  events.recipient_final(
      {9, "ghost@b", mta::FinalStatus::kExpired, "a", at_seconds(5), 451, "4.4.7 expired", ""});
  recorder.finish(at_seconds(60));
  CHECK(query_text(db.path(), "SELECT status FROM recipient WHERE msg_id = 9") == "expired");
  CHECK(query_int(db.path(), "SELECT latency_s IS NULL FROM recipient") == 1);
}

TEST_CASE("topology, outages and queue samples are written as given") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kAttempts);
  recorder.add_node("a", "host", "postfix");
  recorder.add_node("b", "router");
  recorder.add_link("a", "b", 10'000'000, 0.03);
  recorder.add_outage("b", "host_down", 3600, 14400);
  recorder.add_queue_nodes({"a"});
  const QueueSample a{0, {1, 2, 3}};
  recorder.add_queue_sample(at_seconds(60), {&a, 1});
  recorder.finish(at_seconds(86400));
  CHECK(query_int(db.path(), "SELECT count(*) FROM node") == 2);
  CHECK(query_text(db.path(), "SELECT retry_policy FROM node WHERE name = 'a'") == "postfix");
  CHECK(query_int(db.path(), "SELECT retry_policy IS NULL FROM node WHERE name = 'b'") == 1);
  CHECK(query_int(db.path(), "SELECT bandwidth_bps FROM link") == 10'000'000);
  CHECK(query_double(db.path(), "SELECT latency_s FROM link") == Approx(0.03));
  CHECK(query_double(db.path(), "SELECT end_s - start_s FROM outage") == Approx(10800));
  CHECK(query_int(db.path(), "SELECT incoming * 100 + active * 10 + deferred FROM queue_sample") ==
        123);
}

// The queue_sample rows as "node@t=queued" in `order`, one space between.
std::string queue_rows(const std::string& path, const std::string& order) {
  const std::string columns =
      "group_concat(node || '@' || CAST(t_s AS INTEGER) || '=' || (incoming + active + "
      "deferred), ' ')";
  return query_text(
      path, "SELECT " + columns + " FROM (SELECT * FROM queue_sample ORDER BY " + order + ")");
}

TEST_CASE("queue samples are rows where a node's counts changed, and its last at the end") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kAttempts);
  recorder.add_queue_nodes({"a", "b"});
  for (int t = 0; t <= 300; t += 60) {  // a: 0 0 1 1 0 0; b: 2 at every sample
    const std::vector<QueueSample> samples{{0, {0, 0, t == 120 || t == 180 ? 1U : 0U}},
                                           {1, {2, 0, 0}}};
    recorder.add_queue_sample(at_seconds(t), samples);
  }
  recorder.finish(at_seconds(300));
  CHECK(queue_rows(db.path(), "node, t_s") == "a@0=0 a@120=1 a@240=0 a@300=0 b@0=2 b@300=2");
}

TEST_CASE("a node left out of a sample kept its queue, to the last sample's row") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kAttempts);
  recorder.add_queue_nodes({"a", "b"});
  const std::vector<QueueSample> first{{0, {0, 0, 0}}, {1, {2, 0, 0}}};
  const QueueSample a_busy{0, {0, 1, 0}};
  recorder.add_queue_sample(at_seconds(0), first);
  recorder.add_queue_sample(at_seconds(60), {&a_busy, 1});
  recorder.add_queue_sample(at_seconds(120), {});  // nothing changed
  recorder.finish(at_seconds(120));
  CHECK(queue_rows(db.path(), "rowid") == "a@0=0 b@0=2 a@60=1 a@120=1 b@120=2");
}

TEST_CASE("level summary keeps the topology but no outages and no queue samples") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kSummary);
  mta::MailEvents events;
  recorder.subscribe(events);
  recorder.add_node("a", "host", "exim");
  recorder.add_link("a", "b", 10'000'000, 0.03);
  recorder.add_outage("b", "host_down", 3600, 14400);
  events.service_changed({"a", false, at_seconds(5)});
  recorder.add_queue_nodes({"a"});
  const QueueSample a{0, {1, 2, 3}};
  recorder.add_queue_sample(at_seconds(60), {&a, 1});
  recorder.finish(at_seconds(86400));
  CHECK(query_int(db.path(), "SELECT count(*) FROM node") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM link") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM outage") == 0);
  CHECK(query_int(db.path(), "SELECT count(*) FROM queue_sample") == 0);
}

TEST_CASE("many events are written across several batches without loss") {
  test::TempDb db;
  constexpr int kMessages = 10'000;
  Recorder recorder(db.path(), kInfo, RecordLevel::kAttempts);
  mta::MailEvents events;
  recorder.subscribe(events);
  for (int i = 1; i <= kMessages; ++i) {
    const auto msg = static_cast<mta::MessageNumber>(i);
    events.message_created(
        {msg, std::to_string(i) + "@a", "s@a", {"r@b"}, 100, "a", at_seconds(i)});
    events.message_queued({msg, "a", "Q" + std::to_string(i), "", at_seconds(i)});
    events.recipient_final({msg, "r@b", mta::FinalStatus::kDelivered, "a", at_seconds(i + 1.5), 250,
                            "2.0.0 delivered", "Subject: x\r\n"});
  }
  recorder.finish(at_seconds(kMessages + 10));
  CHECK(query_int(db.path(), "SELECT count(*) FROM message") == kMessages);
  CHECK(query_int(db.path(), "SELECT count(*) FROM hop") == kMessages);
  CHECK(query_int(db.path(), "SELECT count(*) FROM delivery") == kMessages);
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient WHERE latency_s = 1.5") == kMessages);
  // Rows in event order: message numbers ascend with rowid.
  CHECK(query_int(db.path(), "SELECT max(msg_id) FROM hop WHERE rowid = 1") == 1);
}

TEST_CASE("rows handed over are committed while the run goes on, even when no more come") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kSummary);
  mta::MailEvents events;
  recorder.subscribe(events);
  // A message is one row at level summary: the last one fills a batch, which is handed over.
  const auto messages = static_cast<int>(kBatchRows);
  for (int i = 1; i <= messages; ++i) {
    events.message_created(
        {static_cast<mta::MessageNumber>(i), "", "s@a", {"r@b"}, 100, "a", at_seconds(i)});
  }
  // The writer keeps its transaction open for more batches for a while, then commits what
  // it has: a reader, or a run killed now, sees the rows.
  int seen = 0;
  for (int i = 0; i < 1000 && seen < messages; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    seen = static_cast<int>(query_int(db.path(), "SELECT count(*) FROM message"));
  }
  CHECK(seen == messages);
  CHECK(query_text(db.path(), "SELECT status FROM run") == "running");
  recorder.finish(at_seconds(messages + 10));
}

TEST_CASE("a bounce's null sender is written as empty text, and an absent Message-ID as NULL") {
  test::TempDb db;
  Recorder recorder(db.path(), kInfo, RecordLevel::kAttempts);
  mta::MailEvents events;
  recorder.subscribe(events);
  events.message_created({.msg = 1,
                          .message_id = "",
                          .sender = "",
                          .recipients = {"s@a"},
                          .size_bytes = 100,
                          .origin = "b",
                          .at = at_seconds(1),
                          .kind = mta::MessageKind::kBounce});
  recorder.finish(at_seconds(10));
  CHECK(query_int(db.path(), "SELECT count(*) FROM message WHERE sender = ''") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM message WHERE message_id IS NULL") == 1);
}

TEST_CASE("an earlier results database is kept unless replacing it was asked for") {
  test::TempDb db;
  record_sample(db.path(), RecordLevel::kFull);
  try {
    Recorder again(db.path(), kInfo, RecordLevel::kSummary);
    FAIL("expected InputError");
  } catch (const InputError& e) {
    CHECK(e.problem().find("results of an earlier run; not overwriting") != std::string::npos);
    CHECK(e.hint().find("--force") != std::string::npos);
    CHECK(e.where().file == db.path());
  }
  CHECK(query_text(db.path(), "SELECT record_level FROM run") == "full");

  { Recorder replaced(db.path(), kInfo, RecordLevel::kSummary, Existing::kReplaceResults); }
  CHECK(query_text(db.path(), "SELECT status FROM run") == "running");
  CHECK(query_text(db.path(), "SELECT record_level FROM run") == "summary");
  CHECK(query_int(db.path(), "SELECT count(*) FROM attempt") == 0);
}

TEST_CASE("a file that is not a results database is never overwritten, even when asked") {
  test::TempDb db;
  std::ofstream(db.path()) << "my scenario, not a database";
  for (const Existing existing : {Existing::kRefuse, Existing::kReplaceResults}) {
    CHECK_THROWS_AS(Recorder(db.path(), kInfo, RecordLevel::kSummary, existing), InputError);
  }
  std::ifstream in(db.path());
  std::string content;
  std::getline(in, content);
  CHECK(content == "my scenario, not a database");
}

TEST_CASE("a folder at the output path is an input error") {
  CHECK_THROWS_AS(
      Recorder(std::filesystem::temp_directory_path().string(), kInfo, RecordLevel::kSummary),
      InputError);
}

TEST_CASE("an output path that cannot be created is an input error") {
  CHECK_THROWS_AS(Recorder("/nonexistent-mailsim-dir/out.db", kInfo, RecordLevel::kSummary),
                  InputError);
}

TEST_CASE("record levels are parsed from their names") {
  CHECK(parse_record_level("full") == RecordLevel::kFull);
  CHECK(std::string(to_string(RecordLevel::kAttempts)) == "attempts");
  CHECK_THROWS_AS(parse_record_level("everything"), InputError);
}

// Only level full writes transcript rows and header blocks, so below it the models need
// not build them.
TEST_CASE("the recorder asks for attempt transcripts and delivered headers only at level full") {
  for (const RecordLevel level :
       {RecordLevel::kSummary, RecordLevel::kAttempts, RecordLevel::kFull}) {
    test::TempDb db;
    Recorder recorder(db.path(), kInfo, level);
    mta::MailEvents events;
    CHECK(events.attempt_transcripts);
    CHECK(events.delivered_headers);
    recorder.subscribe(events);
    CHECK(events.attempt_transcripts == (level == RecordLevel::kFull));
    CHECK(events.delivered_headers == (level == RecordLevel::kFull));
    recorder.finish(at_seconds(0));
  }
}

}  // namespace
}  // namespace mailsim::record
