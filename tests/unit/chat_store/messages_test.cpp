// ChatStore messages: identity binding, outgoing and incoming envelopes with their checks,
// paging, full-text search of user text, envelopes, conversations and preferences.
#include <gtest/gtest.h>

#include <fstream>

#include "fixture.hpp"

namespace meshchat::chat {
namespace {

using namespace testing;

ConversationId alice_bob() {
  return direct_conversation_id(alice().peer, bob().peer);
}

std::int64_t message_rows(ChatStore& store) {
  return count_rows(store, "SELECT count(*) FROM messages");
}

TEST(ChatStoreOpen, BindsTheDatabaseToOneIdentity) {
  TempDir dir;
  { auto store = open_store(dir, alice()); }
  {
    auto again = ChatStore::open(dir.file("chat.db"), alice().peer, 2000);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->self(), alice().peer);
    EXPECT_EQ(count_rows(*again, "SELECT created_at FROM identity"), 1000);  // first open
  }
  auto other = ChatStore::open(dir.file("chat.db"), bob().peer, 3000);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error(), StoreError::wrong_identity);
  EXPECT_STREQ(other.error().category().name(), "chat store");
}

TEST(ChatStoreOpen, NotADatabaseIsAnError) {
  TempDir dir;
  std::ofstream(dir.file("chat.db")) << std::string(4096, 'x');
  EXPECT_FALSE(ChatStore::open(dir.file("chat.db"), alice().peer, 1000));
  EXPECT_FALSE(ChatStore::open(dir.file("missing/chat.db"), alice().peer, 1000));
}

TEST(ChatStoreMessages, OutgoingIsQueuedWithOutboxRowAndReceipt) {
  TempDir dir;
  auto store = open_store(dir);
  auto message = text(alice(), bob(), "hello bob", at(5));
  ASSERT_TRUE(store.insert_outgoing(message, bob().peer, 777));

  auto record = store.message(message.id());
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->text, "hello bob");
  EXPECT_EQ((*record)->author, alice().peer);
  EXPECT_EQ((*record)->conversation, alice_bob());
  EXPECT_EQ((*record)->timestamp, at(5));
  EXPECT_EQ((*record)->direction, store::Direction::outgoing);
  EXPECT_EQ((*record)->status, MessageStatus::queued);
  EXPECT_FALSE((*record)->edited);
  EXPECT_FALSE((*record)->deleted);

  auto outbox = store.outbox_for(bob().peer, 10);
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].id, message.id());
  EXPECT_EQ((*outbox)[0].peer, bob().peer);
  EXPECT_EQ((*outbox)[0].attempts, 0);
  EXPECT_EQ((*outbox)[0].next_attempt_at_ms, 777);
  EXPECT_EQ((*outbox)[0].envelope, message.encode());
  EXPECT_EQ(count_rows(store, "SELECT state FROM receipts"),
            static_cast<std::int64_t>(store::ReceiptState::queued));
  EXPECT_EQ(store.conversation_peer(alice_bob()).value(), std::optional(bob().peer));

  // The same envelope again: nothing new.
  ASSERT_TRUE(store.insert_outgoing(message, bob().peer, 999));
  EXPECT_EQ(store.outbox_size(), 1);
  EXPECT_EQ(store.next_outbox_attempt().value(), std::optional<std::int64_t>(777));
  EXPECT_EQ(message_rows(store), 1);
}

// The record insert_outgoing returns is built from the envelope, not read back: it must be
// exactly what a read gives, for every kind of message and for a repeated insert.
TEST(ChatStoreMessages, InsertOutgoingReturnsTheStoredRecord) {
  TempDir dir;
  auto store = open_store(dir);
  auto message = text(alice(), bob(), "first words", at(5));
  auto changed = edit(alice(), bob(), message.id(), "better words", at(6));
  auto removed = deletion(alice(), bob(), message.id(), at(7));
  for (const auto* envelope : {&message, &changed, &removed}) {
    auto returned = store.insert_outgoing(*envelope, bob().peer, 10);
    ASSERT_TRUE(returned);
    auto read = store.message(envelope->id());
    ASSERT_TRUE(read && *read);
    EXPECT_EQ(*returned, **read);
    auto again = store.insert_outgoing(*envelope, bob().peer, 20);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, **read);
  }
}

TEST(ChatStoreMessages, OutgoingRefusesForeignAuthorAndWrongRecipient) {
  TempDir dir;
  auto store = open_store(dir);
  auto from_bob = text(bob(), alice(), "not mine", at(1));
  auto r = store.insert_outgoing(from_bob, bob().peer, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreError::wrong_identity);

  auto to_bob = text(alice(), bob(), "for bob", at(1));
  r = store.insert_outgoing(to_bob, carol().peer, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreError::unknown_conversation);
  EXPECT_EQ(message_rows(store), 0);
  EXPECT_EQ(store.outbox_size(), 0);
  EXPECT_EQ(count_rows(store, "SELECT count(*) FROM conversations"), 0);
}

TEST(ChatStoreMessages, IncomingDuplicateChangesNothing) {
  TempDir dir;
  auto store = open_store(dir);
  auto message = text(bob(), alice(), "hi alice", at(3));
  EXPECT_EQ(store.insert_incoming(message, bob().peer, 10), true);
  auto record = store.message(message.id());
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->direction, store::Direction::incoming);
  EXPECT_EQ((*record)->status, MessageStatus::received);
  EXPECT_EQ(to_string((*record)->status), "received");

  ASSERT_EQ(store.mark_read(alice_bob(), 20)->size(), 1u);
  EXPECT_EQ(store.insert_incoming(message, bob().peer, 30), false);
  EXPECT_EQ(message_rows(store), 1);
  EXPECT_EQ((*store.message(message.id()))->status, MessageStatus::read);  // not reset
  EXPECT_EQ(store.outbox_size(), 0);
}

TEST(ChatStoreMessages, IncomingFromOutsideTheConversationIsRefused) {
  TempDir dir;
  auto store = open_store(dir);
  // Bob writes in his conversation with Carol and sends it to us.
  auto elsewhere = text(bob(), carol(), "psst", at(1));
  auto r = store.insert_incoming(elsewhere, bob().peer, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreError::unknown_conversation);

  // Carol forges her way into our conversation with Bob, relayed by Bob.
  auto forged = make_envelope(carol(), alice_bob(), at(2), ContentType::text,
                              Envelope::text_body("let me in"));
  r = store.insert_incoming(forged, bob().peer, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreError::not_member);
  // And sends it herself: not her conversation.
  r = store.insert_incoming(forged, carol().peer, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), StoreError::unknown_conversation);

  EXPECT_EQ(message_rows(store), 0);
  EXPECT_EQ(count_rows(store, "SELECT count(*) FROM conversations"), 0);
}

TEST(ChatStoreMessages, OwnMessageRestoredBySyncIsDeliveredWithoutOutbox) {
  TempDir dir;
  auto store = open_store(dir);
  auto mine = text(alice(), bob(), "I wrote this before reinstalling", at(4));
  EXPECT_EQ(store.insert_incoming(mine, bob().peer, 50), true);
  auto record = store.message(mine.id());
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->direction, store::Direction::outgoing);
  EXPECT_EQ((*record)->status, MessageStatus::delivered);
  EXPECT_EQ(store.outbox_size(), 0);
  EXPECT_EQ(count_rows(store, "SELECT state FROM receipts"),
            static_cast<std::int64_t>(store::ReceiptState::delivered));
  // Not ours to mark read, nor to report in our receipts.
  EXPECT_TRUE(store.mark_read(alice_bob(), 60)->empty());
  EXPECT_TRUE(store.local_receipts(alice_bob())->empty());
}

TEST(ChatStoreMessages, PagesNewestFirstReturnedOldestFirst) {
  TempDir dir;
  auto store = open_store(dir);
  // Ten messages; two share a wall time and differ by counter, inserted out of order.
  std::vector<Envelope> all;
  for (int i = 0; i < 10; ++i) {
    const bool from_bob = i % 2 == 0;
    const HlcTimestamp ts = i == 5 ? at(4, 1) : at(static_cast<std::uint64_t>(i));
    all.push_back(from_bob ? text(bob(), alice(), "m" + std::to_string(i), ts)
                           : text(alice(), bob(), "m" + std::to_string(i), ts));
  }
  for (int i : {9, 3, 5, 0, 7, 1, 8, 2, 6, 4}) {
    const Envelope& e = all[static_cast<std::size_t>(i)];
    if (e.author() == bob().peer) {
      ASSERT_TRUE(store.insert_incoming(e, bob().peer, 1));
    } else {
      ASSERT_TRUE(store.insert_outgoing(e, bob().peer, 1));
    }
  }
  MessageQuery query{.conversation = alice_bob(), .limit = 4, .before = {}, .search = {}};
  auto page = store.messages(query);
  ASSERT_TRUE(page);
  EXPECT_EQ(texts(*page), (std::vector<std::string>{"m6", "m7", "m8", "m9"}));
  query.before = page->front().id;
  page = store.messages(query);
  ASSERT_TRUE(page);
  EXPECT_EQ(texts(*page), (std::vector<std::string>{"m2", "m3", "m4", "m5"}));
  query.before = page->front().id;
  page = store.messages(query);
  ASSERT_TRUE(page);
  EXPECT_EQ(texts(*page), (std::vector<std::string>{"m0", "m1"}));
  query.before = page->front().id;
  page = store.messages(query);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->empty());

  query.limit = 1000;
  query.before.reset();
  EXPECT_EQ(store.messages(query)->size(), 10u);
}

TEST(ChatStoreMessages, QueryErrors) {
  TempDir dir;
  auto store = open_store(dir);
  auto in_bob = text(bob(), alice(), "bob", at(1));
  auto in_carol = text(carol(), alice(), "carol", at(1));
  ASSERT_TRUE(store.insert_incoming(in_bob, bob().peer, 1));
  ASSERT_TRUE(store.insert_incoming(in_carol, carol().peer, 1));

  MessageQuery query{.conversation = alice_bob(), .limit = 0, .before = {}, .search = {}};
  EXPECT_EQ(store.messages(query).error(), std::errc::invalid_argument);
  query.limit = kMaxMessagesPerQuery + 1;
  EXPECT_EQ(store.messages(query).error(), std::errc::invalid_argument);
  query.limit = 10;
  MessageId unknown;
  unknown.fill(0x55);
  query.before = unknown;
  EXPECT_EQ(store.messages(query).error(), StoreError::unknown_message);
  query.before = in_carol.id();  // exists, but in another conversation
  EXPECT_EQ(store.messages(query).error(), StoreError::unknown_message);
  query.before.reset();
  query.conversation.fill(0x77);
  EXPECT_EQ(store.messages(query).error(), StoreError::unknown_conversation);
}

TEST(ChatStoreMessages, SearchTreatsUserTextAsWords) {
  TempDir dir;
  auto store = open_store(dir);
  const std::vector<std::string> bodies = {
      "hello world",        "cats AND dogs",          "wild*card", "minus-sign here",
      "she said \"hi\" to", "NEAR the (parenthesis)", "col:value", "unrelated"};
  std::vector<MessageId> ids;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    auto e = text(bob(), alice(), bodies[i], at(i));
    ids.push_back(e.id());
    ASSERT_TRUE(store.insert_incoming(e, bob().peer, 1));
  }
  auto search = [&](std::string text) {
    MessageQuery query{.conversation = alice_bob(), .limit = 50, .before = {}, .search = text};
    auto found = store.messages(query);
    EXPECT_TRUE(found) << "search " << text << ": " << found.error().message() << " "
                       << store.database().last_error_message();
    std::vector<std::string> out;
    if (found) out = texts(*found);
    return out;
  };
  using Texts = std::vector<std::string>;
  EXPECT_EQ(search("hello"), Texts{"hello world"});
  EXPECT_EQ(search("world hello"), Texts{"hello world"});  // all words, any order
  EXPECT_EQ(search("hello cats"), Texts{});
  EXPECT_EQ(search("AND"), Texts{"cats AND dogs"});  // a word, not an operator
  EXPECT_EQ(search("cats OR hello"), Texts{});
  EXPECT_EQ(search("wild*"), Texts{"wild*card"});
  EXPECT_EQ(search("-sign"), Texts{"minus-sign here"});
  EXPECT_EQ(search("\"hi\""), Texts{"she said \"hi\" to"});
  EXPECT_EQ(search("NEAR("), Texts{"NEAR the (parenthesis)"});
  EXPECT_EQ(search("col:value"), Texts{"col:value"});
  EXPECT_EQ(search("CAFÉ"), Texts{});
  // Words without letters or digits match nothing, and are ignored next to real ones.
  EXPECT_EQ(search("\""), Texts{});
  EXPECT_EQ(search("hello \" *"), Texts{"hello world"});
  // Nothing to search for: no crash, and blank means no filter.
  for (std::string odd : {"\"", "*", "-", "(", ")", "\"\"\"", "^", ":", "AND", "NOT", "+"}) {
    (void)search(odd);
  }
  EXPECT_EQ(search("   ").size(), bodies.size());
  EXPECT_EQ(search("").size(), bodies.size());
}

TEST(ChatStoreMessages, EnvelopesInOrderUnknownSkipped) {
  TempDir dir;
  auto store = open_store(dir);
  auto a = text(bob(), alice(), "a", at(1));
  auto b = text(alice(), bob(), "b", at(2));
  ASSERT_TRUE(store.insert_incoming(a, bob().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(b, bob().peer, 1));
  MessageId unknown;
  unknown.fill(9);
  auto encoded = store.envelopes({b.id(), unknown, a.id()});
  ASSERT_TRUE(encoded);
  EXPECT_EQ(*encoded, (std::vector<Bytes>{b.encode(), a.encode()}));
  EXPECT_EQ(store.envelope(a.id()).value(), std::optional<Bytes>(a.encode()));
  EXPECT_EQ(store.envelope(unknown).value(), std::optional<Bytes>());
  // Limited to one conversation: Carol's message is not Bob's to fetch.
  auto for_carol = text(alice(), carol(), "c", at(3));
  ASSERT_TRUE(store.insert_outgoing(for_carol, carol().peer, 1));
  auto in_bobs = store.envelopes_in(alice_bob(), {for_carol.id(), a.id(), unknown, b.id()});
  ASSERT_TRUE(in_bobs);
  EXPECT_EQ(*in_bobs, (std::vector<Bytes>{a.encode(), b.encode()}));
  EXPECT_EQ(store.envelopes({for_carol.id()})->size(), 1u);
  // What is stored decodes to the same envelope.
  EXPECT_EQ(Envelope::decode(**store.envelope(b.id())), b);
}

TEST(ChatStoreMessages, LastTimestampIsTheGreatestStored) {
  TempDir dir;
  auto store = open_store(dir);
  EXPECT_EQ(store.last_timestamp(), HlcTimestamp{});
  ASSERT_TRUE(store.insert_incoming(text(bob(), alice(), "x", at(50, 2)), bob().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(text(alice(), bob(), "y", at(50, 7)), bob().peer, 1));
  ASSERT_TRUE(store.insert_incoming(text(carol(), alice(), "z", at(10)), carol().peer, 1));
  EXPECT_EQ(store.last_timestamp(), at(50, 7));
}

TEST(ChatStoreConversations, SummariesNewestActivityFirst) {
  TempDir dir;
  auto store = open_store(dir);
  auto carol_id = store.ensure_direct_conversation(carol().peer, 5);
  ASSERT_TRUE(carol_id);
  EXPECT_EQ(*carol_id, direct_conversation_id(alice().peer, carol().peer));
  EXPECT_EQ(store.ensure_direct_conversation(carol().peer, 6), *carol_id);  // idempotent

  auto first = text(bob(), alice(), "first", at(10));
  auto second = text(bob(), alice(), "second", at(20));
  auto reply = text(alice(), bob(), "reply", at(30));
  ASSERT_TRUE(store.insert_incoming(first, bob().peer, 1));
  ASSERT_TRUE(store.insert_incoming(second, bob().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(reply, bob().peer, 1));
  // An edit is activity of its own kind: it is neither counted nor the last message.
  ASSERT_TRUE(
      store.insert_incoming(edit(bob(), alice(), first.id(), "first!", at(40)), bob().peer, 1));

  auto summaries = store.conversations();
  ASSERT_TRUE(summaries);
  ASSERT_EQ(summaries->size(), 2u);
  const auto& bob_summary = (*summaries)[0];
  EXPECT_EQ(bob_summary.id, alice_bob());
  EXPECT_EQ(bob_summary.peer, bob().peer);
  EXPECT_EQ(bob_summary.message_count, 3);
  EXPECT_EQ(bob_summary.unread, 2);
  ASSERT_TRUE(bob_summary.last_message);
  EXPECT_EQ(bob_summary.last_message->text, "reply");
  const auto& carol_summary = (*summaries)[1];
  EXPECT_EQ(carol_summary.id, *carol_id);
  EXPECT_EQ(carol_summary.message_count, 0);
  EXPECT_FALSE(carol_summary.last_message);

  ASSERT_TRUE(store.mark_read(alice_bob(), 50));
  EXPECT_EQ((*store.conversations())[0].unread, 0);

  // Carol writes: her conversation moves to the top.
  ASSERT_TRUE(store.insert_incoming(text(carol(), alice(), "news", at(35)), carol().peer, 1));
  summaries = store.conversations();
  EXPECT_EQ((*summaries)[0].peer, carol().peer);
  EXPECT_EQ((*summaries)[0].unread, 1);

  ConversationId unknown;
  unknown.fill(1);
  EXPECT_EQ(store.conversation_peer(unknown).value(), std::optional<crypto::PeerId>());
}

TEST(ChatStorePreferences, SetGetReplace) {
  TempDir dir;
  auto store = open_store(dir);
  EXPECT_EQ(store.preference("theme").value(), std::optional<std::string>());
  ASSERT_TRUE(store.set_preference("theme", "dark"));
  ASSERT_TRUE(store.set_preference("theme", "light"));
  ASSERT_TRUE(store.set_preference("empty", ""));
  EXPECT_EQ(store.preference("theme").value(), std::optional<std::string>("light"));
  EXPECT_EQ(store.preference("empty").value(), std::optional<std::string>(""));
}

}  // namespace
}  // namespace meshchat::chat
