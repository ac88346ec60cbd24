#include "store/migrations.hpp"

#include <iterator>
#include <stdexcept>

#include "store/schema.hpp"
#include "store/transaction.hpp"

namespace meshchat::store {

namespace {

constexpr Migration kMigrations[] = {
    {1, "initial schema", kSchemaV1},
    {2, "edits, deletions and chat store indexes", kSchemaV2},
    {3, "outbox and receipts keyed by message seq", kSchemaV3},
    {4, "full-text index fed once per batch", kSchemaV4},
};

// One row per applied migration, so the history shows which build brought each step.
constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY CHECK (version > 0),"
    " description TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL DEFAULT (unixepoch()))";

void check_sequence(std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      throw std::logic_error("store: migrations must be numbered 1, 2, ... without gaps");
    }
  }
}

}  // namespace

std::span<const Migration> builtin_migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return static_cast<int>(std::size(kMigrations));
}

Result<int> schema_version(Database& db) {
  auto exists = db.prepare(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'");
  if (!exists) return fail(exists.error());
  auto row = exists->step();
  if (!row) return fail(row.error());
  if (exists->column_int64(0) == 0) return 0;

  auto max = db.prepare("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!max) return fail(max.error());
  row = max->step();
  if (!row) return fail(row.error());
  return static_cast<int>(max->column_int64(0));
}

Result<int> migrate(Database& db, std::span<const Migration> migrations) {
  check_sequence(migrations);
  const int latest = static_cast<int>(migrations.size());

  // Checked before any write, so a newer database is left exactly as it was.
  auto current = schema_version(db);
  if (!current) return fail(current.error());
  if (*current > latest) return fail(Error::newer_schema);

  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    auto tx = Transaction::begin(db);
    if (!tx) return fail(tx.error());
    // Another process may have migrated between our read and our write lock: read again.
    current = schema_version(db);
    if (!current) return fail(current.error());
    if (*current > latest) return fail(Error::newer_schema);
    if (m.version <= *current) continue;

    if (auto r = db.execute(kCreateVersionTable); !r) return fail(r.error());
    if (auto r = db.execute(m.sql); !r) return fail(r.error());
    auto record = db.prepare("INSERT INTO schema_version (version, description) VALUES (?, ?)");
    if (!record) return fail(record.error());
    record->bind_int64(1, m.version).bind_text(2, m.description);
    if (auto r = record->run(); !r) return fail(r.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    current = m.version;
  }
  return *current;
}

}  // namespace meshchat::store
