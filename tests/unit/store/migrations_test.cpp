#include "store/migrations.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>
#include <stdexcept>
#include <string>

#include "temp_dir.hpp"

namespace meshchat::store {
namespace {

using testing::TempDir;

std::set<std::string> names(Database& db, std::string_view type) {
  auto st = db.prepare("SELECT name FROM sqlite_schema WHERE type = ?");
  EXPECT_TRUE(st);
  st->bind_text(1, type);
  std::set<std::string> out;
  while (auto row = st->step()) {
    if (!*row) break;
    out.insert(st->column_text(0));
  }
  return out;
}

TEST(Migrations, BuiltinListIsContiguous) {
  auto list = builtin_migrations();
  ASSERT_FALSE(list.empty());
  for (std::size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].version, int(i) + 1);
  EXPECT_EQ(latest_schema_version(), 4);  // pinned: bump with each new migration
}

TEST(Migrations, EmptyDatabaseIsVersionZero) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  EXPECT_EQ(schema_version(*db), 0);
}

TEST(Migrations, UpgradesEmptyToLatest) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto version = migrate(*db);
  ASSERT_TRUE(version) << db->last_error_message();
  EXPECT_EQ(*version, latest_schema_version());
  EXPECT_EQ(schema_version(*db), latest_schema_version());

  const std::set<std::string> expected = {
      "schema_version", "identity", "profile", "contacts", "conversations",  "messages",
      "messages_fts",   "receipts", "outbox",  "peers",    "peer_addresses", "preferences"};
  auto tables = names(*db, "table");
  for (const auto& t : expected) EXPECT_TRUE(tables.count(t)) << t;
  auto triggers = names(*db, "trigger");
  EXPECT_TRUE(triggers.count("messages_fts_insert"));
  EXPECT_TRUE(triggers.count("messages_fts_update"));
  EXPECT_TRUE(triggers.count("messages_fts_delete"));
  EXPECT_TRUE(triggers.count("receipts_forward_only"));
  EXPECT_TRUE(names(*db, "index").count("messages_timeline"));

  auto check = db->prepare("PRAGMA foreign_key_check");
  ASSERT_TRUE(check);
  EXPECT_EQ(check->step(), false);
}

TEST(Migrations, ReopenIsIdempotent) {
  TempDir dir;
  {
    auto db = Database::open(dir.file("a.db"));
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db));
    ASSERT_TRUE(db->execute("INSERT INTO preferences VALUES ('theme', 'dark')"));
  }
  for (int i = 0; i < 2; ++i) {
    auto db = Database::open(dir.file("a.db"));
    ASSERT_TRUE(db);
    EXPECT_EQ(migrate(*db), latest_schema_version());
    auto rows = db->prepare("SELECT count(*) FROM schema_version");
    ASSERT_TRUE(rows && rows->step());
    EXPECT_EQ(rows->column_int64(0), latest_schema_version());
    auto pref = db->prepare("SELECT value FROM preferences WHERE key = 'theme'");
    ASSERT_TRUE(pref && pref->step());
    EXPECT_EQ(pref->column_text(0), "dark");
  }
}

constexpr Migration kTestSteps[] = {
    {1, "a", "CREATE TABLE a (x INTEGER)"},
    {2, "b", "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (2)"},
    {3, "c", "ALTER TABLE b ADD COLUMN z TEXT NOT NULL DEFAULT 'z'"},
};

TEST(Migrations, AppliesOnlyTheMissingSteps) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  EXPECT_EQ(migrate(*db, std::span(kTestSteps).first(1)), 1);
  EXPECT_EQ(migrate(*db, std::span(kTestSteps).first(2)), 2);
  EXPECT_EQ(migrate(*db, kTestSteps), 3);
  auto st = db->prepare("SELECT y, z FROM b");
  ASSERT_TRUE(st && st->step());
  EXPECT_EQ(st->column_int64(0), 2);
  EXPECT_EQ(st->column_text(1), "z");
  auto desc = db->prepare("SELECT group_concat(description, '') FROM schema_version");
  ASSERT_TRUE(desc && desc->step());
  EXPECT_EQ(desc->column_text(0), "abc");
}

TEST(Migrations, FailingStepRollsBackAndKeepsEarlierSteps) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  constexpr Migration broken[] = {
      {1, "a", "CREATE TABLE a (x INTEGER)"},
      {2, "half", "CREATE TABLE half (y INTEGER); INSERT INTO missing VALUES (1)"},
  };
  auto r = migrate(*db, broken);
  ASSERT_FALSE(r);
  EXPECT_EQ(db->last_error_message(), "no such table: missing");
  EXPECT_EQ(schema_version(*db), 1);
  EXPECT_FALSE(db->in_transaction());
  EXPECT_FALSE(db->prepare("SELECT * FROM half"));  // the failed step left nothing behind
  EXPECT_TRUE(db->prepare("SELECT * FROM a"));
}

TEST(Migrations, RefusesNewerDatabase) {
  TempDir dir;
  {
    auto db = Database::open(dir.file("a.db"));
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db, kTestSteps));
  }
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto r = migrate(*db, std::span(kTestSteps).first(2));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::newer_schema);
  EXPECT_EQ(r.error().message(), "database was created by a newer meshchat");
  EXPECT_EQ(schema_version(*db), 3);  // untouched

  // The real list against a database from a future build.
  ASSERT_TRUE(db->execute("INSERT INTO schema_version (version, description) VALUES (99, 'x')"));
  EXPECT_EQ(migrate(*db).error(), Error::newer_schema);
}

TEST(Migrations, GapInListIsABug) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  constexpr Migration gap[] = {{1, "a", "SELECT 1"}, {3, "c", "SELECT 1"}};
  EXPECT_THROW((void)migrate(*db, gap), std::logic_error);
}

}  // namespace
}  // namespace meshchat::store
