#include "mailsim/dns/resolver.h"

#include <algorithm>
#include <utility>

#include "mailsim/core/text.h"

namespace mailsim::dns {

Resolver::Resolver(ZoneData zones) : lookup_delay_(zones.lookup_delay) {
  auto index = static_cast<std::uint32_t>(zones.mx.size());
  for (const auto& [name, node] : zones.addresses) addresses_.emplace(name, Address{node, index++});
  index = 0;
  for (auto& [domain, records] : zones.mx) {
    MxSet set;
    set.index = index++;
    set.null_mx = records.size() == 1 && records[0].exchange == ".";
    std::stable_sort(records.begin(), records.end(), [](const MxRecord& a, const MxRecord& b) {
      return a.preference < b.preference;
    });
    for (const MxRecord& r : records) {
      std::string name = ascii_lower(r.exchange);
      const std::optional<net::NodeId> node = address_of(name);
      set.exchanges.push_back({r.preference, std::move(name), node});
    }
    mx_sets_.emplace(domain, std::move(set));
  }
}

void Resolver::set_available(bool available, Time at) {
  if (available == available_) return;
  available_ = available;
  availability_changed({available, at});
}

std::optional<net::NodeId> Resolver::address_of(std::string_view lower_name) const {
  const auto it = addresses_.find(lower_name);
  if (it == addresses_.end()) return std::nullopt;
  return it->second.node;
}

std::optional<net::NodeId> Resolver::lookup_address(std::string_view name) const {
  std::string buffer;
  return address_of(ascii_lower(name, buffer));
}

Resolver::MailDomain Resolver::mail_domain(std::string_view domain) const {
  std::string buffer;
  const std::string_view name = ascii_lower(domain, buffer);
  MailDomain found;
  if (const auto it = mx_sets_.find(name); it != mx_sets_.end()) {
    found.mx_ = &it->second;
    found.index_ = it->second.index;
  } else if (const auto address = addresses_.find(name); address != addresses_.end()) {
    found.address_ = &*address;
    found.index_ = address->second.index;
  }
  return found;
}

MxResult Resolver::lookup_mx(std::string_view domain, RandomStream& rng, std::string_view self,
                             std::size_t max_hosts) const {
  if (!available_) return {LookupStatus::kTemporaryFailure, {}};
  return lookup_mx(mail_domain(domain), rng, self, max_hosts);
}

MxResult Resolver::lookup_mx(const MailDomain& domain, RandomStream& rng, std::string_view self,
                             std::size_t max_hosts) const {
  if (!available_) return {LookupStatus::kTemporaryFailure, {}};
  if (domain.mx_ == nullptr) {  // implicit MX: the domain's own address
    if (domain.address_ == nullptr) return {LookupStatus::kNotFound, {}};
    return {LookupStatus::kOk, {MailHost{domain.address_->first, 0, domain.address_->second.node}}};
  }
  const MxSet& set = *domain.mx_;
  if (set.null_mx) return {LookupStatus::kNullMx, {}};
  const std::vector<Exchange>& sorted = set.exchanges;
  std::vector<const Exchange*>& records = order_;
  records.resize(sorted.size());
  std::transform(sorted.begin(), sorted.end(), records.begin(),
                 [](const Exchange& e) { return &e; });
  for (std::size_t start = 0; start < records.size();) {  // shuffle equal preferences
    std::size_t end = start;
    while (end < records.size() && records[end]->preference == records[start]->preference) ++end;
    for (std::size_t i = end - 1; i > start; --i) {
      std::swap(records[i], records[start + rng.uniform_int(i - start + 1)]);
    }
    start = end;
  }
  // Compared whatever its case, without a lowered copy.
  const auto listed = std::find_if(records.begin(), records.end(), [&](const Exchange* r) {
    return equals_ignoring_case(self, r->name);
  });
  if (!self.empty() && listed != records.end()) {
    const int own = (*listed)->preference;
    std::erase_if(records, [own](const Exchange* r) { return r->preference >= own; });
  }
  MxResult result{LookupStatus::kOk, {}};
  result.hosts.reserve(std::min(records.size(), max_hosts));
  for (const Exchange* r : records) {
    if (result.hosts.size() == max_hosts) break;
    if (r->node) result.hosts.push_back({r->name, r->preference, *r->node});
  }
  if (result.hosts.empty()) result.status = LookupStatus::kNotFound;
  return result;
}

}  // namespace mailsim::dns
