// RAII write transaction: BEGIN IMMEDIATE on creation, ROLLBACK on destruction unless commit()
// succeeded, so an early return or an exception never leaves half a batch in the database.
#pragma once

#include "core/result.hpp"
#include "store/database.hpp"

namespace meshchat::store {

class Transaction {
 public:
  // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes
  // can fail with SQLITE_BUSY mid-way in WAL mode, where busy_timeout cannot help.
  static Result<Transaction> begin(Database& db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // On failure the transaction stays open and is rolled back on destruction.
  Result<void> commit();
  // Rolls back now; a no-op once committed or rolled back.
  void rollback() noexcept;

  bool active() const { return db_ != nullptr; }

 private:
  explicit Transaction(Database& db) : db_(&db) {}
  Database* db_;  // null once finished
};

}  // namespace meshchat::store
