// Migration 3 → 4: text indexed under version 3 stays searchable and exact, and rows written
// afterwards wait in search_pending until index_pending_text() moves them in.
#include <gtest/gtest.h>

#include "query.hpp"
#include "store/migrations.hpp"
#include "store/schema.hpp"
#include "temp_dir.hpp"

namespace meshchat::store {
namespace {

using testing::query_int;
using testing::query_text;
using testing::TempDir;

constexpr std::string_view kMessageColumns =
    "INSERT INTO messages (id, conversation_id, author, hlc_wall_ms, hlc_counter, type, body,"
    " envelope, direction, state, content) VALUES ";

TEST(MigrationV4, KeepsTheIndexAndQueuesNewText) {
  TempDir dir;
  {
    auto db = Database::open(dir.file("v3.db"));
    ASSERT_TRUE(db);
    ASSERT_EQ(migrate(*db, builtin_migrations().first(3)), 3);
    ASSERT_TRUE(db->execute(
        "INSERT INTO conversations (id, kind, peer_id, created_at) VALUES (zeroblob(32), 0,"
        " x'01', 1)"));
    ASSERT_TRUE(db->execute(std::string(kMessageColumns) +
                            "(randomblob(32), zeroblob(32), x'01', 5, 0, 1, 'old harbour', x'aa',"
                            " 0, 2, 'old harbour')"));
  }
  auto db = Database::open(dir.file("v3.db"));
  ASSERT_TRUE(db);
  ASSERT_EQ(migrate(*db), 4) << db->last_error_message();

  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM search_pending"), 0);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'harbour'"),
            1);
  ASSERT_TRUE(db->execute(std::string(kMessageColumns) +
                          "(randomblob(32), zeroblob(32), x'01', 6, 0, 1, 'new lighthouse',"
                          " x'bb', 0, 2, 'new lighthouse')"));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM search_pending"), 1);
  EXPECT_EQ(
      query_int(*db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'lighthouse'"), 0);
  ASSERT_TRUE(index_pending_text(*db));
  EXPECT_EQ(
      query_int(*db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'lighthouse'"), 1);

  // An edit of a row indexed under version 3 replaces its terms.
  ASSERT_TRUE(db->execute("UPDATE messages SET body = 'old pier' WHERE hlc_wall_ms = 5"));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'harbour'"),
            0);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'pier'"), 1);
  EXPECT_TRUE(
      db->execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"))
      << db->last_error_message();
}

}  // namespace
}  // namespace meshchat::store
