// Receipts move message states forward only and empty the outbox; mark_read, local receipts,
// outbox scheduling and sync items.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture.hpp"

namespace meshchat::chat {
namespace {

using namespace testing;
using store::ReceiptState;

ConversationId alice_bob() {
  return direct_conversation_id(alice().peer, bob().peer);
}

MessageStatus status_of(ChatStore& store, const MessageId& id) {
  auto record = store.message(id);
  if (!record || !*record) throw std::runtime_error("no such message");
  return (*record)->status;
}

std::int64_t receipt_state(ChatStore& store, const MessageId& id, const crypto::PeerId& peer) {
  auto st = store.database().prepare(
      "SELECT state FROM receipts WHERE peer_id = ?2 AND message_seq ="
      " (SELECT seq FROM messages WHERE id = ?1)");
  EXPECT_TRUE(st);
  st->bind_blob(1, ByteView(id.data(), id.size())).bind_blob(2, peer.bytes());
  auto row = st->step();
  EXPECT_TRUE(row && *row);
  return st->column_int64(0);
}

TEST(ChatStoreReceipts, DeliveredThenReadMovesForward) {
  TempDir dir;
  auto store = open_store(dir);
  auto message = text(alice(), bob(), "hi", at(1));
  ASSERT_TRUE(store.insert_outgoing(message, bob().peer, 10));

  auto updates = store.apply_receipts(bob().peer, {message.id()}, ReceiptState::delivered, 20);
  ASSERT_TRUE(updates);
  ASSERT_EQ(updates->size(), 1u);
  EXPECT_EQ((*updates)[0].id, message.id());
  EXPECT_EQ((*updates)[0].status, MessageStatus::delivered);
  EXPECT_EQ(status_of(store, message.id()), MessageStatus::delivered);
  EXPECT_EQ(store.outbox_size(), 0);
  EXPECT_EQ(receipt_state(store, message.id(), bob().peer), 1);

  // The same receipt again changes nothing.
  EXPECT_TRUE(
      store.apply_receipts(bob().peer, {message.id()}, ReceiptState::delivered, 25)->empty());

  updates = store.apply_receipts(bob().peer, {message.id()}, ReceiptState::read, 30);
  ASSERT_EQ(updates->size(), 1u);
  EXPECT_EQ((*updates)[0].status, MessageStatus::read);
  EXPECT_EQ(status_of(store, message.id()), MessageStatus::read);
  EXPECT_EQ(receipt_state(store, message.id(), bob().peer), 2);
}

TEST(ChatStoreReceipts, LateDeliveredNeverUndoesRead) {
  TempDir dir;
  auto store = open_store(dir);
  auto message = text(alice(), bob(), "hi", at(1));
  ASSERT_TRUE(store.insert_outgoing(message, bob().peer, 10));
  auto updates = store.apply_receipts(bob().peer, {message.id()}, ReceiptState::read, 20);
  ASSERT_EQ(updates->size(), 1u);
  EXPECT_EQ((*updates)[0].status, MessageStatus::read);
  EXPECT_EQ(store.outbox_size(), 0);  // read implies delivered

  updates = store.apply_receipts(bob().peer, {message.id()}, ReceiptState::delivered, 30);
  ASSERT_TRUE(updates);
  EXPECT_TRUE(updates->empty());
  EXPECT_EQ(status_of(store, message.id()), MessageStatus::read);
  EXPECT_EQ(receipt_state(store, message.id(), bob().peer), 2);
}

TEST(ChatStoreReceipts, ForeignReceiptsAreIgnored) {
  TempDir dir;
  auto store = open_store(dir);
  auto mine = text(alice(), bob(), "to bob", at(1));
  auto theirs = text(bob(), alice(), "from bob", at(2));
  ASSERT_TRUE(store.insert_outgoing(mine, bob().peer, 10));
  ASSERT_TRUE(store.insert_incoming(theirs, bob().peer, 10));
  MessageId unknown;
  unknown.fill(3);

  // Carol cannot acknowledge a message of our conversation with Bob.
  EXPECT_TRUE(store.apply_receipts(carol().peer, {mine.id()}, ReceiptState::read, 20)->empty());
  // Bob cannot mark his own message (or an unknown one) as read on our side.
  EXPECT_TRUE(
      store.apply_receipts(bob().peer, {theirs.id(), unknown}, ReceiptState::read, 20)->empty());
  // "queued" from a peer means nothing.
  EXPECT_TRUE(store.apply_receipts(bob().peer, {mine.id()}, ReceiptState::queued, 20)->empty());

  EXPECT_EQ(status_of(store, mine.id()), MessageStatus::queued);
  EXPECT_EQ(status_of(store, theirs.id()), MessageStatus::received);
  EXPECT_EQ(store.outbox_size(), 1);
  EXPECT_EQ(count_rows(store, "SELECT count(*) FROM receipts"), 1);  // only the queued one
}

TEST(ChatStoreReceipts, BatchReportsOnlyChangedMessages) {
  TempDir dir;
  auto store = open_store(dir);
  std::vector<MessageId> ids;
  for (int i = 0; i < 5; ++i) {
    auto e = text(alice(), bob(), "m" + std::to_string(i), at(static_cast<std::uint64_t>(i)));
    ids.push_back(e.id());
    ASSERT_TRUE(store.insert_outgoing(e, bob().peer, 10));
  }
  ASSERT_EQ(store.apply_receipts(bob().peer, {ids[1], ids[3]}, ReceiptState::delivered, 20)->size(),
            2u);
  auto updates = store.apply_receipts(bob().peer, ids, ReceiptState::delivered, 30);
  ASSERT_TRUE(updates);
  std::vector<MessageId> changed;
  for (const auto& u : *updates) changed.push_back(u.id);
  EXPECT_EQ(changed, (std::vector<MessageId>{ids[0], ids[2], ids[4]}));
  EXPECT_EQ(store.outbox_size(), 0);
}

TEST(ChatStoreReceipts, MarkReadAndLocalReceipts) {
  TempDir dir;
  auto store = open_store(dir);
  auto one = text(bob(), alice(), "one", at(1));
  auto two = text(bob(), alice(), "two", at(2));
  auto mine = text(alice(), bob(), "mine", at(3));
  auto other = text(carol(), alice(), "carol", at(4));
  ASSERT_TRUE(store.insert_incoming(two, bob().peer, 1));
  ASSERT_TRUE(store.insert_incoming(one, bob().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(mine, bob().peer, 1));
  ASSERT_TRUE(store.insert_incoming(other, carol().peer, 1));

  auto receipts = store.local_receipts(alice_bob());
  ASSERT_TRUE(receipts);
  using Pairs = std::vector<std::pair<MessageId, ReceiptState>>;
  EXPECT_EQ(*receipts,
            (Pairs{{one.id(), ReceiptState::delivered}, {two.id(), ReceiptState::delivered}}));

  auto read = store.mark_read(alice_bob(), 10);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, (std::vector<MessageId>{one.id(), two.id()}));
  EXPECT_EQ(status_of(store, one.id()), MessageStatus::read);
  EXPECT_EQ(status_of(store, mine.id()), MessageStatus::queued);     // ours: untouched
  EXPECT_EQ(status_of(store, other.id()), MessageStatus::received);  // other conversation
  EXPECT_EQ(*store.local_receipts(alice_bob()),
            (Pairs{{one.id(), ReceiptState::read}, {two.id(), ReceiptState::read}}));
  EXPECT_TRUE(store.mark_read(alice_bob(), 20)->empty());  // only newly read ids

  auto three = text(bob(), alice(), "three", at(5));
  ASSERT_TRUE(store.insert_incoming(three, bob().peer, 1));
  EXPECT_EQ(*store.mark_read(alice_bob(), 30), std::vector<MessageId>{three.id()});
}

TEST(ChatStoreOutbox, DueRescheduleAndNextAttempt) {
  TempDir dir;
  auto store = open_store(dir);
  EXPECT_EQ(store.next_outbox_attempt().value(), std::optional<std::int64_t>());
  auto early = text(alice(), bob(), "early", at(1));
  auto late = text(alice(), bob(), "late", at(2));
  auto for_carol = text(alice(), carol(), "carol", at(3));
  ASSERT_TRUE(store.insert_outgoing(late, bob().peer, 100));
  ASSERT_TRUE(store.insert_outgoing(early, bob().peer, 100));
  ASSERT_TRUE(store.insert_outgoing(for_carol, carol().peer, 150));
  EXPECT_EQ(store.outbox_size(), 3);
  EXPECT_EQ(store.next_outbox_attempt().value(), std::optional<std::int64_t>(100));

  auto peers = store.outbox_peers();
  ASSERT_TRUE(peers);
  auto expected_peers = std::vector<crypto::PeerId>{bob().peer, carol().peer};
  std::sort(expected_peers.begin(), expected_peers.end(),
            [](const auto& a, const auto& b) { return a.bytes() < b.bytes(); });
  EXPECT_EQ(*peers, expected_peers);

  // HLC order for one peer, whatever the insertion order.
  auto bobs = store.outbox_for(bob().peer, 10);
  ASSERT_TRUE(bobs);
  ASSERT_EQ(bobs->size(), 2u);
  EXPECT_EQ((*bobs)[0].id, early.id());
  EXPECT_EQ((*bobs)[1].id, late.id());
  EXPECT_EQ(store.outbox_for(bob().peer, 1)->size(), 1u);

  EXPECT_TRUE(store.due_outbox(99, 10)->empty());
  auto due = store.due_outbox(100, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, early.id());

  ASSERT_TRUE(store.reschedule(early.id(), bob().peer, 1, 400));
  due = store.due_outbox(200, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, late.id());       // due at 100
  EXPECT_EQ((*due)[1].id, for_carol.id());  // due at 150
  EXPECT_EQ(store.next_outbox_attempt().value(), std::optional<std::int64_t>(100));
  auto rescheduled = store.outbox_for(bob().peer, 10);
  EXPECT_EQ((*rescheduled)[0].attempts, 1);
  EXPECT_EQ((*rescheduled)[0].next_attempt_at_ms, 400);

  // A receipt that beat the retry: rescheduling the removed row is harmless.
  ASSERT_TRUE(store.apply_receipts(bob().peer, {late.id()}, ReceiptState::delivered, 300));
  ASSERT_TRUE(store.reschedule(late.id(), bob().peer, 2, 900));
  EXPECT_EQ(store.outbox_size(), 2);
  EXPECT_EQ(store.next_outbox_attempt().value(), std::optional<std::int64_t>(150));
  EXPECT_EQ(store.due_outbox(1000, 1)->size(), 1u);
}

TEST(ChatStoreSync, ItemsCoverEveryRowOfTheConversation) {
  TempDir dir;
  auto store = open_store(dir);
  auto a = text(bob(), alice(), "a", at(10, 1));
  auto b = text(alice(), bob(), "b", at(5));
  auto c = edit(bob(), alice(), a.id(), "a2", at(20));
  auto d = deletion(alice(), bob(), b.id(), at(30, 70000));  // counter clamped to 16 bits
  auto elsewhere = text(carol(), alice(), "x", at(1));
  ASSERT_TRUE(store.insert_incoming(a, bob().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(b, bob().peer, 1));
  ASSERT_TRUE(store.insert_incoming(c, bob().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(d, bob().peer, 1));
  ASSERT_TRUE(store.insert_incoming(elsewhere, carol().peer, 1));

  auto items = store.sync_items(alice_bob());
  ASSERT_TRUE(items);
  std::vector<sync::Item> expected;
  for (const Envelope* e : {&b, &a, &c, &d}) {
    expected.push_back({sync_timestamp(e->timestamp()), e->id()});
  }
  EXPECT_EQ(*items, expected);
  EXPECT_EQ(expected.back().timestamp, ((kBaseWallMs + 30) << 16) | 0xFFFF);
  ConversationId none;
  none.fill(0);
  EXPECT_TRUE(store.sync_items(none)->empty());
}

}  // namespace
}  // namespace meshchat::chat
