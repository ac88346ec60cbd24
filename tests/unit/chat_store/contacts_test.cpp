// ChatStore contacts: upsert, nickname handling, lookup priority, ambiguity, removal, and the
// addresses peers were seen at.
#include <gtest/gtest.h>

#include "../store/query.hpp"
#include "fixture.hpp"

namespace meshchat::chat {
namespace {

using namespace testing;

ContactRecord contact_of(const Identity& who, std::string name,
                         std::optional<std::string> nickname = std::nullopt) {
  return ContactRecord{.peer_id = who.peer,
                       .name = std::move(name),
                       .nickname = std::move(nickname),
                       .added_at_ms = 0,
                       .addresses = {}};
}

Multiaddr tcp(std::uint16_t port) {
  return Multiaddr::tcp("127.0.0.1", port);
}

TEST(ChatStoreContacts, UpsertKeepsNicknameAndFirstAddedTime) {
  TempDir dir;
  auto store = open_store(dir);
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "bob", "Bobby"), 5000));
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "robert"), 9000));  // nickname nullopt: kept

  auto found = store.contact(bob().peer);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "robert");
  EXPECT_EQ((*found)->nickname, "Bobby");
  EXPECT_EQ((*found)->added_at_ms, 5000);
  EXPECT_EQ((*found)->display_name(), "Bobby");

  ASSERT_TRUE(store.add_contact(contact_of(bob(), "robert", "Rob"), 9500));  // replaced
  EXPECT_EQ((*store.contact(bob().peer))->nickname, "Rob");

  EXPECT_FALSE(*store.contact(carol().peer));
}

TEST(ChatStoreContacts, DisplayNameFallsBackToNameThenPeerId) {
  ContactRecord contact = contact_of(bob(), "", std::string());
  EXPECT_EQ(contact.display_name(), bob().peer.to_base58());
  contact.name = "bob";
  EXPECT_EQ(contact.display_name(), "bob");
  contact.nickname = "B";
  EXPECT_EQ(contact.display_name(), "B");
}

TEST(ChatStoreContacts, ListedByDisplayName) {
  TempDir dir;
  auto store = open_store(dir);
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "zed", "anna"), 1));
  ASSERT_TRUE(store.add_contact(contact_of(carol(), "Carol"), 2));
  ASSERT_TRUE(store.add_contact(contact_of(alice(), "Mallory"), 3));
  auto all = store.contacts();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].display_name(), "anna");
  EXPECT_EQ((*all)[1].display_name(), "Carol");
  EXPECT_EQ((*all)[2].display_name(), "Mallory");
}

TEST(ChatStoreContacts, FindByPeerIdThenNicknameThenName) {
  TempDir dir;
  auto store = open_store(dir);
  // Carol's nickname is Bob's announced name: the nickname wins.
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "bob"), 1));
  ASSERT_TRUE(store.add_contact(contact_of(carol(), "carol", "bob"), 2));

  auto by_id = store.find_contact(bob().peer.to_base58());
  ASSERT_TRUE(by_id && *by_id);
  EXPECT_EQ((*by_id)->peer_id, bob().peer);
  auto by_cid = store.find_contact(carol().peer.to_cid());
  ASSERT_TRUE(by_cid && *by_cid);
  EXPECT_EQ((*by_cid)->peer_id, carol().peer);

  auto by_nickname = store.find_contact("bob");
  ASSERT_TRUE(by_nickname && *by_nickname);
  EXPECT_EQ((*by_nickname)->peer_id, carol().peer);

  auto by_name = store.find_contact("carol");
  ASSERT_TRUE(by_name && *by_name);
  EXPECT_EQ((*by_name)->peer_id, carol().peer);

  auto none = store.find_contact("dave");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  // A PeerId nobody is a contact of.
  auto stranger = store.find_contact(alice().peer.to_base58());
  ASSERT_TRUE(stranger);
  EXPECT_FALSE(*stranger);
  // Exact match only.
  EXPECT_FALSE(*store.find_contact("Bob"));
}

TEST(ChatStoreContacts, SameNameTwiceIsAmbiguous) {
  TempDir dir;
  auto store = open_store(dir);
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "sam"), 1));
  ASSERT_TRUE(store.add_contact(contact_of(carol(), "sam"), 2));
  auto found = store.find_contact("sam");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error(), StoreError::ambiguous_contact);
  EXPECT_EQ(found.error().message(), "several contacts match that name");

  // A nickname disambiguates; the PeerId always does.
  ASSERT_TRUE(store.rename_contact(carol().peer, "sam"));
  found = store.find_contact("sam");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->peer_id, carol().peer);
}

TEST(ChatStoreContacts, RemoveKeepsHistoryAndOutbox) {
  TempDir dir;
  auto store = open_store(dir);
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "bob"), 1));
  auto message = text(alice(), bob(), "hi", at(1));
  ASSERT_TRUE(store.insert_outgoing(message, bob().peer, 10));

  EXPECT_EQ(store.remove_contact(bob().peer), true);
  EXPECT_EQ(store.remove_contact(bob().peer), false);
  EXPECT_FALSE(*store.contact(bob().peer));
  EXPECT_TRUE(*store.message(message.id()));
  EXPECT_EQ(store.outbox_size(), 1);
}

TEST(ChatStoreContacts, RenameSetsAndClearsNickname) {
  TempDir dir;
  auto store = open_store(dir);
  EXPECT_EQ(store.rename_contact(bob().peer, "B"), false);  // no such contact
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "bob"), 1));
  EXPECT_EQ(store.rename_contact(bob().peer, "B"), true);
  EXPECT_EQ((*store.contact(bob().peer))->nickname, "B");
  EXPECT_EQ(store.rename_contact(bob().peer, std::nullopt), true);
  EXPECT_EQ((*store.contact(bob().peer))->nickname, std::nullopt);
}

TEST(ChatStoreContacts, VerifiedIsSetClearedAndKeptWhenReAdded) {
  TempDir dir;
  auto store = open_store(dir);
  EXPECT_EQ(store.set_contact_verified(bob().peer, std::string(60, '1')), false);  // no contact
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "bob"), 1));
  EXPECT_FALSE((*store.contact(bob().peer))->verified);
  EXPECT_EQ(store.set_contact_verified(bob().peer, std::string(60, '1')), true);
  EXPECT_TRUE((*store.contact(bob().peer))->verified);
  EXPECT_EQ(store::testing::query_text(store.database(), "SELECT safety_number FROM contacts"),
            std::string(60, '1'));
  // A new invite from the same peer (same key) does not undo the comparison.
  ASSERT_TRUE(store.add_contact(contact_of(bob(), "bobby"), 2));
  EXPECT_TRUE((*store.contact(bob().peer))->verified);
  EXPECT_TRUE((*store.contacts())[0].verified);
  EXPECT_EQ(store.set_contact_verified(bob().peer, std::nullopt), true);
  EXPECT_FALSE((*store.contact(bob().peer))->verified);
  EXPECT_EQ(store::testing::query_int(store.database(),
                                      "SELECT count(*) FROM contacts WHERE safety_number IS NULL"),
            1);
}

TEST(ChatStoreContacts, AddressesNewestFirstAndCapped) {
  TempDir dir;
  auto store = open_store(dir);
  ContactRecord contact = contact_of(bob(), "bob");
  contact.addresses = {tcp(1000)};
  ASSERT_TRUE(store.add_contact(contact, 100));
  ASSERT_TRUE(store.record_addresses(bob().peer, {tcp(2000)}, 200));
  ASSERT_TRUE(store.record_addresses(bob().peer, {tcp(3000)}, 300));
  EXPECT_EQ(store.addresses(bob().peer), (std::vector<Multiaddr>{tcp(3000), tcp(2000), tcp(1000)}));
  // Seen again: moves to the front.
  ASSERT_TRUE(store.record_addresses(bob().peer, {tcp(1000)}, 400));
  EXPECT_EQ(store.addresses(bob().peer), (std::vector<Multiaddr>{tcp(1000), tcp(3000), tcp(2000)}));
  // An older sighting reported late does not move it back.
  ASSERT_TRUE(store.record_addresses(bob().peer, {tcp(1000)}, 50));
  EXPECT_EQ(store.addresses(bob().peer)->front(), tcp(1000));

  for (std::uint16_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(store.record_addresses(bob().peer, {tcp(5000 + i)}, 1000 + i));
  }
  auto addresses = store.addresses(bob().peer);
  ASSERT_TRUE(addresses);
  ASSERT_EQ(addresses->size(), kMaxAddressesPerPeer);
  EXPECT_EQ(addresses->front(), tcp(5019));
  EXPECT_EQ(addresses->back(), tcp(5004));
  // Pruned on disk, not only in the answer.
  EXPECT_EQ(count_rows(store, "SELECT count(*) FROM peer_addresses"), 16);

  auto with_addresses = store.contact(bob().peer);
  ASSERT_TRUE(with_addresses && *with_addresses);
  EXPECT_EQ((*with_addresses)->addresses, *addresses);
  EXPECT_TRUE(store.addresses(carol().peer)->empty());
}

}  // namespace
}  // namespace meshchat::chat
