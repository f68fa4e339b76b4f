// mailsim generate's scenarios: deterministic, loadable, with the traffic asked for, and
// runnable without a message going astray.
#include "mailsim/scenario/generator.h"

#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "mailsim/scenario/config.h"
#include "mailsim/scenario/world.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using mailsim::scenario::generate_scenario;
using mailsim::scenario::GeneratorOptions;
using mailsim::scenario::load_scenario;

namespace {

GeneratorOptions options(int domains, std::int64_t messages, int days, std::uint64_t seed) {
  GeneratorOptions o;
  o.name = "gen";
  o.domains = domains;
  o.messages = messages;
  o.days = days;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("the generator writes the same text for the same seed, another for another") {
  const std::string a = generate_scenario(options(200, 10'000, 2, 5));
  CHECK(a == generate_scenario(options(200, 10'000, 2, 5)));
  CHECK(a != generate_scenario(options(200, 10'000, 2, 6)));
}

TEST_CASE("a generated scenario has the domains and the message rate asked for") {
  const ScenarioFile f(generate_scenario(options(1000, 1'000'000, 7, 1)));
  const auto c = load_scenario(f.path());
  std::set<std::string> domains;
  for (const auto& mx : c.dns.mx) domains.insert(mx.domain);
  CHECK(domains.size() == 1000);
  REQUIRE(c.groups.size() == 1000);  // one sender group per domain
  // The groups' mean rates over 7 days add up to the million messages (each rate is
  // written with 9 significant digits).
  double per_second = 0;
  for (const auto& g : c.groups) per_second += g.rate_per_second;
  CHECK(per_second * 7 * 86'400 == Approx(1'000'000).epsilon(1e-6));
  CHECK(c.duration == Duration::days(7));
  // Every recipient's domain has MX records: the population is the domains' users.
  const auto& population = c.groups[0].recipients.population;
  for (std::uint64_t i = 0; i < population.size(); i += 997) {
    const std::string a = population.at(i);
    REQUIRE(domains.contains(a.substr(a.find('@') + 1)));
  }
  CHECK(!c.outages.empty());
}

TEST_CASE("a generated scenario greylists at the second provider and a fifth of the companies") {
  const ScenarioFile f(generate_scenario(options(1000, 1'000'000, 7, 1)));
  const auto c = load_scenario(f.path());
  int companies = 0;
  int company_greylists = 0;
  for (const auto& m : c.mtas) {
    const auto& g = m.mta.receive.greylist;
    const std::string& name = m.mta.name;
    if (name.starts_with("p")) {
      // Both of p2's MX hosts run postgrey with its §5 values; p1's and p3's do not.
      CHECK(g.enabled == name.starts_with("p2-"));
      if (g.enabled) {
        CHECK(g.preset == "postgrey");
        CHECK(g.delay == Duration::seconds(300));
      }
    } else if (name.starts_with("co") && !name.ends_with("-mx2")) {
      ++companies;
      company_greylists += g.enabled ? 1 : 0;
    } else {
      CHECK_FALSE(g.enabled);  // universities and backup MX hosts do not greylist
    }
  }
  // Each company greylists with probability 0.2: Binomial(655, 0.2), mean 131, sigma
  // sqrt(655 * 0.2 * 0.8) = 10.2; within 4 sigma.
  REQUIRE(companies == 655);
  CHECK(std::abs(company_greylists - 131) <= 41);
}

TEST_CASE("the shipped isp-scale.yaml is what mailsim generate writes for it") {
  GeneratorOptions o = options(1000, 1'000'000, 7, 1);
  o.name = "isp-scale";
  o.command =
      "mailsim generate --domains 1000 --messages 1000000 --days 7 --seed 1 --name isp-scale";
  std::ifstream in(MAILSIM_SOURCE_DIR "/scenarios/isp-scale.yaml", std::ios::binary);
  const std::string shipped{std::istreambuf_iterator<char>(in), {}};
  CHECK(shipped == generate_scenario(o));
}

TEST_CASE("a generated scenario runs and every recipient exists") {
  // 100 domains, 400 messages in a day: every recipient is a generated user, so none is
  // bounced; the count created is Poisson(400), within 5 sigma = 100.
  const ScenarioFile f(generate_scenario(options(100, 400, 1, 3)));
  mailsim::scenario::World world(load_scenario(f.path()));
  double created = 0;
  double bounced = 0;
  double delivered = 0;
  world.events().message_created.connect([&](const mailsim::mta::MessageCreated&) { ++created; });
  world.events().recipient_final.connect([&](const mailsim::mta::RecipientFinal& r) {
    bounced += r.status == mailsim::mta::FinalStatus::kBounced ? 1 : 0;
    delivered += r.status == mailsim::mta::FinalStatus::kDelivered ? 1 : 0;
  });
  world.run(Time::zero() + Duration::days(1));
  CHECK(std::abs(created - 400) <= 100);
  CHECK(bounced == 0);
  CHECK(delivered > created);  // 1.45 recipients a message on average
}
