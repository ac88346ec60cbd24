// Migration 2 → 3 on a database holding version-2 data: outbox and receipt rows move from
// message ids to message seqs without losing a row, their indexes and trigger are back, and
// foreign keys still hold.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "query.hpp"
#include "store/migrations.hpp"
#include "store/schema.hpp"
#include "temp_dir.hpp"

namespace meshchat::store {
namespace {

using testing::query_int;
using testing::query_text;
using testing::TempDir;

// Three outgoing messages (one queued to two peers), one incoming; receipts in every state.
constexpr std::string_view kVersionTwoRows = R"sql(
INSERT INTO conversations (id, kind, peer_id, created_at) VALUES (zeroblob(32), 0, x'01', 1200);
INSERT INTO messages (id, conversation_id, author, hlc_wall_ms, hlc_counter, type, body,
                      envelope, direction, state, content)
  VALUES (x'1111111111111111111111111111111111111111111111111111111111111111', zeroblob(32), x'02',
          5, 0, 1, 'one', x'aa', 1, 0, 'one'),
         (x'0000000000000000000000000000000000000000000000000000000000000022', zeroblob(32), x'02',
          6, 0, 1, 'two', x'bb', 1, 0, 'two'),
         (x'9999999999999999999999999999999999999999999999999999999999999999', zeroblob(32), x'02',
          7, 0, 1, 'three', x'cc', 1, 2, 'three'),
         (x'5555555555555555555555555555555555555555555555555555555555555555', zeroblob(32), x'01',
          8, 0, 1, 'four', x'dd', 0, 2, 'four');
INSERT INTO outbox (message_id, peer_id, attempts, next_attempt_at)
  SELECT id, x'01', hlc_wall_ms, 3000 + hlc_wall_ms FROM messages WHERE direction = 1 AND state = 0;
INSERT INTO outbox (message_id, peer_id, attempts, next_attempt_at)
  SELECT id, x'03', 0, 4000 FROM messages WHERE hlc_wall_ms = 5;
INSERT INTO receipts (message_id, peer_id, state, updated_at)
  SELECT id, x'01', CASE state WHEN 2 THEN 1 ELSE 0 END, 1300 + hlc_wall_ms
  FROM messages WHERE direction = 1;
)sql";

TEST(MigrationV3, MovesOutboxAndReceiptsToMessageSeqs) {
  TempDir dir;
  {
    auto db = Database::open(dir.file("v2.db"));
    ASSERT_TRUE(db);
    ASSERT_EQ(migrate(*db, builtin_migrations().first(2)), 2);
    ASSERT_TRUE(db->execute(kVersionTwoRows)) << db->last_error_message();
  }
  auto db = Database::open(dir.file("v2.db"));
  ASSERT_TRUE(db);
  ASSERT_EQ(migrate(*db, builtin_migrations().first(3)), 3) << db->last_error_message();

  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM outbox"), 3);
  // Each row still belongs to the message it was queued for, with its schedule.
  EXPECT_EQ(query_int(*db,
                      "SELECT count(*) FROM outbox o JOIN messages m ON m.seq = o.message_seq"
                      " WHERE o.peer_id = x'01' AND o.attempts = m.hlc_wall_ms"
                      " AND o.next_attempt_at = 3000 + m.hlc_wall_ms"),
            2);
  EXPECT_EQ(query_int(*db,
                      "SELECT m.hlc_wall_ms FROM outbox o JOIN messages m ON m.seq = o.message_seq"
                      " WHERE o.peer_id = x'03'"),
            5);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM receipts"), 3);
  EXPECT_EQ(query_int(*db,
                      "SELECT count(*) FROM receipts r JOIN messages m ON m.seq = r.message_seq"
                      " WHERE r.updated_at = 1300 + m.hlc_wall_ms"
                      " AND r.state = CASE m.state WHEN 2 THEN 1 ELSE 0 END"),
            3);

  auto check = db->prepare("PRAGMA foreign_key_check");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->step(), false);
  std::set<std::string> names;
  auto schema = db->prepare("SELECT name FROM sqlite_schema WHERE type IN ('index', 'trigger')");
  ASSERT_TRUE(schema);
  while (auto row = schema->step()) {
    if (!*row) break;
    names.insert(schema->column_text(0));
  }
  EXPECT_TRUE(names.count("outbox_due"));
  EXPECT_TRUE(names.count("outbox_peer"));
  EXPECT_TRUE(names.count("receipts_forward_only"));
  EXPECT_FALSE(db->execute("UPDATE receipts SET state = 0"));

  // Rows follow their message out.
  ASSERT_TRUE(db->execute("DELETE FROM messages WHERE hlc_wall_ms = 5"));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM outbox"), 1);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM receipts"), 2);
}

}  // namespace
}  // namespace meshchat::store
