// Safety numbers between two real daemons, through the CLI: both sides show the same 60 digits,
// a mistyped number is refused, the right one marks the contact verified (also in the offline
// contact list), and --undo clears it.
#include <gtest/gtest.h>

#include "chat_daemon.hpp"

namespace meshchat::test {
namespace {

nlohmann::json parse(const RunResult& result) {
  EXPECT_EQ(result.status, 0) << result.err;
  return nlohmann::json::parse(result.out, nullptr, false);
}

bool verified_in_list(ChatDaemon& daemon, const std::string& peer_id) {
  auto contacts = parse(daemon.cli({"contacts", "--json"}));
  for (const auto& contact : contacts) {
    if (contact["peer_id"] == peer_id) return contact["verified"].get<bool>();
  }
  ADD_FAILURE() << peer_id << " is not in the contact list";
  return false;
}

TEST(ChatVerify, SafetyNumbersMatchAndMarkTheContactVerified) {
  ChatDaemon alice("alice");
  ChatDaemon bob("bob");
  ASSERT_TRUE(alice.start() && bob.start());
  befriend(alice, bob);

  auto seen_by_alice = parse(alice.cli({"safety-number", "bob", "--json"}));
  auto seen_by_bob = parse(bob.cli({"safety-number", "alice", "--json"}));
  auto number = seen_by_alice["safety_number"].get<std::string>();
  ASSERT_EQ(number.size(), 60u);
  EXPECT_EQ(seen_by_bob["safety_number"], number);
  EXPECT_EQ(seen_by_alice["verified"], false);

  // The human form, as Bob reads it out: twelve groups of five on two lines.
  auto shown = bob.cli({"safety-number", "alice"});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_EQ(shown.out.substr(0, 5), number.substr(0, 5));
  EXPECT_NE(shown.out.find("not verified"), std::string::npos) << shown.out;

  auto mistyped = number;
  mistyped[59] = mistyped[59] == '0' ? '1' : '0';
  auto refused = alice.cli({"verify", "bob", mistyped});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("safety numbers differ"), std::string::npos) << refused.err;
  EXPECT_FALSE(verified_in_list(alice, bob.peer_id()));

  auto accepted = alice.cli({"verify", "bob", number.substr(0, 30), number.substr(30)});
  ASSERT_EQ(accepted.status, 0) << accepted.err;
  EXPECT_EQ(accepted.out, "verified bob\n");
  EXPECT_TRUE(verified_in_list(alice, bob.peer_id()));
  EXPECT_FALSE(verified_in_list(bob, alice.peer_id()));  // each side verifies for itself

  ASSERT_EQ(alice.stop(), std::optional<int>(0));
  EXPECT_TRUE(verified_in_list(alice, bob.peer_id()));  // read from the database
  ASSERT_TRUE(alice.start());
  ASSERT_EQ(alice.cli({"verify", "bob", "--undo"}).status, 0);
  EXPECT_FALSE(verified_in_list(alice, bob.peer_id()));
}

}  // namespace
}  // namespace meshchat::test
