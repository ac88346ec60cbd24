#include "store/schema.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <vector>

#include "query.hpp"
#include "store/migrations.hpp"
#include "store/transaction.hpp"
#include "temp_dir.hpp"

namespace meshchat::store {
namespace {

using testing::query_int;
using testing::query_text;
using testing::TempDir;

Bytes id32(std::uint8_t fill) {
  return Bytes(32, fill);
}

const Bytes kAlice = to_bytes("alice-peer-id");
const Bytes kBob = to_bytes("bob-peer-id");

Database open_migrated(const TempDir& dir) {
  auto db = Database::open(dir.file("meshchat.db"));
  if (!db) throw std::runtime_error(db.error().message());
  if (auto v = migrate(*db); !v) throw std::runtime_error(db->last_error_message());
  return std::move(*db);
}

Result<void> add_conversation(Database& db, const Bytes& id) {
  auto st = db.prepare(
      "INSERT INTO conversations (id, kind, peer_id, created_at) VALUES (?, 0, ?, 1000)");
  if (!st) return fail(st.error());
  return st->bind_blob(1, id).bind_blob(2, kBob).run();
}

Result<void> add_message(Database& db, const Bytes& id, const Bytes& conversation,
                         std::int64_t wall_ms, std::int64_t counter, const char* body) {
  auto st = db.prepare(
      "INSERT INTO messages (id, conversation_id, author, hlc_wall_ms, hlc_counter, type, body,"
      " envelope, direction, state) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)");
  if (!st) return fail(st.error());
  st->bind_blob(1, id).bind_blob(2, conversation).bind_blob(3, kAlice);
  st->bind_int64(4, wall_ms).bind_int64(5, counter);
  if (body) {
    st->bind_text(6, body);
  } else {
    st->bind_null(6);
  }
  st->bind_blob(7, to_bytes("envelope"));
  st->bind_int64(8, static_cast<std::int64_t>(Direction::outgoing));
  st->bind_int64(9, static_cast<std::int64_t>(MessageState::pending));
  return st->run();
}

std::vector<Bytes> search(Database& db, std::string_view query) {
  EXPECT_TRUE(index_pending_text(db)) << db.last_error_message();
  auto st = db.prepare(
      "SELECT m.id FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid"
      " WHERE messages_fts MATCH ? ORDER BY m.seq");
  EXPECT_TRUE(st) << db.last_error_message();
  st->bind_text(1, query);
  std::vector<Bytes> ids;
  for (;;) {
    auto row = st->step();
    EXPECT_TRUE(row) << db.last_error_message();
    if (!row || !*row) break;
    ids.push_back(st->column_blob(0));
  }
  return ids;
}

void expect_fts_consistent(Database& db) {
  // FTS5's own check compares the index against the external content table.
  EXPECT_TRUE(index_pending_text(db)) << db.last_error_message();
  auto r =
      db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");
  EXPECT_TRUE(r) << db.last_error_message();
}

TEST(Schema, FullTextSearchFollowsInsertUpdateDelete) {
  TempDir dir;
  auto db = open_migrated(dir);
  const auto conv = id32(0xc0);
  ASSERT_TRUE(add_conversation(db, conv));
  ASSERT_TRUE(add_message(db, id32(1), conv, 100, 0, "Meet at the café at noon"));
  ASSERT_TRUE(add_message(db, id32(2), conv, 100, 1, "bring the blue umbrella"));
  ASSERT_TRUE(add_message(db, id32(3), conv, 101, 0, nullptr));  // not text: not indexed

  EXPECT_EQ(search(db, "umbrella"), std::vector<Bytes>{id32(2)});
  EXPECT_EQ(search(db, "cafe"), std::vector<Bytes>{id32(1)});  // diacritics folded
  EXPECT_EQ(search(db, "the"), (std::vector<Bytes>{id32(1), id32(2)}));
  expect_fts_consistent(db);

  auto edit = db.prepare("UPDATE messages SET body = ? WHERE id = ?");
  ASSERT_TRUE(edit);
  ASSERT_TRUE(edit->bind_text(1, "bring the red raincoat").bind_blob(2, id32(2)).run());
  EXPECT_TRUE(search(db, "umbrella").empty());
  EXPECT_EQ(search(db, "raincoat"), std::vector<Bytes>{id32(2)});

  edit->reset();
  ASSERT_TRUE(edit->bind_text(1, "now with words").bind_blob(2, id32(3)).run());
  EXPECT_EQ(search(db, "words"), std::vector<Bytes>{id32(3)});
  edit->reset();
  ASSERT_TRUE(edit->bind_null(1).bind_blob(2, id32(3)).run());
  EXPECT_TRUE(search(db, "words").empty());

  auto remove = db.prepare("DELETE FROM messages WHERE id = ?");
  ASSERT_TRUE(remove && remove->bind_blob(1, id32(1)).run());
  EXPECT_TRUE(search(db, "noon").empty());
  expect_fts_consistent(db);

  // Deleting the conversation cascades to its messages and, through the trigger, the index.
  ASSERT_TRUE(db.execute("DELETE FROM conversations"));
  EXPECT_TRUE(search(db, "raincoat").empty());
  expect_fts_consistent(db);
}

// Rows wait in search_pending until index_pending_text(); edits and deletions in between must
// leave the index exact once it catches up, and a reused seq must still be indexed.
TEST(Schema, PendingTextIsIndexedOnceWithItsLatestBody) {
  TempDir dir;
  auto db = open_migrated(dir);
  const auto conv = id32(0xc0);
  ASSERT_TRUE(add_conversation(db, conv));
  ASSERT_TRUE(add_message(db, id32(1), conv, 100, 0, "kept as written"));
  ASSERT_TRUE(add_message(db, id32(2), conv, 101, 0, "first draft"));
  ASSERT_TRUE(add_message(db, id32(3), conv, 102, 0, "soon deleted"));
  EXPECT_EQ(query_int(db, "SELECT count(*) FROM search_pending"), 3);
  EXPECT_EQ(query_int(db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'written'"),
            0);

  ASSERT_TRUE(db.execute("UPDATE messages SET body = 'final text' WHERE hlc_wall_ms = 101"));
  ASSERT_TRUE(db.execute("DELETE FROM messages WHERE hlc_wall_ms = 102"));
  EXPECT_EQ(query_int(db, "SELECT count(*) FROM search_pending"), 2);
  // The deleted row had the highest seq: the next row reuses it and must be indexed.
  ASSERT_TRUE(add_message(db, id32(4), conv, 103, 0, "reused sequence"));

  EXPECT_EQ(search(db, "written"), std::vector<Bytes>{id32(1)});
  EXPECT_EQ(search(db, "final"), std::vector<Bytes>{id32(2)});
  EXPECT_TRUE(search(db, "draft").empty());
  EXPECT_TRUE(search(db, "deleted").empty());
  EXPECT_EQ(search(db, "reused"), std::vector<Bytes>{id32(4)});
  EXPECT_EQ(query_int(db, "SELECT count(*) FROM search_pending"), 0);
  expect_fts_consistent(db);

  // Indexed rows follow edits and deletions at once.
  ASSERT_TRUE(db.execute("UPDATE messages SET body = 'edited later' WHERE hlc_wall_ms = 100"));
  ASSERT_TRUE(db.execute("DELETE FROM messages WHERE hlc_wall_ms = 103"));
  EXPECT_EQ(query_int(db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'later'"), 1);
  EXPECT_EQ(query_int(db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'reused'"),
            0);
  expect_fts_consistent(db);
}

TEST(Schema, BadFtsQueryIsAnError) {
  TempDir dir;
  auto db = open_migrated(dir);
  auto st = db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?");
  ASSERT_TRUE(st);
  auto row = st->bind_text(1, "\"unterminated").step();
  ASSERT_FALSE(row);
  EXPECT_EQ(row.error().category(), sqlite_category());
  EXPECT_EQ(db.last_error_message(), "unterminated string");
}

TEST(Schema, TimelineOrderIsHlcThenId) {
  TempDir dir;
  auto db = open_migrated(dir);
  const auto conv = id32(0xc0);
  ASSERT_TRUE(add_conversation(db, conv));
  ASSERT_TRUE(add_message(db, id32(9), conv, 200, 0, "c"));
  ASSERT_TRUE(add_message(db, id32(8), conv, 100, 5, "b"));
  ASSERT_TRUE(add_message(db, id32(7), conv, 100, 1, "a"));
  ASSERT_TRUE(add_message(db, id32(6), conv, 200, 0, "c0"));
  auto st = db.prepare(
      "SELECT body FROM messages WHERE conversation_id = ?"
      " ORDER BY hlc_wall_ms, hlc_counter, id");
  ASSERT_TRUE(st);
  st->bind_blob(1, conv);
  std::string order;
  while (*st->step()) order += st->column_text(0) + ",";
  EXPECT_EQ(order, "a,b,c0,c,");

  auto plan = db.prepare(
      "EXPLAIN QUERY PLAN SELECT body FROM messages WHERE conversation_id = ?"
      " ORDER BY hlc_wall_ms, hlc_counter, id");
  ASSERT_TRUE(plan && plan->step());
  EXPECT_NE(plan->column_text(3).find("messages_timeline"), std::string::npos);
}

TEST(Schema, ConstraintsRejectBadRows) {
  TempDir dir;
  auto db = open_migrated(dir);
  const auto conv = id32(0xc0);
  ASSERT_TRUE(add_conversation(db, conv));
  // Message id must be 32 bytes.
  EXPECT_FALSE(add_message(db, Bytes(31, 1), conv, 1, 0, "x"));
  // Conversation must exist (foreign keys are on).
  auto orphan = add_message(db, id32(1), id32(0xee), 1, 0, "x");
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().value(), SQLITE_CONSTRAINT_FOREIGNKEY);
  // A direct conversation needs its peer; a group has none.
  EXPECT_FALSE(
      db.execute("INSERT INTO conversations (id, kind, created_at)"
                 " VALUES (zeroblob(32), 0, 1)"));
  EXPECT_FALSE(
      db.execute("INSERT INTO contacts (peer_id, verified, added_at) VALUES (x'01', 2, 1)"));
  EXPECT_FALSE(db.execute("INSERT INTO identity (id, peer_id, created_at) VALUES (2, x'01', 1)"));
  ASSERT_TRUE(add_message(db, id32(1), conv, 1, 0, "x"));
  EXPECT_FALSE(db.execute("INSERT INTO receipts VALUES (1, x'01', 3, 1)"));  // no state 3
  // Outbox and receipt rows need their message.
  auto orphan_receipt = db.execute("INSERT INTO receipts VALUES (99, x'01', 1, 1)");
  ASSERT_FALSE(orphan_receipt);
  EXPECT_EQ(orphan_receipt.error().value(), SQLITE_CONSTRAINT_FOREIGNKEY);
  EXPECT_FALSE(db.execute(
      "INSERT INTO outbox (message_seq, peer_id, next_attempt_at) VALUES (99, x'01', 1)"));
}

std::int64_t seq_of(Database& db, const Bytes& message) {
  auto st = db.prepare("SELECT seq FROM messages WHERE id = ?");
  EXPECT_TRUE(st);
  st->bind_blob(1, message);
  auto row = st->step();
  EXPECT_TRUE(row && *row);
  return st->column_int64(0);
}

std::int64_t receipt_state(Database& db, const Bytes& message, const Bytes& peer) {
  auto st = db.prepare("SELECT state FROM receipts WHERE message_seq = ? AND peer_id = ?");
  EXPECT_TRUE(st);
  st->bind_int64(1, seq_of(db, message)).bind_blob(2, peer);
  auto row = st->step();
  EXPECT_TRUE(row && *row);
  return st->column_int64(0);
}

TEST(Schema, ReceiptNeverMovesBack) {
  TempDir dir;
  auto db = open_migrated(dir);
  const auto conv = id32(0xc0);
  ASSERT_TRUE(add_conversation(db, conv));
  ASSERT_TRUE(add_message(db, id32(1), conv, 1, 0, "hi"));

  const std::int64_t seq = seq_of(db, id32(1));
  ASSERT_TRUE(upsert_receipt(db, seq, kBob, ReceiptState::read, 300));
  ASSERT_TRUE(upsert_receipt(db, seq, kBob, ReceiptState::delivered, 400));  // late
  ASSERT_TRUE(upsert_receipt(db, seq, kBob, ReceiptState::queued, 500));
  EXPECT_EQ(receipt_state(db, id32(1), kBob), static_cast<std::int64_t>(ReceiptState::read));
  auto at = db.prepare("SELECT updated_at FROM receipts");
  ASSERT_TRUE(at && at->step());
  EXPECT_EQ(at->column_int64(0), 300);  // stale acks do not touch the time either

  // A plain UPDATE backwards is refused by the trigger.
  auto back = db.execute("UPDATE receipts SET state = 0");
  ASSERT_FALSE(back);
  EXPECT_EQ(db.last_error_message(), "receipt state only moves forward");

  // Receipts go with their message.
  ASSERT_TRUE(db.execute("DELETE FROM messages"));
  auto count = db.prepare("SELECT count(*) FROM receipts");
  ASSERT_TRUE(count && count->step());
  EXPECT_EQ(count->column_int64(0), 0);
}

RC_GTEST_PROP(Schema, ReceiptStateIsMaxOfUpsertsInAnyOrder, ()) {
  TempDir dir;
  auto db = open_migrated(dir);
  const auto conv = id32(0xc0);
  RC_ASSERT(add_conversation(db, conv).has_value());
  RC_ASSERT(add_message(db, id32(1), conv, 1, 0, "hi").has_value());
  const auto states =
      *rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 3)));
  const auto peers =
      *rc::gen::container<std::vector<bool>>(states.size(), rc::gen::arbitrary<bool>());
  int max_alice = -1;
  int max_bob = -1;
  auto tx = Transaction::begin(db);
  RC_ASSERT(tx.has_value());
  for (std::size_t i = 0; i < states.size(); ++i) {
    const Bytes& peer = peers[i] ? kAlice : kBob;
    int& max = peers[i] ? max_alice : max_bob;
    max = std::max(max, states[i]);
    RC_ASSERT(upsert_receipt(db, seq_of(db, id32(1)), peer, static_cast<ReceiptState>(states[i]),
                             static_cast<std::int64_t>(i))
                  .has_value());
    RC_ASSERT(receipt_state(db, id32(1), peer) == max);
  }
  RC_ASSERT(tx->commit().has_value());
}

TEST(Schema, OutboxPeersAndPreferences) {
  TempDir dir;
  auto db = open_migrated(dir);
  const auto conv = id32(0xc0);
  ASSERT_TRUE(add_conversation(db, conv));
  ASSERT_TRUE(add_message(db, id32(1), conv, 1, 0, "hi"));
  auto out =
      db.prepare("INSERT INTO outbox (message_seq, peer_id, next_attempt_at) VALUES (?, ?, ?)");
  ASSERT_TRUE(out &&
              out->bind_int64(1, seq_of(db, id32(1))).bind_blob(2, kBob).bind_int64(3, 5000).run());
  auto due = db.prepare("SELECT peer_id, attempts FROM outbox WHERE next_attempt_at <= ?");
  ASSERT_TRUE(due && due->bind_int64(1, 6000).step());
  EXPECT_EQ(due->column_blob(0), kBob);
  EXPECT_EQ(due->column_int64(1), 0);

  ASSERT_TRUE(
      db.execute("INSERT INTO peers (peer_id, last_seen_at) VALUES (x'0102', 10);"
                 "INSERT INTO peer_addresses VALUES (x'0102', x'047f000001', 10);"
                 "DELETE FROM peers"));
  auto addresses = db.prepare("SELECT count(*) FROM peer_addresses");
  ASSERT_TRUE(addresses && addresses->step());
  EXPECT_EQ(addresses->column_int64(0), 0);

  EXPECT_FALSE(db.execute("INSERT INTO preferences VALUES ('k', NULL)"));
}

}  // namespace
}  // namespace meshchat::store
