#include "store/schema.hpp"

namespace meshchat::store {

Result<void> upsert_receipt(Database& db, std::int64_t message_seq, ByteView peer_id,
                            ReceiptState state, std::int64_t at_ms) {
  auto statement = db.prepare(kUpsertReceiptSql);
  if (!statement) return fail(statement.error());
  statement->bind_int64(1, message_seq)
      .bind_blob(2, peer_id)
      .bind_int64(3, static_cast<std::int64_t>(state))
      .bind_int64(4, at_ms);
  return statement->run();
}

}  // namespace meshchat::store
