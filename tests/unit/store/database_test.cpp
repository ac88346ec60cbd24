#include "store/database.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <stdexcept>

#include "query.hpp"
#include "store/transaction.hpp"
#include "temp_dir.hpp"

namespace meshchat::store {
namespace {

using testing::query_int;
using testing::query_text;
using testing::TempDir;

TEST(Database, CreatesFileWithWalAndForeignKeys) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db) << db.error().message();
  EXPECT_TRUE(std::filesystem::exists(dir.file("a.db")));
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_int(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(query_int(*db, "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(query_int(*db, "PRAGMA busy_timeout"), 5000);
  EXPECT_EQ(db->path(), dir.file("a.db"));
}

TEST(Database, BusyTimeoutIsConfigurable) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"), {.busy_timeout = std::chrono::milliseconds(250)});
  ASSERT_TRUE(db);
  EXPECT_EQ(query_int(*db, "PRAGMA busy_timeout"), 250);
}

TEST(Database, DataSurvivesCloseAndReopen) {
  TempDir dir;
  {
    auto db = Database::open(dir.file("a.db"));
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"));
    auto st = db->prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->bind_int64(1, 7).bind_text(2, "seven").run());
  }
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  EXPECT_EQ(query_text(*db, "SELECT v FROM t WHERE k = 7"), "seven");
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "wal");  // WAL is persistent
}

TEST(Database, TypedBindsAndColumns) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->execute("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n)"));
  const Bytes blob = {0x00, 0xff, 0x10, 0x00};
  auto insert = db->prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert);
  insert->bind_int64(1, INT64_MIN).bind_text(2, std::string_view("a\0b", 3));
  insert->bind_blob(3, blob).bind_null(4);
  ASSERT_TRUE(insert->run());
  EXPECT_EQ(db->changes(), 1);
  EXPECT_EQ(db->last_insert_rowid(), 1);

  auto select = db->prepare("SELECT i, s, b, n FROM t");
  ASSERT_TRUE(select);
  auto row = select->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(select->column_count(), 4);
  EXPECT_EQ(select->column_type(0), ColumnType::integer);
  EXPECT_EQ(select->column_int64(0), INT64_MIN);
  EXPECT_EQ(select->column_text(1), std::string("a\0b", 3));
  EXPECT_EQ(select->column_type(2), ColumnType::blob);
  EXPECT_EQ(select->column_blob(2), blob);
  EXPECT_TRUE(select->column_is_null(3));
  EXPECT_THROW((void)select->column_int64(4), std::logic_error);
  row = select->step();
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
}

TEST(Database, EmptyTextAndBlobAreNotNull) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto st = db->prepare("SELECT typeof(?), typeof(?)");
  ASSERT_TRUE(st);
  st->bind_text(1, "").bind_blob(2, ByteView{});
  ASSERT_TRUE(st->step());
  EXPECT_EQ(st->column_text(0), "text");
  EXPECT_EQ(st->column_text(1), "blob");
}

TEST(Database, BindErrorSurfacesOnStep) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto st = db->prepare("SELECT ?");
  ASSERT_TRUE(st);
  st->bind_int64(5, 1);  // no parameter 5
  auto row = st->step();
  ASSERT_FALSE(row);
  EXPECT_EQ(sqlite_primary_code(row.error()), SQLITE_RANGE);
  st->reset();
  st->bind_int64(1, 3);
  row = st->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(st->column_int64(0), 3);
}

TEST(Database, SqlErrorsCarrySqliteMessage) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto st = db->prepare("SELECT * FROM no_such_table");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().category(), sqlite_category());
  EXPECT_EQ(sqlite_primary_code(st.error()), SQLITE_ERROR);
  EXPECT_EQ(db->last_error_message(), "no such table: no_such_table");

  ASSERT_TRUE(db->execute("CREATE TABLE t (k INTEGER PRIMARY KEY)"));
  ASSERT_TRUE(db->execute("INSERT INTO t VALUES (1)"));
  auto dup = db->execute("INSERT INTO t VALUES (1)");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().value(), SQLITE_CONSTRAINT_PRIMARYKEY);  // extended codes are on
  EXPECT_EQ(db->last_error_message(), "UNIQUE constraint failed: t.k");
}

TEST(Database, PrepareRejectsEmptyAndMultipleStatements) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  EXPECT_THROW((void)db->prepare("  "), std::logic_error);
  EXPECT_THROW((void)db->prepare("SELECT 1; SELECT 2"), std::logic_error);
  EXPECT_TRUE(db->prepare("SELECT 1;  \n"));
}

TEST(Database, StatementCacheReusesCompiledStatement) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto base = db->cache_stats();
  sqlite3_stmt* first = nullptr;
  {
    auto st = db->prepare("SELECT ?1 + 1");
    ASSERT_TRUE(st);
    EXPECT_TRUE(st->cached());
    first = st->handle();
    ASSERT_TRUE(st->bind_int64(1, 41).step());
    EXPECT_EQ(st->column_int64(0), 42);
  }
  auto st = db->prepare("SELECT ?1 + 1");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->handle(), first);
  EXPECT_EQ(db->cache_stats().hits, base.hits + 1);
  EXPECT_EQ(db->cache_stats().size, base.size + 1);
  // Returned to the cache reset and unbound: the old binding is gone.
  ASSERT_TRUE(st->step());
  EXPECT_TRUE(st->column_is_null(0));

  // The same SQL while the cached copy is in use gets its own statement.
  auto second = db->prepare("SELECT ?1 + 1");
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->cached());
  EXPECT_NE(second->handle(), first);
}

TEST(Database, CacheIsBounded) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  for (std::size_t i = 0; i < kMaxCachedStatements + 10; ++i) {
    auto st = db->prepare("SELECT " + std::to_string(i));
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->step());
    EXPECT_EQ(st->column_int64(0), static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(db->cache_stats().size, kMaxCachedStatements);
}

TEST(Database, MovedDatabaseKeepsWorking) {
  TempDir dir;
  auto opened = Database::open(dir.file("a.db"));
  ASSERT_TRUE(opened);
  Database db = std::move(*opened);
  EXPECT_EQ(query_int(db, "SELECT 5"), 5);
}

TEST(Database, GarbageFileIsAnErrorNotACrash) {
  TempDir dir;
  for (std::size_t size :
       {std::size_t{16}, std::size_t{100}, std::size_t{4096}, std::size_t{65536}}) {
    const auto path = dir.file("garbage.db");
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      for (std::size_t i = 0; i < size; ++i) out.put(static_cast<char>((i * 131 + 7) & 0xff));
    }
    auto db = Database::open(path);
    ASSERT_FALSE(db) << size;
    EXPECT_EQ(sqlite_primary_code(db.error()), SQLITE_NOTADB) << size;
    EXPECT_EQ(db.error().message(), "file is not a database");
  }
}

TEST(Database, CorruptedPagesAreAnErrorNotACrash) {
  TempDir dir;
  const auto path = dir.file("a.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"));
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    for (int i = 0; i < 2000; ++i) {
      auto st = db->prepare("INSERT INTO t (v) VALUES (?)");
      ASSERT_TRUE(st->bind_text(1, std::string(100, 'x')).run());
    }
    ASSERT_TRUE(tx->commit());
    ASSERT_TRUE(db->execute("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  {
    // Keep the 100-byte header valid; smash every page after the first.
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    const auto size = std::filesystem::file_size(path);
    f.seekp(4096);
    for (std::uintmax_t i = 4096; i < size; ++i) f.put(static_cast<char>((i * 31) & 0xff));
  }
  // Page 1 (header and schema) is intact, so open and prepare succeed; reading the table fails.
  auto db = Database::open(path);
  ASSERT_TRUE(db) << db.error().message();
  auto st = db->prepare("SELECT count(*), sum(length(v)) FROM t");
  ASSERT_TRUE(st) << db->last_error_message();
  auto row = st->step();
  ASSERT_FALSE(row);
  EXPECT_EQ(sqlite_primary_code(row.error()), SQLITE_CORRUPT);
  EXPECT_EQ(db->last_error_message(), "database disk image is malformed");
}

TEST(Database, MissingDirectoryIsCantOpen) {
  TempDir dir;
  auto db = Database::open(dir.path() / "absent" / "a.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(sqlite_primary_code(db.error()), SQLITE_CANTOPEN);
}

TEST(Transaction, CommitKeepsRollbackDiscards) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->execute("CREATE TABLE t (k INTEGER)"));
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    EXPECT_TRUE(db->in_transaction());
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES (1)"));
    ASSERT_TRUE(tx->commit());
    EXPECT_FALSE(tx->active());
  }
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES (2)"));
  }  // destroyed uncommitted
  EXPECT_FALSE(db->in_transaction());
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES (3)"));
    tx->rollback();
    EXPECT_FALSE(tx->active());
  }
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 1);
}

TEST(Transaction, ExceptionRollsBack) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->execute("CREATE TABLE t (k INTEGER)"));
  try {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES (1)"));
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM t"), 0);
}

TEST(Transaction, NestedBeginFails) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto outer = Transaction::begin(*db);
  ASSERT_TRUE(outer);
  auto inner = Transaction::begin(*db);
  ASSERT_FALSE(inner);
  EXPECT_EQ(db->last_error_message(), "cannot start a transaction within a transaction");
  EXPECT_TRUE(db->in_transaction());  // the outer one is untouched
}

TEST(Transaction, SecondConnectionWaitsThenGetsBusy) {
  TempDir dir;
  auto a = Database::open(dir.file("a.db"));
  auto b = Database::open(dir.file("a.db"), {.busy_timeout = std::chrono::milliseconds(10)});
  ASSERT_TRUE(a && b);
  auto held = Transaction::begin(*a);
  ASSERT_TRUE(held);
  auto blocked = Transaction::begin(*b);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(sqlite_primary_code(blocked.error()), SQLITE_BUSY);
  ASSERT_TRUE(held->commit());
  EXPECT_TRUE(Transaction::begin(*b));
}

}  // namespace
}  // namespace meshchat::store
