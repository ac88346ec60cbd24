// ChatStore receipts (forward-only message states), the outbox, and the items Negentropy
// reconciles a conversation over.
#include <algorithm>

#include "chat/chat_store.hpp"
#include "chat/chat_store_rows.hpp"
#include "chat/conversation.hpp"

namespace meshchat::chat {

namespace {

// The message state a peer's receipt moves our message to.
store::MessageState message_state_for(store::ReceiptState state) {
  return state == store::ReceiptState::read ? store::MessageState::read
                                            : store::MessageState::delivered;
}

}  // namespace

Result<std::vector<ReceiptUpdate>> ChatStore::apply_receipts(const crypto::PeerId& peer,
                                                             const std::vector<MessageId>& ids,
                                                             store::ReceiptState state,
                                                             std::int64_t now_ms) {
  std::vector<ReceiptUpdate> changed;
  // "Queued" is our own bookkeeping; from a peer it says nothing.
  if (state < store::ReceiptState::delivered || ids.empty()) return changed;
  const ConversationId conversation = conversation_with(peer);
  const store::MessageState target_state = message_state_for(state);

  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  for (const MessageId& id : ids) {
    auto select = db_.prepare("SELECT seq, author, conversation_id FROM messages WHERE id = ?");
    if (!select) return fail(select.error());
    auto row = select->bind_blob(1, detail::view(id)).step();
    if (!row) return fail(row.error());
    if (!*row || select->column_blob(1) != self_.bytes() ||
        detail::column_id(*select, 2) != conversation) {
      continue;
    }
    const std::int64_t seq = select->column_int64(0);
    select->reset();

    if (auto r = store::upsert_receipt(db_, seq, peer.bytes(), state, now_ms); !r) {
      return fail(r.error());
    }
    auto raise = db_.prepare("UPDATE messages SET state = ?1 WHERE seq = ?2 AND state < ?1");
    if (!raise) return fail(raise.error());
    raise->bind_int64(1, static_cast<std::int64_t>(target_state)).bind_int64(2, seq);
    if (auto r = raise->run(); !r) return fail(r.error());
    if (db_.changes() > 0) {
      changed.push_back({id, message_status(store::Direction::outgoing, target_state)});
    }
    auto done = db_.prepare("DELETE FROM outbox WHERE message_seq = ? AND peer_id = ?");
    if (!done) return fail(done.error());
    if (auto r = done->bind_int64(1, seq).bind_blob(2, peer.bytes()).run(); !r) {
      return fail(r.error());
    }
  }
  if (auto r = scope->commit(); !r) return fail(r.error());
  return changed;
}

Result<std::vector<MessageId>> ChatStore::mark_read(const ConversationId& conversation,
                                                    std::int64_t /*now_ms*/) {
  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  std::vector<MessageId> ids;
  {
    // Without the hint the planner walks the whole timeline to avoid sorting; the unread rows
    // are few and the partial index holds only them.
    auto select = db_.prepare(
        "SELECT id FROM messages INDEXED BY messages_unread"
        " WHERE conversation_id = ? AND direction = 0 AND state < 3"
        " ORDER BY hlc_wall_ms, hlc_counter, id");
    if (!select) return fail(select.error());
    select->bind_blob(1, detail::view(conversation));
    for (;;) {
      auto row = select->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      ids.push_back(detail::column_id(*select, 0));
    }
  }
  if (ids.empty()) return ids;
  auto update = db_.prepare(
      "UPDATE messages SET state = 3 WHERE conversation_id = ? AND direction = 0 AND state < 3");
  if (!update) return fail(update.error());
  if (auto r = update->bind_blob(1, detail::view(conversation)).run(); !r) return fail(r.error());
  if (auto r = scope->commit(); !r) return fail(r.error());
  return ids;
}

Result<std::vector<std::pair<MessageId, store::ReceiptState>>> ChatStore::local_receipts(
    const ConversationId& conversation) {
  auto select = db_.prepare(
      "SELECT id, state FROM messages WHERE conversation_id = ? AND direction = 0"
      " ORDER BY hlc_wall_ms, hlc_counter, id");
  if (!select) return fail(select.error());
  select->bind_blob(1, detail::view(conversation));
  std::vector<std::pair<MessageId, store::ReceiptState>> out;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    const bool read =
        select->column_int64(1) >= static_cast<std::int64_t>(store::MessageState::read);
    out.emplace_back(detail::column_id(*select, 0),
                     read ? store::ReceiptState::read : store::ReceiptState::delivered);
  }
  return out;
}

// --- Outbox ---------------------------------------------------------------------------------

namespace {
constexpr std::string_view kOutboxColumns =
    "SELECT m.id, o.peer_id, o.attempts, o.next_attempt_at, m.envelope"
    " FROM outbox o JOIN messages m ON m.seq = o.message_seq ";
}  // namespace

Result<std::vector<OutboxEntry>> ChatStore::read_outbox(store::Statement& statement) {
  std::vector<OutboxEntry> out;
  for (;;) {
    auto row = statement.step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto peer = crypto::PeerId::from_bytes(statement.column_blob(1));
    if (!peer) return fail(peer.error());
    out.push_back(OutboxEntry{.id = detail::column_id(statement, 0),
                              .peer = std::move(*peer),
                              .attempts = statement.column_int64(2),
                              .next_attempt_at_ms = statement.column_int64(3),
                              .envelope = statement.column_blob(4)});
  }
  return out;
}

Result<std::vector<OutboxEntry>> ChatStore::outbox_for(const crypto::PeerId& peer,
                                                       std::size_t limit) {
  // Walks messages_pending in order and stops after `limit`: a round costs its own size, not
  // the queue's. Every outbox row's message is outgoing and not yet delivered (both change in
  // the same transaction when the receipt arrives).
  auto select = db_.prepare(
      "SELECT m.id, o.peer_id, o.attempts, o.next_attempt_at, m.envelope"
      " FROM messages m JOIN outbox o ON o.message_seq = m.seq AND o.peer_id = ?1"
      " WHERE m.conversation_id = ?2 AND m.direction = 1 AND m.state < 2"
      " ORDER BY m.hlc_wall_ms, m.hlc_counter, m.id LIMIT ?3");
  if (!select) return fail(select.error());
  auto conversation = conversation_with(peer);
  select->bind_blob(1, peer.bytes())
      .bind_blob(2, conversation)
      .bind_int64(3, static_cast<std::int64_t>(limit));
  return read_outbox(*select);
}

Result<std::vector<OutboxEntry>> ChatStore::due_outbox(std::int64_t now_ms, std::size_t limit) {
  auto select = db_.prepare(std::string(kOutboxColumns) +
                            "WHERE o.next_attempt_at <= ?"
                            " ORDER BY o.next_attempt_at, m.hlc_wall_ms, m.hlc_counter, m.id"
                            " LIMIT ?");
  if (!select) return fail(select.error());
  select->bind_int64(1, now_ms).bind_int64(2, static_cast<std::int64_t>(limit));
  return read_outbox(*select);
}

Result<std::optional<std::int64_t>> ChatStore::next_outbox_attempt() {
  auto select = db_.prepare("SELECT min(next_attempt_at) FROM outbox");
  if (!select) return fail(select.error());
  auto row = select->step();
  if (!row) return fail(row.error());
  if (!*row || select->column_is_null(0)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(select->column_int64(0));
}

Result<std::vector<crypto::PeerId>> ChatStore::outbox_peers() {
  auto select = db_.prepare("SELECT DISTINCT peer_id FROM outbox ORDER BY peer_id");
  if (!select) return fail(select.error());
  std::vector<crypto::PeerId> out;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto peer = crypto::PeerId::from_bytes(select->column_blob(0));
    if (!peer) return fail(peer.error());
    out.push_back(std::move(*peer));
  }
  return out;
}

Result<void> ChatStore::reschedule(const MessageId& id, const crypto::PeerId& peer,
                                   std::int64_t attempts, std::int64_t next_attempt_at_ms) {
  auto update = db_.prepare(
      "UPDATE outbox SET attempts = ?, next_attempt_at = ?"
      " WHERE message_seq = (SELECT seq FROM messages WHERE id = ?) AND peer_id = ?");
  if (!update) return fail(update.error());
  update->bind_int64(1, attempts)
      .bind_int64(2, next_attempt_at_ms)
      .bind_blob(3, detail::view(id))
      .bind_blob(4, peer.bytes());
  return update->run();
}

Result<std::int64_t> ChatStore::outbox_size() {
  auto select = db_.prepare("SELECT count(*) FROM outbox");
  if (!select) return fail(select.error());
  return detail::single_int(*select);
}

// --- Sync -----------------------------------------------------------------------------------

Result<std::vector<sync::Item>> ChatStore::sync_items(const ConversationId& conversation) {
  // Covered by the timeline index: no table lookups.
  auto select =
      db_.prepare("SELECT hlc_wall_ms, hlc_counter, id FROM messages WHERE conversation_id = ?");
  if (!select) return fail(select.error());
  select->bind_blob(1, detail::view(conversation));
  std::vector<sync::Item> items;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    const HlcTimestamp timestamp{static_cast<std::uint64_t>(select->column_int64(0)),
                                 static_cast<std::uint32_t>(select->column_int64(1))};
    items.push_back({sync_timestamp(timestamp), detail::column_id(*select, 2)});
  }
  // Counters above 16 bits are clamped, so HLC order and item order can differ.
  std::sort(items.begin(), items.end());
  return items;
}

}  // namespace meshchat::chat
