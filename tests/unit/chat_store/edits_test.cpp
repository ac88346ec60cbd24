// Edits and deletions: last writer wins by (HLC, id) whatever order rows arrive in, only the
// target's author counts, and the full-text index follows the effective text.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "fixture.hpp"

namespace meshchat::chat {
namespace {

using namespace testing;

ConversationId alice_bob() {
  return direct_conversation_id(alice().peer, bob().peer);
}

std::vector<std::string> search(ChatStore& store, std::string words) {
  MessageQuery query{.conversation = alice_bob(), .limit = 50, .before = {}, .search = words};
  auto found = store.messages(query);
  EXPECT_TRUE(found) << store.database().last_error_message();
  return found ? texts(*found) : std::vector<std::string>{};
}

void expect_fts_consistent(ChatStore& store) {
  EXPECT_TRUE(store.index_pending_text());
  auto r = store.database().execute(
      "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");
  EXPECT_TRUE(r) << store.database().last_error_message();
}

// What a message looks like once every row is in.
struct Outcome {
  std::string text;
  bool edited;
  bool deleted;
  std::vector<std::string> listed;  // every text in the conversation listing
  bool operator==(const Outcome&) const = default;
};

Outcome outcome_of(ChatStore& store, const MessageId& target) {
  auto record = store.message(target);
  EXPECT_TRUE(record && *record);
  MessageQuery query{.conversation = alice_bob(), .limit = 50, .before = {}, .search = {}};
  return {(*record)->text, (*record)->edited, (*record)->deleted, texts(*store.messages(query))};
}

// Bob's message, two edits and a deletion, each arriving in every possible order.
void check_all_orders(const std::array<Envelope, 4>& rows, const Outcome& expected) {
  std::array<int, 4> order = {0, 1, 2, 3};
  int permutations = 0;
  do {
    TempDir dir;
    auto store = open_store(dir);
    for (int i : order) {
      ASSERT_EQ(store.insert_incoming(rows[static_cast<std::size_t>(i)], bob().peer, 1), true);
    }
    EXPECT_EQ(outcome_of(store, rows[0].id()), expected)
        << "order " << order[0] << order[1] << order[2] << order[3];
    expect_fts_consistent(store);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 24);
}

TEST(ChatStoreEdits, LastEditAfterDeletionWinsInAnyOrder) {
  auto target = text(bob(), alice(), "original words", at(100));
  std::array<Envelope, 4> rows = {
      target,
      edit(bob(), alice(), target.id(), "first revision", at(110)),
      edit(bob(), alice(), target.id(), "second revision", at(130)),
      deletion(bob(), alice(), target.id(), at(120)),
  };
  check_all_orders(rows, {"second revision", true, false, {"second revision"}});
}

TEST(ChatStoreEdits, LastDeletionWinsInAnyOrder) {
  auto target = text(bob(), alice(), "original words", at(100));
  std::array<Envelope, 4> rows = {
      target,
      edit(bob(), alice(), target.id(), "first revision", at(110)),
      edit(bob(), alice(), target.id(), "second revision", at(120)),
      deletion(bob(), alice(), target.id(), at(130)),
  };
  check_all_orders(rows, {"", false, true, {""}});
}

TEST(ChatStoreEdits, EqualTimestampsAreDecidedById) {
  auto target = text(bob(), alice(), "original", at(100));
  auto one = edit(bob(), alice(), target.id(), "version one", at(110));
  auto two = edit(bob(), alice(), target.id(), "version two", at(110));
  const std::string winner = one.id() > two.id() ? "version one" : "version two";
  std::array<Envelope, 4> rows = {target, one, two, deletion(bob(), alice(), target.id(), at(105))};
  check_all_orders(rows, {winner, true, false, {winner}});
}

TEST(ChatStoreEdits, OnlyTheAuthorsEditsCount) {
  TempDir dir;
  auto store = open_store(dir);
  auto bobs = text(bob(), alice(), "bob's words", at(100));
  ASSERT_TRUE(store.insert_incoming(bobs, bob().peer, 1));
  // Our own edit and deletion of Bob's message are stored (they sync) but change nothing.
  ASSERT_TRUE(store.insert_outgoing(edit(alice(), bob(), bobs.id(), "alice's words", at(110)),
                                    bob().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(deletion(alice(), bob(), bobs.id(), at(120)), bob().peer, 1));
  auto record = store.message(bobs.id());
  EXPECT_EQ((*record)->text, "bob's words");
  EXPECT_FALSE((*record)->edited);
  EXPECT_FALSE((*record)->deleted);
  EXPECT_EQ(store.outbox_size(), 2);  // they still go out

  // Our own message, edited by us: applies.
  auto mine = text(alice(), bob(), "typo hre", at(130));
  ASSERT_TRUE(store.insert_outgoing(mine, bob().peer, 1));
  ASSERT_TRUE(
      store.insert_outgoing(edit(alice(), bob(), mine.id(), "typo here", at(140)), bob().peer, 1));
  EXPECT_EQ((*store.message(mine.id()))->text, "typo here");
  EXPECT_TRUE((*store.message(mine.id()))->edited);
  // Bob cannot edit it.
  ASSERT_TRUE(
      store.insert_incoming(edit(bob(), alice(), mine.id(), "hijacked", at(150)), bob().peer, 1));
  EXPECT_EQ((*store.message(mine.id()))->text, "typo here");
}

TEST(ChatStoreEdits, EditOfMessageInAnotherConversationIsIgnored) {
  TempDir dir;
  auto store = open_store(dir);
  auto to_carol = text(alice(), carol(), "for carol", at(100));
  ASSERT_TRUE(store.insert_outgoing(to_carol, carol().peer, 1));
  ASSERT_TRUE(store.insert_outgoing(edit(alice(), bob(), to_carol.id(), "via bob", at(110)),
                                    bob().peer, 1));
  EXPECT_EQ((*store.message(to_carol.id()))->text, "for carol");
}

TEST(ChatStoreEdits, EditsAndDeletionsAreHiddenAndUnsearchable) {
  TempDir dir;
  auto store = open_store(dir);
  auto kept = text(bob(), alice(), "apples and pears", at(100));
  auto edited = text(bob(), alice(), "umbrella weather", at(110));
  auto removed = text(bob(), alice(), "secret plans", at(120));
  auto revision = edit(bob(), alice(), edited.id(), "raincoat weather", at(130));
  auto removal = deletion(bob(), alice(), removed.id(), at(140));
  for (const Envelope* e : {&kept, &edited, &removed, &revision, &removal}) {
    ASSERT_TRUE(store.insert_incoming(*e, bob().peer, 1));
  }
  MessageQuery query{.conversation = alice_bob(), .limit = 50, .before = {}, .search = {}};
  auto listed = store.messages(query);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ(texts(*listed), (std::vector<std::string>{"apples and pears", "raincoat weather", ""}));
  EXPECT_TRUE((*listed)[1].edited);
  EXPECT_TRUE((*listed)[2].deleted);

  EXPECT_EQ(search(store, "raincoat"), std::vector<std::string>{"raincoat weather"});
  EXPECT_TRUE(search(store, "umbrella").empty());  // the original text is gone from the index
  EXPECT_TRUE(search(store, "secret").empty());
  EXPECT_EQ(search(store, "weather"), std::vector<std::string>{"raincoat weather"});  // once
  expect_fts_consistent(store);

  // The edit row itself is reachable by id, carrying its replacement text.
  auto row = store.message(revision.id());
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->type, ContentType::edit);
  EXPECT_EQ((*row)->text, "raincoat weather");
  // Paging may start at an edit row without listing it.
  query.before = revision.id();
  EXPECT_EQ(store.messages(query)->size(), 3u);
}

TEST(ChatStoreEdits, EditArrivingFirstAppliesWhenTheTargetArrives) {
  TempDir dir;
  auto store = open_store(dir);
  auto target = text(bob(), alice(), "before", at(100));
  ASSERT_TRUE(
      store.insert_incoming(edit(bob(), alice(), target.id(), "after", at(110)), bob().peer, 1));
  EXPECT_FALSE(*store.message(target.id()));
  MessageQuery query{.conversation = alice_bob(), .limit = 50, .before = {}, .search = {}};
  EXPECT_TRUE(store.messages(query)->empty());
  ASSERT_TRUE(store.insert_incoming(target, bob().peer, 1));
  EXPECT_EQ((*store.message(target.id()))->text, "after");
  EXPECT_EQ(search(store, "after"), std::vector<std::string>{"after"});
  EXPECT_TRUE(search(store, "before").empty());
}

}  // namespace
}  // namespace meshchat::chat
