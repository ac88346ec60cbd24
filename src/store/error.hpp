// Errors of the local store: SQLite result codes in their own category, plus meshchat's own.
// SQLite's per-connection detail text (sqlite3_errmsg) is kept by Database::last_error_message().
#pragma once

#include <system_error>

#include "core/error_category.hpp"

namespace meshchat::store {

enum class Error {
  newer_schema = 1,  // schema_version is above every migration this build knows
  wal_unavailable,   // journal_mode would not switch to WAL (e.g. a read-only medium)
  home_in_use,       // another open file description holds the flock on <home>/meshchat.lock
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

// The category of SQLite's extended result codes; message() is sqlite3_errstr(), which names
// the condition ("file is not a database", "database is locked") without per-call detail.
const std::error_category& sqlite_category() noexcept;
inline std::error_code sqlite_error(int extended_result_code) noexcept {
  return {extended_result_code, sqlite_category()};
}
// The primary result code (SQLITE_BUSY, SQLITE_CORRUPT, ...) of an error from sqlite_category(),
// or 0 for any other category.
int sqlite_primary_code(const std::error_code& ec) noexcept;

}  // namespace meshchat::store

MESHCHAT_REGISTER_ERROR_CODE(meshchat::store::Error)
