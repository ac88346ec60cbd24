// WalCheckpointer: the writer stops checkpointing itself, the checkpointer copies the log back
// once it is long enough, and nothing written is lost on the way.
#include "store/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "query.hpp"
#include "store/transaction.hpp"
#include "temp_dir.hpp"

namespace meshchat::store {
namespace {

using testing::query_int;
using testing::query_text;
using testing::TempDir;

// Commits of ~40 pages each until the log has passed the checkpoint threshold twice.
void write_pages(Database& db, int commits) {
  for (int i = 0; i < commits; ++i) {
    auto tx = Transaction::begin(db);
    ASSERT_TRUE(tx);
    for (int row = 0; row < 40; ++row) {
      ASSERT_TRUE(db.execute("INSERT INTO filler (data) VALUES (randomblob(3900))"));
    }
    ASSERT_TRUE(tx->commit());
  }
}

TEST(WalCheckpointer, CopiesTheLogBackOnItsOwnThread) {
  TempDir dir;
  auto db = Database::open(dir.file("wal.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)"));
  auto checkpointer = WalCheckpointer::start(*db);
  ASSERT_TRUE(checkpointer) << checkpointer.error().message();
  EXPECT_EQ(query_int(*db, "PRAGMA wal_autocheckpoint"), 0);

  write_pages(*db, 60);  // ~2,400 pages: past the threshold at least twice
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((*checkpointer)->checkpoints() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE((*checkpointer)->checkpoints(), 1u);
  checkpointer->reset();

  // Everything committed is there, and the main file now holds pages the log copied back.
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM filler"), 60 * 40);
  // (Without a checkpoint it would still be the two pages the table creation wrote; a
  // checkpoint copies most of the 1,000+ logged pages, some of which repeat.)
  EXPECT_GT(std::filesystem::file_size(dir.file("wal.db")), 256u * 4096u);
  auto again = Database::open(dir.file("wal.db"));
  ASSERT_TRUE(again);
  EXPECT_EQ(query_int(*again, "SELECT count(*) FROM filler"), 60 * 40);
}

TEST(WalCheckpointer, ShortLogIsLeftAlone) {
  TempDir dir;
  auto db = Database::open(dir.file("wal.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)"));
  auto checkpointer = WalCheckpointer::start(*db);
  ASSERT_TRUE(checkpointer);
  write_pages(*db, 2);
  EXPECT_EQ((*checkpointer)->checkpoints(), 0u);
  checkpointer->reset();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM filler"), 80);
}

}  // namespace
}  // namespace meshchat::store
