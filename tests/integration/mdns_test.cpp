// mDNS discovery between real daemons, each in its own network namespace joined by a veth pair:
// contacts whose stored addresses are wrong find each other on the local network and chat.
#include <gtest/gtest.h>

#include "chat_daemon.hpp"
#include "netns.hpp"

namespace meshchat::test {
namespace {

// Alice and Bob running with mDNS on, each in one of the two namespaces.
class Mdns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!network.available()) GTEST_SKIP() << network.why_not();
    ASSERT_TRUE(alice.start());
    ASSERT_TRUE(bob.start());
  }

  NetnsPair network;
  ChatDaemon alice{"alice", network.a()};
  ChatDaemon bob{"bob", network.b()};
};

TEST_F(Mdns, ContactsFindEachOtherOnTheLocalNetwork) {
  // Each knows the other only at a port nobody listens on: only mDNS can bring them together,
  // whether the announcement came before the contact was added (the nearby list) or after.
  EXPECT_EQ(alice.add_contact("/ip4/" + network.address_b() + "/tcp/9/p2p/" + bob.peer_id()),
            bob.peer_id());
  EXPECT_EQ(bob.add_contact("/ip4/" + network.address_a() + "/tcp/9/p2p/" + alice.peer_id()),
            alice.peer_id());

  auto id = alice.send(bob.peer_id(), "found you on the LAN");
  ASSERT_FALSE(id.empty());
  bool delivered = wait_until([&] {
    auto message = alice.find_message(bob.peer_id(), id);
    return !message.is_null() && message["status"] == "delivered";
  });
  EXPECT_TRUE(delivered) << alice.log_tail(40);
  auto received = bob.find_message(alice.peer_id(), id);
  ASSERT_FALSE(received.is_null());
  EXPECT_EQ(received["text"], "found you on the LAN");

  // Both logs say discovery ran on the veth interface.
  EXPECT_NE(alice.log_tail(400).find("mDNS discovery on 1 interface"), std::string::npos);
}

// A peer nobody knew: it shows up in `nearby`, is added by its PeerId alone and gets a message.
TEST_F(Mdns, NearbyPeerAddedByPeerIdGetsMessages) {
  nlohmann::json seen;
  bool listed = wait_until([&] {
    auto result = alice.cli({"nearby", "--json"});
    if (result.status != 0) return false;
    seen = nlohmann::json::parse(result.out, nullptr, false);
    if (!seen.is_array()) return false;
    for (const auto& peer : seen) {
      if (peer["peer_id"] == bob.peer_id()) return true;
    }
    return false;
  });
  ASSERT_TRUE(listed) << seen.dump();
  for (const auto& peer : seen) {
    if (peer["peer_id"] != bob.peer_id()) continue;
    EXPECT_EQ(peer["known"], false);
    // Bob announced the veth address, not loopback.
    EXPECT_EQ(peer["addresses"].size(), 1u) << peer.dump();
    EXPECT_EQ(
        peer["addresses"][0].get<std::string>().rfind("/ip4/" + network.address_b() + "/tcp/", 0),
        0u)
        << peer.dump();
  }

  EXPECT_EQ(alice.add_contact(bob.peer_id()), bob.peer_id());
  auto id = alice.send(bob.peer_id(), "hello, neighbour");
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(wait_until([&] {
    auto message = alice.find_message(bob.peer_id(), id);
    return !message.is_null() && message["status"] == "delivered";
  })) << alice.log_tail(40);
  auto received = bob.find_message(alice.peer_id(), id);
  ASSERT_FALSE(received.is_null());
  EXPECT_EQ(received["text"], "hello, neighbour");
}

}  // namespace
}  // namespace meshchat::test
