#include "mailsim/dns/resolver.h"

#include <algorithm>
#include <utility>

#include "mailsim/core/text.h"

namespace mailsim::dns {

Resolver::Resolver(ZoneData zones) : zones_(std::move(zones)) {}

void Resolver::set_available(bool available, Time at) {
  if (available == available_) return;
  available_ = available;
  availability_changed({available, at});
}

std::optional<net::NodeId> Resolver::lookup_address(std::string_view name) const {
  const auto it = zones_.addresses.find(ascii_lower(name));
  if (it == zones_.addresses.end()) return std::nullopt;
  return it->second;
}

MxResult Resolver::lookup_mx(std::string_view domain, RandomStream& rng, std::string_view self,
                             std::size_t max_hosts) const {
  if (!available_) return {LookupStatus::kTemporaryFailure, {}};
  const auto it = zones_.mx.find(ascii_lower(domain));
  if (it == zones_.mx.end()) {  // implicit MX: the domain's own address
    const auto node = lookup_address(domain);
    if (!node) return {LookupStatus::kNotFound, {}};
    return {LookupStatus::kOk, {MailHost{ascii_lower(domain), 0, *node}}};
  }
  std::vector<MxRecord> records = it->second;
  if (records.size() == 1 && records[0].exchange == ".") return {LookupStatus::kNullMx, {}};
  std::stable_sort(records.begin(), records.end(), [](const MxRecord& a, const MxRecord& b) {
    return a.preference < b.preference;
  });
  for (std::size_t start = 0; start < records.size();) {  // shuffle equal preferences
    std::size_t end = start;
    while (end < records.size() && records[end].preference == records[start].preference) ++end;
    for (std::size_t i = end - 1; i > start; --i) {
      std::swap(records[i], records[start + rng.uniform_int(i - start + 1)]);
    }
    start = end;
  }
  const std::string me = ascii_lower(self);
  const auto listed = std::find_if(records.begin(), records.end(), [&](const MxRecord& r) {
    return ascii_lower(r.exchange) == me;
  });
  if (!me.empty() && listed != records.end()) {
    const int own = listed->preference;
    std::erase_if(records, [own](const MxRecord& r) { return r.preference >= own; });
  }
  MxResult result{LookupStatus::kOk, {}};
  for (const MxRecord& r : records) {
    if (result.hosts.size() == max_hosts) break;
    if (const auto node = lookup_address(r.exchange)) {
      result.hosts.push_back({ascii_lower(r.exchange), r.preference, *node});
    }
  }
  if (result.hosts.empty()) result.status = LookupStatus::kNotFound;
  return result;
}

}  // namespace mailsim::dns
