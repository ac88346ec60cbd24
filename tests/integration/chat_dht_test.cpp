// Contacts found through the Kademlia DHT: real daemons on 127.0.0.1, driven by the CLI. A node
// that knows a contact only by its PeerId reaches it through a node that knows where it is.
#include <gtest/gtest.h>

#include "chat_daemon.hpp"

namespace meshchat::test {
namespace {

TEST(ChatDht, ContactKnownOnlyByPeerIdIsFoundThroughACommonContact) {
  ChatDaemon alice("alice");
  ChatDaemon bob("bob");
  ChatDaemon carol("carol");
  ASSERT_TRUE(alice.start() && bob.start() && carol.start());
  // Bob knows both; Alice and Carol know only Bob, so neither has an address of the other.
  befriend(alice, bob);
  befriend(bob, carol);
  ASSERT_TRUE(wait_until([&] {
    auto contacts = nlohmann::json::parse(bob.cli({"contacts", "--json"}).out, nullptr, false);
    if (!contacts.is_array() || contacts.size() != 2) return false;
    for (const auto& contact : contacts) {
      if (contact["online"] != true) return false;
    }
    return true;
  })) << "Bob never saw both contacts online";

  EXPECT_EQ(alice.add_contact(carol.peer_id()), carol.peer_id());
  auto id = alice.send(carol.peer_id(), "found you through bob");
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(wait_until([&] {
    auto message = alice.find_message(carol.peer_id(), id);
    return !message.is_null() && message["status"] == "delivered";
  })) << alice.log_tail(40);
  auto received = carol.find_message(alice.peer_id(), id);
  ASSERT_FALSE(received.is_null());
  EXPECT_EQ(received["text"], "found you through bob");
}

}  // namespace
}  // namespace meshchat::test
