-- The mailsim results database: one run (mailsim run, run_id 1) or many (mailsim sweep).
-- Every per-run table starts with run_id, the run its row belongs to, and is keyed and
-- indexed by it; the views group and join by it. Times are REAL seconds of simulated
-- time (suffix _s); wall-clock times are ISO-8601 UTC text. This file is the one source
-- of the schema: the record library embeds it at build time.
-- run.status is 'running' until the run ends: 'completed' when it reached its end,
-- 'interrupted' when stopped by a signal (what happened until then is all there), 'failed'
-- after an internal error; a killed run stays 'running'. application_id marks the file as
-- ours ('mail' in ASCII), so that the readers and the writer can tell a mailsim database
-- from any other file; user_version is the schema's version, raised when it changes
-- (2: node.retry_policy; 3: message.about_msg_id; 4: run_id in every per-run table,
-- run.point, run.replication, run.parameters and the run_parameter view; a new per-run
-- table starts with run_id too, so that sweeps merge it; 5: message.client_kind, and
-- queue_sample holds a row where a queue changed, not every sample, and the indexes are
-- made when the run ends; 6: the deferral table and recipient_attempts.deferrals; 7:
-- deferral rows of kinds retry_time, tcpto and route_disabled, turns that were deferred
-- without a row before, so deferral counts and recipient_attempts.deferrals grow; 8: the
-- keys of message, recipient, attempt and transcript are the unique indexes *_key below
-- rather than primary keys, and the per-row tables' CHECKs spell out their values with
-- OR, as SQLite tests a constant IN list of more than two values by building a temporary
-- table for each row inserted). The @indexes comment below says when each index is made;
-- a file whose run ended has them all. record_level says which tables were written:
-- summary (run, node, link, message, recipient), attempts (and attempt,
-- attempt_recipient, hop, delivery, outage, queue_sample, deferral) or full (and
-- transcript, and delivery.headers, NULL below full; older files of schema 8 may have
-- the header blocks at attempts too).
PRAGMA application_id = 1835100524;
PRAGMA user_version = 8;

-- One row per run. seed is the scenario's seed; replication is the run number that, with
-- it, selects the random streams (0 for mailsim run). A sweep's runs also have point, the
-- parameter point (from 1, in the order mailsim sweep prints them), and parameters, a
-- JSON object of the values set at that point by their path ({"mtas.college.retry":
-- "exim"}; '{}' and point NULL for mailsim run).
CREATE TABLE run (
  run_id INTEGER PRIMARY KEY,
  scenario TEXT NOT NULL,
  scenario_sha256 TEXT,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
  sim_end_s REAL,
  version TEXT,
  started_at TEXT,
  finished_at TEXT,
  record_level TEXT NOT NULL CHECK (record_level IN ('summary', 'attempts', 'full')),
  point INTEGER,
  replication INTEGER NOT NULL DEFAULT 0,
  parameters TEXT NOT NULL DEFAULT '{}'
);

-- The network's hosts (kind host or router), and MTAs named otherwise than their host
-- (kind mta). retry_policy names the retry law of the MTA of that name: postfix, exim,
-- sendmail, qmail, opensmtpd, rfc5321, or for a custom law fixed, exponential, list;
-- NULL for a node without an MTA. A preset with changed parameters keeps its name.
CREATE TABLE node (
  run_id INTEGER NOT NULL REFERENCES run,
  node_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind TEXT,
  retry_policy TEXT,
  PRIMARY KEY (run_id, node_id),
  UNIQUE (run_id, name)
);

CREATE TABLE link (
  run_id INTEGER NOT NULL REFERENCES run,
  link_id INTEGER NOT NULL,
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  bandwidth_bps INTEGER,
  latency_s REAL,
  PRIMARY KEY (run_id, link_id)
);

-- kind: user, bounce, warning. msg_id is the run's own message number, from 1. A bounce
-- or warning names the message it reports on in about_msg_id (NULL for user mail).
-- client_kind says how a user message was submitted: local (handed to origin's queue on
-- its host, no network hop; also traffic that names only an origin), desktop or webmail
-- (an SMTP session with AUTH to origin's port 587, the message's first attempt and hop);
-- NULL for bounces, warnings and mail from a real client outside the simulation.
CREATE TABLE message (
  run_id INTEGER NOT NULL REFERENCES run,
  msg_id INTEGER NOT NULL,
  message_id TEXT,
  sender TEXT,
  size_bytes INTEGER,
  origin TEXT,
  created_s REAL NOT NULL,
  kind TEXT NOT NULL,
  about_msg_id INTEGER,
  client_kind TEXT
);

-- Every recipient of every message ends in exactly one state: delivered, bounced,
-- expired, or queued (still in a queue when the run ended). final_s is when the final
-- state was reached (NULL while queued); delivered_s and latency_s are set for delivered
-- recipients only. attempts sums the delivery attempts that carried this recipient, over
-- all hops (SMTP attempts, each with a connection tried; turns deferred without
-- connecting are in the deferral table and not counted here); last_code and last_reply ("5.1.1 User unknown") are the latest reply about it.
-- A message's rows are written when it is finished (no copy left in any queue), the rest
-- at the end of the run; the rowid keeps the table in msg_id order, each message's
-- recipients in the order it named them.
CREATE TABLE recipient (
  run_id INTEGER NOT NULL REFERENCES run,
  msg_id INTEGER NOT NULL,
  rcpt TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status = 'delivered' OR status = 'bounced' OR status = 'expired' OR status = 'queued'),
  final_node TEXT,
  final_s REAL,
  delivered_s REAL,
  latency_s REAL,
  attempts INTEGER NOT NULL,
  last_code INTEGER,
  last_reply TEXT
);

-- One SMTP delivery attempt from one MTA to the next (record level attempts or full).
-- outcome: sent, deferred, rejected, conn_refused, conn_timeout, lost.
CREATE TABLE attempt (
  run_id INTEGER NOT NULL REFERENCES run,
  attempt_id INTEGER NOT NULL,
  msg_id INTEGER NOT NULL,
  from_node TEXT NOT NULL,
  to_node TEXT,
  started_s REAL NOT NULL,
  ended_s REAL NOT NULL,
  outcome TEXT NOT NULL,
  reply_code INTEGER,
  enhanced_code TEXT,
  reply_text TEXT,
  bytes INTEGER
);

-- A delivery turn deferred without connecting (record level attempts or full), one row
-- per recipient, as Postfix logs status=deferred for each: no SMTP attempt, so no attempt
-- row and not in recipient.attempts. node is the MTA's host, nexthop the destination as
-- its queue manager names it (mx:DOMAIN, relayhost:HOST, transport:HOST). kind:
-- suspended (Postfix: the destination was dead after failed connections: "451 4.4.1
-- delivery temporarily suspended: connect to HOST:25: Connection refused"), dns (the next
-- hop's lookup failed for now, e.g. during a dns_down outage: "451 4.4.3 Host or domain
-- name not found. Name service error for name=DOMAIN type=MX: Host not found, try
-- again"), retry_time (Exim: the next hop's shared host retry record says its retry time
-- has not come, for a new message or at a queue run: "451 4.4.1 retry time not reached
-- for any host for 'NEXTHOP'"), tcpto (qmail: every host of the next hop timed out twice
-- in a row and is skipped for 64-97 min: "451 4.4.1 Sorry, I wasn't able to establish an
-- SMTP connection: HOST timed out twice. (#4.4.1)") or route_disabled (OpenSMTPD: every
-- host's route is disabled for 15 s x penalty^2 after failed connections: "451 4.4.1
-- route to HOST disabled after N failed connection(s)"). A suspended, retry_time, tcpto
-- or route_disabled row is at an MTA of that retry policy (postfix, exim, qmail,
-- opensmtpd).
CREATE TABLE deferral (
  run_id INTEGER NOT NULL REFERENCES run,
  msg_id INTEGER NOT NULL,
  rcpt TEXT NOT NULL,
  node TEXT NOT NULL,
  nexthop TEXT NOT NULL,
  t_s REAL NOT NULL,
  kind TEXT NOT NULL
    CHECK (kind = 'suspended' OR kind = 'dns' OR kind = 'retry_time' OR kind = 'tcpto'
           OR kind = 'route_disabled'),
  reply_code INTEGER,
  enhanced_code TEXT,
  reply_text TEXT
);

-- outcome: accepted, deferred, rejected.
CREATE TABLE attempt_recipient (
  run_id INTEGER NOT NULL REFERENCES run,
  attempt_id INTEGER NOT NULL,
  rcpt TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reply_code INTEGER,
  enhanced_code TEXT,
  reply_text TEXT
);

-- The message entered node's queue as queue_id; from_node is empty for local submission.
-- A desktop or webmail client's message is first at the client's host (queue_id NULL,
-- from_node empty): its outbox, until the MSA has taken it, so hop_delay shows the
-- submission's time.
CREATE TABLE hop (
  run_id INTEGER NOT NULL REFERENCES run,
  msg_id INTEGER NOT NULL,
  node TEXT NOT NULL,
  queue_id TEXT,
  from_node TEXT,
  arrived_s REAL NOT NULL
);

-- Each copy put in a mailbox, with its header block (Return-Path and the Received: chain
-- included) at record level full: the copy's content, like the transcript's lines.
CREATE TABLE delivery (
  run_id INTEGER NOT NULL REFERENCES run,
  msg_id INTEGER NOT NULL,
  rcpt TEXT NOT NULL,
  node TEXT NOT NULL,
  delivered_s REAL NOT NULL,
  headers TEXT
);

-- The SMTP dialogue of each attempt (record level full). dir: C client, S server.
CREATE TABLE transcript (
  run_id INTEGER NOT NULL REFERENCES run,
  attempt_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  t_s REAL NOT NULL,
  dir TEXT NOT NULL,
  line TEXT NOT NULL
);

CREATE TABLE outage (
  run_id INTEGER NOT NULL REFERENCES run,
  target TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_s REAL NOT NULL,
  end_s REAL NOT NULL
);

-- When an MTA's queues changed: mailsim run samples every MTA's queues at 0, every
-- sampling interval (--queue-sample-interval, 60 s by default) and at the end of the run,
-- each after every event at that time, and keeps a row for a sample only when its counts
-- differ from the node's previous sample, and for the node's first and last samples. The
-- counts of a row hold from its t_s until the node's next row (the last row is at
-- run.sim_end_s): a step function, so the peak is max() over the rows and a time-weighted
-- mean weighs each row by the time to the node's next row. Samples see the queues only at
-- sampling times: a change and its reversal between two samples leave no row.
CREATE TABLE queue_sample (
  run_id INTEGER NOT NULL REFERENCES run,
  node TEXT NOT NULL,
  t_s REAL NOT NULL,
  incoming INTEGER NOT NULL,
  active INTEGER NOT NULL,
  deferred INTEGER NOT NULL
);

-- Views for common questions. Each has run_id first and keeps runs apart.

-- The parameters of each sweep run, one row per varied path (none for mailsim run).
CREATE VIEW run_parameter AS
SELECT run.run_id, p.key AS name, p.value AS value
FROM run, json_each(run.parameters) p;

-- Delivery latency of every delivered recipient, from the message's creation.
CREATE VIEW recipient_latency AS
SELECT r.run_id, r.msg_id, m.message_id, m.kind, m.sender, r.rcpt, m.origin, r.final_node,
       m.created_s, r.delivered_s, r.latency_s, r.attempts, m.client_kind
FROM recipient r JOIN message m USING (run_id, msg_id)
WHERE r.status = 'delivered';

-- How long a message stayed at each node it reached: from its arrival there until it
-- arrived at the next node it was passed to, or was delivered there (NULL: it left no
-- trace of leaving, e.g. it bounced, expired or was still queued).
CREATE VIEW hop_delay AS
SELECT *, left_s - arrived_s AS delay_s FROM (
  SELECT h.run_id, h.msg_id, h.node, h.from_node, h.queue_id, h.arrived_s,
         CASE WHEN x IS NULL THEN y WHEN y IS NULL THEN x ELSE MIN(x, y) END AS left_s
  FROM (SELECT h.*,
          (SELECT MIN(n.arrived_s) FROM hop n WHERE n.run_id = h.run_id
             AND n.msg_id = h.msg_id AND n.from_node = h.node
             AND n.arrived_s >= h.arrived_s) AS x,
          (SELECT MIN(d.delivered_s) FROM delivery d WHERE d.run_id = h.run_id
             AND d.msg_id = h.msg_id AND d.node = h.node
             AND d.delivered_s >= h.arrived_s) AS y
        FROM hop h) h);

-- The SMTP attempts that carried each recipient, over all hops, with their outcomes;
-- attempts and deferred count connections tried only. deferrals counts the turns deferred
-- without connecting (the deferral table), which are in none of the other columns.
CREATE VIEW recipient_attempts AS
SELECT r.run_id, r.msg_id, r.rcpt, r.status,
       COUNT(c.attempt_id) AS attempts,
       COALESCE(SUM(c.outcome = 'deferred'), 0) AS deferred,
       MIN(c.started_s) AS first_attempt_s,
       MAX(c.started_s) AS last_attempt_s,
       (SELECT COUNT(*) FROM deferral d WHERE d.run_id = r.run_id AND d.msg_id = r.msg_id
          AND d.rcpt = r.rcpt) AS deferrals
FROM recipient r
LEFT JOIN (SELECT a.run_id, a.attempt_id, a.msg_id, a.started_s, ar.rcpt, ar.outcome
           FROM attempt a JOIN attempt_recipient ar USING (run_id, attempt_id)) c
  ON c.run_id = r.run_id AND c.msg_id = r.msg_id AND c.rcpt = r.rcpt
GROUP BY r.run_id, r.msg_id, r.rcpt;

-- The MTA answerable for each recipient's retries, and its retry law: of the MTAs whose
-- attempts carried the recipient, the one that made most of them (on a tie, the one that
-- tried it last). Recipients never carried by an attempt are absent.
CREATE VIEW recipient_retry_policy AS
SELECT run_id, msg_id, rcpt, node, retry_policy FROM (
  SELECT c.run_id, c.msg_id, c.rcpt, c.node, n.retry_policy,
         ROW_NUMBER() OVER (PARTITION BY c.run_id, c.msg_id, c.rcpt
                            ORDER BY c.attempts DESC, c.last_attempt_id DESC) AS pick
  FROM (SELECT a.run_id, a.msg_id, ar.rcpt, a.from_node AS node, COUNT(*) AS attempts,
               MAX(a.attempt_id) AS last_attempt_id
        FROM attempt a JOIN attempt_recipient ar USING (run_id, attempt_id)
        GROUP BY a.run_id, a.msg_id, ar.rcpt, a.from_node) c
  LEFT JOIN node n ON n.run_id = c.run_id AND n.name = c.node)
WHERE pick = 1;

-- @indexes: the indexes. Those above the @late-indexes line are made with the database and
-- kept while rows arrive: their rows come in key order, or close to it (the keys of
-- message, attempt and transcript number rows as they are written; a message's recipients,
-- deliveries and bounces come soon after it, and so do most of its hops and attempts:
-- retries of older mail are few), so each entry lands on a page near the B-tree's right
-- edge that is in the cache, on the writer thread while the simulation runs. The keys: the
-- recorder numbers messages and attempts and records each recipient of a message once, so
-- rows are unique by these; a duplicate fails the run when it is written. message_id has
-- no index: its text comes in no order, an index cost every run about 1.9 s of CPU on a
-- million messages, and the one reader that looks it up (mailsim trace FILE MESSAGE-ID)
-- scans message in msg_id order instead (about 0.2 s of CPU on a million messages).
CREATE UNIQUE INDEX IF NOT EXISTS message_key ON message (run_id, msg_id);
CREATE UNIQUE INDEX IF NOT EXISTS recipient_key ON recipient (run_id, msg_id, rcpt);
CREATE UNIQUE INDEX IF NOT EXISTS attempt_key ON attempt (run_id, attempt_id);
CREATE UNIQUE INDEX IF NOT EXISTS transcript_key ON transcript (run_id, attempt_id, seq);
CREATE INDEX IF NOT EXISTS message_by_about ON message (run_id, about_msg_id);
CREATE INDEX IF NOT EXISTS recipient_by_status ON recipient (run_id, status);
CREATE INDEX IF NOT EXISTS attempt_recipient_by_attempt ON attempt_recipient (run_id, attempt_id);
CREATE INDEX IF NOT EXISTS delivery_by_msg ON delivery (run_id, msg_id);
CREATE INDEX IF NOT EXISTS attempt_by_msg ON attempt (run_id, msg_id, started_s);
CREATE INDEX IF NOT EXISTS hop_by_msg ON hop (run_id, msg_id, arrived_s);
-- @late-indexes: the indexes below are made when the run ends (completed, interrupted or
-- failed), after its rows are in: their rows come in no useful order (a deferral of any
-- message still queued, a queue of any node), and one sort at the end costs less than
-- keeping them ordered while rows arrive. A run killed before its end (kill -9) or that
-- crashed lacks them; the readers (mailsim report, trace, check) then
-- make every missing index, once, in the file, unless another process has it open (a run
-- still being written) or it is read-only (then they index a temporary copy). By hand:
-- sed -n '/^-- @indexes/,$p' sim/record/schema.sql | sqlite3 OUT.db
CREATE INDEX IF NOT EXISTS deferral_by_msg ON deferral (run_id, msg_id, t_s);
CREATE INDEX IF NOT EXISTS queue_sample_by_node ON queue_sample (run_id, node, t_s);
