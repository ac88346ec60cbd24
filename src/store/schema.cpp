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

Result<void> index_pending_text(Database& db) {
  auto index = db.prepare(
      "INSERT INTO messages_fts (rowid, body)"
      " SELECT m.seq, m.body FROM search_pending p JOIN messages m ON m.seq = p.seq");
  if (!index) return fail(index.error());
  if (auto r = index->run(); !r) return fail(r.error());
  auto clear = db.prepare("DELETE FROM search_pending");
  if (!clear) return fail(clear.error());
  return clear->run();
}

}  // namespace meshchat::store
