// Internals shared by the ChatStore source files: the atomic write scope, the message column
// list and its row decoder, and conversions between fixed-size ids and blobs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chat/chat_store.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/transaction.hpp"

namespace meshchat::chat::detail {

// Makes a ChatStore write atomic when the caller has no transaction open: it is then its own
// BEGIN IMMEDIATE transaction, rolled back unless committed. Inside the caller's transaction it
// does nothing, and the caller's rollback undoes a failed call (StoreWorker rolls a failed job
// back to its savepoint). A savepoint per call would be safer against callers that ignore
// errors, but SQLite then journals every page a call touches and FTS5 flushes its pending
// terms into a new segment on every call: a batch loses a fifth to a third of its rate.
class WriteScope {
 public:
  static Result<WriteScope> begin(store::Database& db);

  WriteScope(WriteScope&& other) noexcept;
  WriteScope& operator=(WriteScope&&) = delete;
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;
  ~WriteScope() = default;  // an uncommitted transaction_ rolls back by itself

  Result<void> commit();

 private:
  WriteScope(store::Database* db, std::optional<store::Transaction> transaction)
      : db_(db), transaction_(std::move(transaction)) {}

  store::Database* db_;  // null when there is nothing to commit
  std::optional<store::Transaction> transaction_;
};

// The columns read_message() decodes, in its order; `m` is the messages table alias.
inline constexpr std::string_view kMessageColumns =
    "m.seq, m.id, m.conversation_id, m.author, m.hlc_wall_ms, m.hlc_counter, m.type, m.body,"
    " m.content, m.edited, m.deleted, m.direction, m.state, m.target";

// A row selected with kMessageColumns first. Fails only on corrupt rows (a stored author that
// is not a PeerId).
Result<MessageRecord> read_message(const store::Statement& statement);

// A 32-byte id column; a blob of another length (impossible under the schema's CHECKs) yields
// zeros rather than reading past it.
std::array<std::uint8_t, 32> column_id(const store::Statement& statement, int column);

inline ByteView view(const std::array<std::uint8_t, 32>& id) {
  return {id.data(), id.size()};
}

// Reads the single integer a statement like SELECT count(*) yields.
Result<std::int64_t> single_int(store::Statement& statement);

}  // namespace meshchat::chat::detail
