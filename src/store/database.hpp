// One SQLite connection (WAL, foreign keys, busy timeout) with RAII prepared statements and a
// statement cache keyed by SQL text. A Database is owned by one strand and is not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "store/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace meshchat::store {

// A cache this size holds every statement the store's fixed SQL needs; past it, prepare() hands
// out uncached statements so that ad-hoc SQL cannot grow memory without bound.
inline constexpr std::size_t kMaxCachedStatements = 128;

struct DatabaseOptions {
  // How long a writer waits for another connection's lock before SQLITE_BUSY. Five seconds covers
  // a checkpoint or a large batch by a second process without hanging a caller indefinitely.
  std::chrono::milliseconds busy_timeout{5000};
};

enum class ColumnType { integer, real, text, blob, null };

namespace detail {
struct Connection;
struct CacheSlot;
}  // namespace detail

// A prepared statement. Binds are 1-based and columns 0-based, as in SQLite. A bind that fails
// (for example SQLITE_TOOBIG) is remembered and returned by the next step(). A statement from the
// cache is reset and returned to it on destruction; it must not outlive its Database.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind_int64(int index, std::int64_t value);
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_blob(int index, ByteView value);
  Statement& bind_null(int index);

  // true while a row is available, false once the statement is done.
  Result<bool> step();
  // Steps to completion, for statements that return no rows (INSERT, UPDATE, DDL).
  Result<void> run();
  // Rewinds for another execution and clears every binding.
  void reset();

  int column_count() const;
  ColumnType column_type(int column) const;
  bool column_is_null(int column) const { return column_type(column) == ColumnType::null; }
  std::int64_t column_int64(int column) const;
  std::string column_text(int column) const;
  Bytes column_blob(int column) const;

  bool cached() const { return slot_ != nullptr; }
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  friend class Database;
  Statement(detail::Connection* connection, sqlite3_stmt* stmt, detail::CacheSlot* slot);
  void release() noexcept;
  void check_column(int column) const;

  detail::Connection* connection_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  detail::CacheSlot* slot_ = nullptr;  // non-null when borrowed from the cache
  int bind_error_ = 0;                 // first failed bind since the last reset
};

class Database {
 public:
  struct CacheStats {
    std::size_t size;    // statements held by the cache
    std::uint64_t hits;  // prepare() calls served without compiling SQL
    std::uint64_t misses;
  };

  // Opens or creates the file, then sets WAL, foreign keys, busy timeout and synchronous=NORMAL.
  // A file that is not a SQLite database fails here with SQLITE_NOTADB.
  static Result<Database> open(const std::filesystem::path& path, DatabaseOptions options = {});

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more ';'-separated statements that return nothing useful (scripts, pragmas).
  Result<void> execute(std::string_view sql);

  // A statement from the cache (compiled once per SQL text), or a fresh one when the cached copy
  // is already in use (re-entrant use of the same SQL) or the cache is full.
  Result<Statement> prepare(std::string_view sql);
  // A statement that is always compiled afresh and finalized on destruction.
  Result<Statement> prepare_uncached(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  // Rows changed by the most recent INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  bool in_transaction() const;
  CacheStats cache_stats() const;
  // SQLite's detail text for the most recent failure on this connection, for logs and the UI.
  const std::string& last_error_message() const;
  const std::filesystem::path& path() const;

  sqlite3* handle() const;

  // Called after every commit with the number of pages in the write-ahead log; nullptr removes
  // it. Runs on the committing thread, inside SQLite: it must not use this connection.
  void set_wal_hook(std::function<void(int log_pages)> hook);

 private:
  explicit Database(std::unique_ptr<detail::Connection> connection);
  Result<Statement> compile(std::string_view sql, detail::CacheSlot* slot);

  // Behind a pointer so that statements keep a stable connection address across moves.
  std::unique_ptr<detail::Connection> connection_;
};

}  // namespace meshchat::store
