// The summary as text for people and as JSON for programs (summary.h).
#include <cstdio>

#include "mailsim/record/summary.h"
#include "record/json_writer.h"
#include "record/results_db.h"

namespace mailsim::record {
namespace {

// The recipients, latency and attempts lines, each starting with `indent`.
void print_figures(const RecipientFigures& f, const char* indent, std::ostream& out) {
  out << indent << "recipients  " << f.count << ": delivered " << f.delivered << ", bounced "
      << f.bounced << ", expired " << f.expired << ", still queued " << f.queued << "\n";
  if (f.delivered > 0) {
    out << indent << "latency     p50 " << format_seconds(f.latency_p50_s) << "  p90 "
        << format_seconds(f.latency_p90_s) << "  max " << format_seconds(f.latency_max_s) << "\n";
  } else {
    out << indent << "latency     (nothing delivered)\n";
  }
  char per[32];
  std::snprintf(per, sizeof per, "%.2f", f.attempts_per_recipient);
  out << indent << "attempts    " << f.attempts << " (" << per << " per recipient)\n";
}

void write_figures(const RecipientFigures& f, JsonWriter& json) {
  json.key("recipients").value(f.count);
  json.key("delivered").value(f.delivered);
  json.key("bounced").value(f.bounced);
  json.key("expired").value(f.expired);
  json.key("queued").value(f.queued);
  const std::pair<const char*, double> latencies[] = {{"latency_p50_s", f.latency_p50_s},
                                                      {"latency_p90_s", f.latency_p90_s},
                                                      {"latency_p99_s", f.latency_p99_s},
                                                      {"latency_max_s", f.latency_max_s}};
  for (const auto& [key, seconds] : latencies) {
    json.key(key);
    if (f.delivered > 0) {
      json.value(seconds);
    } else {
      json.null();
    }
  }
  json.key("attempts").value(f.attempts);
  json.key("attempts_per_recipient").value(f.attempts_per_recipient);
}

void write_node(const NodeSummary& n, JsonWriter& json) {
  json.begin_object().key("name").value(n.name).key("kind").value(n.kind);
  json.key("retry_policy");
  if (n.retry_policy.empty()) {
    json.null();
  } else {
    json.value(n.retry_policy);
  }
  json.key("messages").value(n.messages).key("mean_time_s").value(n.mean_time_s);
  json.key("peak_queue").value(n.peak_queue).end_object();
}

}  // namespace

void print_summary(const Summary& s, std::ostream& out) {
  out << "scenario    " << s.scenario << " (seed " << s.seed << ")";
  if (s.status == "completed" && s.sim_end_s) {
    out << ", simulated " << format_seconds(*s.sim_end_s) << "\n";
  } else if (s.sim_end_s) {
    out << ", run " << s.status << " at " << format_seconds(*s.sim_end_s)
        << ": results are incomplete\n";
  } else {
    out << ", run " << s.status << ": results are incomplete\n";
  }
  out << "messages    " << s.messages << "\n";
  print_figures(s.recipients, "", out);
  // Level summary keeps no attempt or deferral rows: its zeros would read as none.
  const bool unrecorded = s.record_level == "summary";
  if (unrecorded) {
    out << "deferrals   not recorded at level summary (run with --record attempts)\n";
  } else if (s.deferrals > 0) {
    out << "deferrals   " << s.deferrals << " (turns deferred without connecting)\n";
  }
  if (s.bounces_sent > 0 || s.warnings_sent > 0) {
    out << "notices     " << s.bounces_sent << (s.bounces_sent == 1 ? " bounce, " : " bounces, ")
        << s.warnings_sent << (s.warnings_sent == 1 ? " delay warning" : " delay warnings")
        << " sent\n";
  }
  if (s.retry_policies.size() >= 2 && unrecorded) {
    out << "retry policies ";
    for (std::size_t i = 0; i < s.retry_policies.size(); ++i) {
      out << (i > 0 ? ", " : "") << s.retry_policies[i].policy;
    }
    out << ": figures not recorded at level summary\n";
  } else if (s.retry_policies.size() >= 2) {
    for (const PolicySummary& p : s.retry_policies) {
      out << "retry policy " << p.policy << " (";
      for (std::size_t i = 0; i < p.nodes.size(); ++i) out << (i > 0 ? ", " : "") << p.nodes[i];
      out << ")\n";
      print_figures(p.recipients, "  ", out);
    }
  }
  if (s.client_kinds.size() >= 2) {
    for (const ClientKindSummary& k : s.client_kinds) {
      out << "client kind " << k.kind << "\n";
      print_figures(k.recipients, "  ", out);
    }
  }
}

void print_summary_json(const Summary& s, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object().key("report_format").value(std::int64_t{1});
  if (s.point) {  // a sweep's run
    json.key("run_id").value(s.run_id).key("point").value(*s.point);
    json.key("replication").value(s.replication).key("parameters").json(s.parameters);
  }
  json.key("scenario").value(s.scenario).key("seed").value(s.seed);
  json.key("status").value(s.status).key("record_level").value(s.record_level);
  json.key("sim_end_s").value(s.sim_end_s).key("messages").value(s.messages);
  json.key("bounces_sent").value(s.bounces_sent).key("warnings_sent").value(s.warnings_sent);
  write_figures(s.recipients, json);
  json.key("deferrals").value(s.deferrals);
  json.key("nodes").begin_array();
  for (const NodeSummary& n : s.nodes) write_node(n, json);
  json.end_array().key("retry_policies").begin_array();
  for (const PolicySummary& p : s.retry_policies) {
    json.begin_object().key("policy").value(p.policy).key("nodes").begin_array();
    for (const std::string& node : p.nodes) json.value(node);
    json.end_array();
    write_figures(p.recipients, json);
    json.end_object();
  }
  json.end_array().key("client_kinds").begin_array();
  for (const ClientKindSummary& k : s.client_kinds) {
    json.begin_object().key("kind").value(k.kind);
    write_figures(k.recipients, json);
    json.end_object();
  }
  json.end_array().end_object();
  out << "\n";
}

}  // namespace mailsim::record
