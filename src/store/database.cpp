#include "store/database.hpp"

#include <sqlite3.h>

#include <cassert>
#include <climits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace meshchat::store {

namespace detail {

struct CacheSlot {
  sqlite3_stmt* stmt;
  bool in_use;
};

struct Connection {
  Connection(sqlite3* handle, std::filesystem::path file) : db(handle), path(std::move(file)) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [sql, slot] : cache) {
      // A statement lent out past its Database would dangle; that is a bug in the caller.
      assert(!slot->in_use);
      sqlite3_finalize(slot->stmt);
    }
    // close_v2 defers the close until stray statements are finalized rather than failing.
    sqlite3_close_v2(db);
  }

  // Records SQLite's detail text for `rc` and returns it as an error code.
  std::error_code failure(int rc) {
    last_error = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return sqlite_error(rc);
  }

  sqlite3* db;
  std::filesystem::path path;
  std::string last_error;
  std::map<std::string, std::unique_ptr<CacheSlot>, std::less<>> cache;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::function<void(int)> wal_hook;
};

}  // namespace detail

namespace {

// Binding copies the value (SQLITE_TRANSIENT): callers pass views of temporaries that die before
// step(), and the values are small next to the cost of a write.
const auto kCopy = SQLITE_TRANSIENT;

// SQLite binds NULL for a null data pointer, so an empty text or blob needs a real address.
const char kEmpty[1] = {0};

bool only_whitespace(const char* begin, const char* end) {
  for (const char* p = begin; p < end; ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') return false;
  }
  return true;
}

}  // namespace

// --- Statement --------------------------------------------------------------------------------

Statement::Statement(detail::Connection* connection, sqlite3_stmt* stmt, detail::CacheSlot* slot)
    : connection_(connection), stmt_(stmt), slot_(slot) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      slot_(std::exchange(other.slot_, nullptr)),
      bind_error_(std::exchange(other.bind_error_, 0)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    connection_ = std::exchange(other.connection_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    slot_ = std::exchange(other.slot_, nullptr);
    bind_error_ = std::exchange(other.bind_error_, 0);
  }
  return *this;
}

Statement::~Statement() {
  release();
}

void Statement::release() noexcept {
  if (stmt_ == nullptr) return;
  if (slot_ != nullptr) {
    // Back to the cache ready for the next user, and not holding a read snapshot open.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    slot_->in_use = false;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  slot_ = nullptr;
}

namespace {
void note_bind(detail::Connection* connection, int rc, int& bind_error) {
  if (rc != SQLITE_OK && bind_error == 0) {
    bind_error = rc;
    connection->failure(rc);
  }
}
}  // namespace

Statement& Statement::bind_int64(int index, std::int64_t value) {
  note_bind(connection_, sqlite3_bind_int64(stmt_, index, value), bind_error_);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  const char* data = value.empty() ? kEmpty : value.data();
  note_bind(connection_, sqlite3_bind_text64(stmt_, index, data, value.size(), kCopy, SQLITE_UTF8),
            bind_error_);
  return *this;
}

Statement& Statement::bind_blob(int index, ByteView value) {
  const void* data = value.empty() ? static_cast<const void*>(kEmpty) : value.data();
  note_bind(connection_, sqlite3_bind_blob64(stmt_, index, data, value.size(), kCopy), bind_error_);
  return *this;
}

Statement& Statement::bind_null(int index) {
  note_bind(connection_, sqlite3_bind_null(stmt_, index), bind_error_);
  return *this;
}

Result<bool> Statement::step() {
  if (bind_error_ != 0) return fail(sqlite_error(bind_error_));
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(connection_->failure(rc));
}

Result<void> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return fail(row.error());
    if (!*row) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

int Statement::column_count() const {
  return sqlite3_column_count(stmt_);
}

void Statement::check_column(int column) const {
  // SQLite answers NULL for a column that does not exist, which would hide the bug.
  if (column < 0 || column >= column_count()) {
    throw std::logic_error("store: column index out of range");
  }
}

ColumnType Statement::column_type(int column) const {
  check_column(column);
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_INTEGER:
      return ColumnType::integer;
    case SQLITE_FLOAT:
      return ColumnType::real;
    case SQLITE_TEXT:
      return ColumnType::text;
    case SQLITE_BLOB:
      return ColumnType::blob;
    default:
      return ColumnType::null;
  }
}

std::int64_t Statement::column_int64(int column) const {
  check_column(column);
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_text(int column) const {
  check_column(column);
  // The pointer first, then the size: sqlite.org/c3ref/column_blob.html fixes this order.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Bytes Statement::column_blob(int column) const {
  check_column(column);
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return Bytes(data, data + size);
}

// --- Database ---------------------------------------------------------------------------------

Database::Database(std::unique_ptr<detail::Connection> connection)
    : connection_(std::move(connection)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Result<Database> Database::open(const std::filesystem::path& path, DatabaseOptions options) {
  // SQLite's allocation statistics take a process-wide mutex on every malloc and free, and
  // nothing here reads them. The setting only works before SQLite initializes, once per
  // process; later calls fail harmlessly.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  // NOMUTEX: one strand owns each connection (STYLE.md §1), so SQLite's own locking is waste.
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // SQLite allocates a handle even when the open fails; the Connection frees it either way.
  auto connection = std::make_unique<detail::Connection>(raw, path);
  if (rc != SQLITE_OK) return fail(connection->failure(rc));
  Database db(std::move(connection));

  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));
  // Defensive mode refuses writable_schema and similar ways to corrupt the file from SQL.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);

  // The first statement reads the header, so a file that is not a database fails here.
  auto journal = db.prepare_uncached("PRAGMA journal_mode = WAL");
  if (!journal) return fail(journal.error());
  auto row = journal->step();
  if (!row) return fail(row.error());
  if (!*row || journal->column_text(0) != "wal") return fail(Error::wal_unavailable);

  // synchronous=NORMAL: in WAL mode a power loss can lose the last commits but never corrupts the
  // file, and commits skip an fsync each. Messages lost that way are re-fetched by sync from
  // peers, so durability of the final few writes is not worth an fsync per message batch.
  if (auto r = db.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL"); !r) {
    return fail(r.error());
  }
  return db;
}

Result<void> Database::execute(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec needs a terminating NUL
  int rc = sqlite3_exec(connection_->db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(connection_->failure(rc));
  return {};
}

Result<Statement> Database::compile(std::string_view sql, detail::CacheSlot* slot) {
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::logic_error("store: SQL text too long");
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  // PERSISTENT tells SQLite the statement is reused, so it allocates outside the lookaside pool.
  unsigned flags = slot != nullptr ? SQLITE_PREPARE_PERSISTENT : 0;
  int rc = sqlite3_prepare_v3(connection_->db, sql.data(), static_cast<int>(sql.size()), flags,
                              &stmt, &tail);
  if (rc != SQLITE_OK) return fail(connection_->failure(rc));
  if (stmt == nullptr || !only_whitespace(tail, sql.data() + sql.size())) {
    sqlite3_finalize(stmt);
    // Fixed SQL in the code base: an empty or multi-statement string is a bug, not bad input.
    throw std::logic_error("store: prepare() takes exactly one SQL statement");
  }
  return Statement(connection_.get(), stmt, slot);
}

Result<Statement> Database::prepare(std::string_view sql) {
  auto& c = *connection_;
  if (auto it = c.cache.find(sql); it != c.cache.end()) {
    detail::CacheSlot* slot = it->second.get();
    if (!slot->in_use) {
      ++c.hits;
      slot->in_use = true;
      return Statement(&c, slot->stmt, slot);
    }
    ++c.misses;
    return compile(sql, nullptr);
  }
  ++c.misses;
  if (c.cache.size() >= kMaxCachedStatements) return compile(sql, nullptr);
  auto slot = std::make_unique<detail::CacheSlot>(detail::CacheSlot{nullptr, true});
  auto statement = compile(sql, slot.get());
  if (!statement) return statement;
  slot->stmt = statement->stmt_;
  c.cache.emplace(std::string(sql), std::move(slot));
  return statement;
}

Result<Statement> Database::prepare_uncached(std::string_view sql) {
  return compile(sql, nullptr);
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(connection_->db);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(connection_->db);
}

bool Database::in_transaction() const {
  return sqlite3_get_autocommit(connection_->db) == 0;
}

Database::CacheStats Database::cache_stats() const {
  return {connection_->cache.size(), connection_->hits, connection_->misses};
}

const std::string& Database::last_error_message() const {
  return connection_->last_error;
}

const std::filesystem::path& Database::path() const {
  return connection_->path;
}

void Database::set_wal_hook(std::function<void(int log_pages)> hook) {
  auto& c = *connection_;
  c.wal_hook = std::move(hook);
  if (!c.wal_hook) {
    sqlite3_wal_hook(c.db, nullptr, nullptr);
    return;
  }
  sqlite3_wal_hook(
      c.db,
      [](void* context, sqlite3*, const char*, int log_pages) {
        static_cast<detail::Connection*>(context)->wal_hook(log_pages);
        return SQLITE_OK;
      },
      &c);
}

sqlite3* Database::handle() const {
  return connection_->db;
}

}  // namespace meshchat::store
