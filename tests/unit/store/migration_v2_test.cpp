// Migration 1 → 2 on a database holding version-1 data: rows survive, gain the new columns with
// their defaults, the full-text index stays exact, and the new indexes exist.
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

// Version-1 content as the version-1 schema allows it.
constexpr std::string_view kVersionOneRows = R"sql(
INSERT INTO identity VALUES (1, x'0024080112', 1000);
INSERT INTO contacts (peer_id, name, nickname, added_at) VALUES (x'01', 'bob', 'Bobby', 1100);
INSERT INTO conversations (id, kind, peer_id, created_at) VALUES (zeroblob(32), 0, x'01', 1200);
INSERT INTO messages (id, conversation_id, author, hlc_wall_ms, hlc_counter, type, body,
                      envelope, direction, state)
  VALUES (randomblob(32), zeroblob(32), x'01', 5, 0, 1, 'the quick brown fox', x'aa', 0, 2),
         (randomblob(32), zeroblob(32), x'02', 6, 0, 1, 'lazy dog', x'bb', 1, 0),
         (randomblob(32), zeroblob(32), x'02', 7, 0, 9, NULL, x'cc', 1, 0);
INSERT INTO outbox (message_id, peer_id, attempts, next_attempt_at)
  SELECT id, x'01', 2, 3000 FROM messages WHERE direction = 1;
INSERT INTO receipts (message_id, peer_id, state, updated_at)
  SELECT id, x'01', 0, 1300 FROM messages WHERE direction = 1;
INSERT INTO preferences VALUES ('theme', 'dark');
)sql";

TEST(MigrationV2, UpgradesVersionOneDataInPlace) {
  TempDir dir;
  {
    auto db = Database::open(dir.file("v1.db"));
    ASSERT_TRUE(db);
    ASSERT_EQ(migrate(*db, builtin_migrations().first(1)), 1);
    ASSERT_TRUE(db->execute(kVersionOneRows)) << db->last_error_message();
  }
  auto db = Database::open(dir.file("v1.db"));
  ASSERT_TRUE(db);
  ASSERT_EQ(migrate(*db, builtin_migrations().first(2)), 2) << db->last_error_message();
  EXPECT_EQ(schema_version(*db), 2);

  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM messages"), 3);
  EXPECT_EQ(query_int(*db,
                      "SELECT count(*) FROM messages WHERE target IS NULL AND edited = 0"
                      " AND deleted = 0"),
            3);
  // content starts as the version-1 body, which was the row's own text.
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM messages WHERE content IS body"), 3);
  EXPECT_EQ(query_text(*db, "SELECT content FROM messages WHERE hlc_wall_ms = 6"), "lazy dog");
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM outbox WHERE attempts = 2"), 2);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM receipts"), 2);
  EXPECT_EQ(query_text(*db, "SELECT nickname FROM contacts"), "Bobby");
  EXPECT_EQ(query_text(*db, "SELECT value FROM preferences WHERE key = 'theme'"), "dark");
  EXPECT_EQ(query_int(*db, "SELECT created_at FROM identity"), 1000);

  // The index built under version 1 still answers and still matches its content table.
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'fox'"), 1);
  EXPECT_TRUE(
      db->execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"))
      << db->last_error_message();
  auto check = db->prepare("PRAGMA foreign_key_check");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->step(), false);

  std::set<std::string> indexes;
  auto names = db->prepare("SELECT name FROM sqlite_schema WHERE type = 'index'");
  ASSERT_TRUE(names);
  while (auto row = names->step()) {
    if (!*row) break;
    indexes.insert(names->column_text(0));
  }
  EXPECT_TRUE(indexes.count("messages_target"));
  EXPECT_TRUE(indexes.count("messages_unread"));
  EXPECT_TRUE(indexes.count("outbox_peer"));

  // The new columns' constraints hold.
  EXPECT_FALSE(db->execute("UPDATE messages SET target = x'01'"));
  EXPECT_FALSE(db->execute("UPDATE messages SET edited = 2"));
}

TEST(MigrationV2, FreshDatabaseMatchesUpgradedSchema) {
  TempDir dir;
  auto fresh = Database::open(dir.file("fresh.db"));
  auto upgraded = Database::open(dir.file("upgraded.db"));
  ASSERT_TRUE(fresh && upgraded);
  ASSERT_EQ(migrate(*fresh), latest_schema_version());
  ASSERT_EQ(migrate(*upgraded, builtin_migrations().first(1)), 1);
  ASSERT_EQ(migrate(*upgraded, builtin_migrations().first(2)), 2);
  ASSERT_EQ(migrate(*upgraded), latest_schema_version());
  const std::string_view sql =
      "SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10))"
      " FROM (SELECT * FROM sqlite_schema ORDER BY type, name)";
  EXPECT_EQ(query_text(*fresh, sql), query_text(*upgraded, sql));
}

}  // namespace
}  // namespace meshchat::store
