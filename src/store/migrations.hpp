// Forward-only schema migrations recorded in a schema_version table, each applied in its own
// transaction. A database newer than this build is refused rather than guessed at.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"
#include "store/database.hpp"

namespace meshchat::store {

struct Migration {
  int version;                   // 1, 2, 3, ...: the schema version after this step
  std::string_view description;  // stored next to the version, for support and debugging
  std::string_view sql;          // a script of one or more statements
};

// meshchat's migrations, in order; the last one's version is the schema this build writes.
std::span<const Migration> builtin_migrations();
int latest_schema_version();

// 0 for a database no migration has touched (no schema_version table yet).
Result<int> schema_version(Database& db);

// Applies every migration above the database's version, in order, and returns the final version.
// Fails with Error::newer_schema when the database is past the last migration. The list must run
// 1, 2, ..., n without gaps (std::logic_error otherwise: a bug in the list, not in the file).
Result<int> migrate(Database& db, std::span<const Migration> migrations);
inline Result<int> migrate(Database& db) {
  return migrate(db, builtin_migrations());
}

}  // namespace meshchat::store
