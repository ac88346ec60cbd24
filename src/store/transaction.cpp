#include "store/transaction.hpp"

#include <utility>

namespace meshchat::store {

Result<Transaction> Transaction::begin(Database& db) {
  auto statement = db.prepare("BEGIN IMMEDIATE");
  if (!statement) return fail(statement.error());
  if (auto r = statement->run(); !r) return fail(r.error());
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  rollback();
}

Result<void> Transaction::commit() {
  if (db_ == nullptr) return {};
  auto statement = db_->prepare("COMMIT");
  if (!statement) return fail(statement.error());
  if (auto r = statement->run(); !r) return fail(r.error());
  db_ = nullptr;
  return {};
}

void Transaction::rollback() noexcept {
  Database* db = std::exchange(db_, nullptr);
  // SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR); a second
  // ROLLBACK would only fail with "no transaction is active".
  if (db == nullptr || !db->in_transaction()) return;
  // Nothing useful can be done if ROLLBACK itself fails; the connection's next BEGIN reports it.
  try {
    if (auto statement = db->prepare("ROLLBACK")) (void)statement->run();
  } catch (...) {
  }
}

}  // namespace meshchat::store
