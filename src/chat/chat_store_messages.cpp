// ChatStore messages: inserting envelopes (with edits and deletions resolved last-writer-wins in
// any arrival order), listing, paging, full-text search and envelope lookup.
#include <algorithm>
#include <cctype>
#include <system_error>

#include "chat/chat_store.hpp"
#include "chat/chat_store_rows.hpp"
#include "chat/conversation.hpp"

namespace meshchat::chat {

namespace {

// FTS5 query syntax from what the user typed: every whitespace-separated word becomes a quoted
// string (quotes inside doubled), so AND, OR, NOT, NEAR, *, -, ^, : and parentheses are plain
// text. The words are ANDed, in any order. Empty when the text has no words.
std::string fts_query(std::string_view text) {
  std::string query;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size()) break;
    if (!query.empty()) query += ' ';
    query += '"';
    for (; i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])); ++i) {
      if (text[i] == '"') query += '"';
      query += text[i];
    }
    query += '"';
  }
  return query;
}

std::string message_select(std::string_view where_order_limit) {
  return std::string("SELECT ") + std::string(detail::kMessageColumns) + " FROM messages m " +
         std::string(where_order_limit);
}

}  // namespace

Result<std::optional<std::int64_t>> ChatStore::insert_message_row(const Envelope& envelope,
                                                                  store::Direction direction,
                                                                  store::MessageState state) {
  auto insert = db_.prepare(
      "INSERT INTO messages (id, conversation_id, author, hlc_wall_ms, hlc_counter, type, body,"
      " envelope, direction, state, target, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (id) DO NOTHING");
  if (!insert) return fail(insert.error());
  insert->bind_blob(1, detail::view(envelope.id()))
      .bind_blob(2, detail::view(envelope.conversation()))
      .bind_blob(3, envelope.author().bytes())
      .bind_int64(4, static_cast<std::int64_t>(envelope.timestamp().wall_ms))
      .bind_int64(5, envelope.timestamp().counter)
      .bind_int64(6, static_cast<std::int64_t>(envelope.content_type()))
      .bind_blob(8, envelope.encode())
      .bind_int64(9, static_cast<std::int64_t>(direction))
      .bind_int64(10, static_cast<std::int64_t>(state));
  // Only text rows are searchable; refresh_effective_content() may replace the body later.
  switch (envelope.content_type()) {
    case ContentType::text:
      insert->bind_text(7, envelope.text()).bind_null(11).bind_text(12, envelope.text());
      break;
    case ContentType::edit:
      insert->bind_null(7).bind_blob(11, detail::view(*envelope.target()));
      insert->bind_text(12, envelope.text());
      break;
    case ContentType::deletion:
      insert->bind_null(7).bind_blob(11, detail::view(*envelope.target())).bind_null(12);
      break;
    default:  // a reserved type this build cannot read: stored, synced and listed opaque
      insert->bind_null(7).bind_null(11).bind_null(12);
      break;
  }
  if (auto r = insert->run(); !r) return fail(r.error());
  if (db_.changes() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(db_.last_insert_rowid());
}

Result<void> ChatStore::apply_content(const Envelope& envelope) {
  if (auto target = envelope.target()) return refresh_effective_content(*target);
  if (envelope.content_type() != ContentType::text) return {};
  // A new text row already holds its own text; only edits that arrived first can change it.
  auto last = last_revision(envelope.id(), envelope.author().bytes(),
                            detail::view(envelope.conversation()));
  if (!last) return fail(last.error());
  if (!*last) return {};
  return write_effective_content(envelope.id(), **last);
}

Result<std::optional<ChatStore::Revision>> ChatStore::last_revision(const MessageId& target,
                                                                    ByteView author,
                                                                    ByteView conversation) {
  // Only the target's author may change it, and only within its conversation; among those the
  // greatest (HLC, id) wins, which every peer computes alike whatever order rows arrived in.
  auto last = db_.prepare(
      "SELECT type, content FROM messages WHERE target = ? AND author = ? AND conversation_id = ?"
      " ORDER BY hlc_wall_ms DESC, hlc_counter DESC, id DESC LIMIT 1");
  if (!last) return fail(last.error());
  last->bind_blob(1, detail::view(target)).bind_blob(2, author).bind_blob(3, conversation);
  auto row = last->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<Revision>();
  if (last->column_int64(0) == static_cast<std::int64_t>(ContentType::deletion)) {
    return std::optional<Revision>(
        Revision{.text = std::nullopt, .edited = false, .deleted = true});
  }
  return std::optional<Revision>(
      Revision{.text = last->column_text(1), .edited = true, .deleted = false});
}

Result<void> ChatStore::write_effective_content(const MessageId& target, const Revision& revision) {
  auto update = db_.prepare("UPDATE messages SET body = ?, edited = ?, deleted = ? WHERE id = ?");
  if (!update) return fail(update.error());
  if (revision.text) {
    update->bind_text(1, *revision.text);
  } else {
    update->bind_null(1);
  }
  update->bind_int64(2, revision.edited ? 1 : 0)
      .bind_int64(3, revision.deleted ? 1 : 0)
      .bind_blob(4, detail::view(target));
  return update->run();
}

Result<void> ChatStore::refresh_effective_content(const MessageId& target) {
  auto select = db_.prepare(
      "SELECT author, conversation_id, type, body, content, edited, deleted"
      " FROM messages WHERE id = ?");
  if (!select) return fail(select.error());
  auto row = select->bind_blob(1, detail::view(target)).step();
  if (!row) return fail(row.error());
  // Not here yet (it will look for its edits when it arrives), or nothing that can be edited.
  if (!*row || select->column_int64(2) != static_cast<std::int64_t>(ContentType::text)) return {};
  const Bytes author = select->column_blob(0);
  const Bytes conversation = select->column_blob(1);
  const Revision current{.text = select->column_is_null(3)
                                     ? std::nullopt
                                     : std::optional<std::string>(select->column_text(3)),
                         .edited = select->column_int64(5) != 0,
                         .deleted = select->column_int64(6) != 0};
  Revision original{.text = select->column_text(4), .edited = false, .deleted = false};
  select->reset();

  auto last = last_revision(target, author, conversation);
  if (!last) return fail(last.error());
  const Revision& effective = *last ? **last : original;
  if (effective == current) return {};  // unchanged: skip the FTS delete and re-insert
  return write_effective_content(target, effective);
}

Result<void> ChatStore::index_pending_text() {
  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  if (auto r = store::index_pending_text(db_); !r) return fail(r.error());
  return scope->commit();
}

Result<MessageRecord> ChatStore::insert_outgoing(const Envelope& envelope,
                                                 const crypto::PeerId& recipient,
                                                 std::int64_t now_ms) {
  if (envelope.author() != self_) return fail(StoreError::wrong_identity);
  if (envelope.conversation() != conversation_with(recipient)) {
    return fail(StoreError::unknown_conversation);
  }
  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  if (auto r = ensure_conversation(envelope.conversation(), recipient, now_ms); !r) {
    return fail(r.error());
  }
  auto inserted =
      insert_message_row(envelope, store::Direction::outgoing, store::MessageState::pending);
  if (!inserted) return fail(inserted.error());
  if (!*inserted) {  // stored before, with its outbox row
    if (auto r = scope->commit(); !r) return fail(r.error());
    auto stored = message(envelope.id());
    if (!stored) return fail(stored.error());
    if (!*stored) return fail(StoreError::unknown_message);
    return std::move(**stored);
  }
  const std::int64_t seq = **inserted;

  auto outbox = db_.prepare(
      "INSERT INTO outbox (message_seq, peer_id, attempts, next_attempt_at) VALUES (?, ?, 0, ?)");
  if (!outbox) return fail(outbox.error());
  outbox->bind_int64(1, seq).bind_blob(2, recipient.bytes()).bind_int64(3, now_ms);
  if (auto r = outbox->run(); !r) return fail(r.error());
  if (auto r =
          store::upsert_receipt(db_, seq, recipient.bytes(), store::ReceiptState::queued, now_ms);
      !r) {
    return fail(r.error());
  }
  // A text message we just wrote cannot have edits yet (only its author edits it, after
  // writing it): only edits and deletions change anything here.
  if (envelope.target()) {
    if (auto r = apply_content(envelope); !r) return fail(r.error());
  }
  if (auto r = scope->commit(); !r) return fail(r.error());
  const bool has_text =
      envelope.content_type() == ContentType::text || envelope.content_type() == ContentType::edit;
  return MessageRecord{.seq = seq,
                       .id = envelope.id(),
                       .conversation = envelope.conversation(),
                       .author = self_,
                       .timestamp = envelope.timestamp(),
                       .type = envelope.content_type(),
                       .text = has_text ? std::string(envelope.text()) : std::string(),
                       .edited = false,
                       .deleted = false,
                       .direction = store::Direction::outgoing,
                       .status = MessageStatus::queued};
}

Result<bool> ChatStore::insert_incoming(const Envelope& envelope, const crypto::PeerId& sender,
                                        std::int64_t now_ms) {
  if (envelope.conversation() != conversation_with(sender)) {
    return fail(StoreError::unknown_conversation);
  }
  const bool own = envelope.author() == self_;
  if (!own && envelope.author() != sender) return fail(StoreError::not_member);

  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  if (auto r = ensure_conversation(envelope.conversation(), sender, now_ms); !r) {
    return fail(r.error());
  }
  // Our own message coming back through sync: the peer had it, so it counts as delivered.
  auto inserted =
      insert_message_row(envelope, own ? store::Direction::outgoing : store::Direction::incoming,
                         store::MessageState::delivered);
  if (!inserted) return fail(inserted.error());
  if (!*inserted) {
    // Nothing was written (ensure_conversation found the row of the stored copy).
    if (auto r = scope->commit(); !r) return fail(r.error());
    return false;
  }
  if (own) {
    if (auto r = store::upsert_receipt(db_, **inserted, sender.bytes(),
                                       store::ReceiptState::delivered, now_ms);
        !r) {
      return fail(r.error());
    }
  }
  if (auto r = apply_content(envelope); !r) return fail(r.error());
  if (auto r = scope->commit(); !r) return fail(r.error());
  return true;
}

Result<std::optional<MessageRecord>> ChatStore::message(const MessageId& id) {
  auto select = db_.prepare(message_select("WHERE m.id = ?"));
  if (!select) return fail(select.error());
  auto row = select->bind_blob(1, detail::view(id)).step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<MessageRecord>();
  auto record = detail::read_message(*select);
  if (!record) return fail(record.error());
  return std::optional<MessageRecord>(std::move(*record));
}

Result<std::vector<MessageRecord>> ChatStore::messages(const MessageQuery& query) {
  if (query.limit == 0 || query.limit > kMaxMessagesPerQuery) {
    return fail(std::make_error_code(std::errc::invalid_argument));
  }
  auto known = db_.prepare("SELECT 1 FROM conversations WHERE id = ?");
  if (!known) return fail(known.error());
  auto row = known->bind_blob(1, detail::view(query.conversation)).step();
  if (!row) return fail(row.error());
  if (!*row) return fail(StoreError::unknown_conversation);
  known->reset();

  std::optional<std::tuple<std::int64_t, std::int64_t, MessageId>> anchor;
  if (query.before) {
    auto select = db_.prepare(
        "SELECT hlc_wall_ms, hlc_counter FROM messages WHERE id = ? AND conversation_id = ?");
    if (!select) return fail(select.error());
    select->bind_blob(1, detail::view(*query.before))
        .bind_blob(2, detail::view(query.conversation));
    row = select->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(StoreError::unknown_message);
    anchor.emplace(select->column_int64(0), select->column_int64(1), *query.before);
  }
  std::string search;
  if (query.search) search = fts_query(*query.search);
  if (!search.empty()) {
    // Text stored since the last batch is not in the index yet.
    if (auto r = index_pending_text(); !r) return fail(r.error());
  }

  // Separate statements per shape: an "?x IS NULL OR ..." term would keep SQLite from using
  // the timeline index for the page range.
  std::string where = "WHERE m.conversation_id = ?1 AND m.target IS NULL";
  if (anchor) where += " AND (m.hlc_wall_ms, m.hlc_counter, m.id) < (?2, ?3, ?4)";
  if (!search.empty()) {
    where += " AND m.seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?5)";
  }
  where += " ORDER BY m.hlc_wall_ms DESC, m.hlc_counter DESC, m.id DESC LIMIT ?6";
  auto select = db_.prepare(message_select(where));
  if (!select) return fail(select.error());
  select->bind_blob(1, detail::view(query.conversation));
  if (anchor) {
    select->bind_int64(2, std::get<0>(*anchor))
        .bind_int64(3, std::get<1>(*anchor))
        .bind_blob(4, detail::view(std::get<2>(*anchor)));
  }
  if (!search.empty()) select->bind_text(5, search);
  select->bind_int64(6, static_cast<std::int64_t>(query.limit));

  std::vector<MessageRecord> out;
  for (;;) {
    row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto record = detail::read_message(*select);
    if (!record) return fail(record.error());
    out.push_back(std::move(*record));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::optional<Bytes>> ChatStore::envelope(const MessageId& id) {
  auto select = db_.prepare("SELECT envelope FROM messages WHERE id = ?");
  if (!select) return fail(select.error());
  auto row = select->bind_blob(1, detail::view(id)).step();
  if (!row) return fail(row.error());
  if (!*row || select->column_is_null(0)) return std::optional<Bytes>();
  return std::optional<Bytes>(select->column_blob(0));
}

Result<std::vector<Bytes>> ChatStore::envelopes(const std::vector<MessageId>& ids) {
  std::vector<Bytes> out;
  out.reserve(ids.size());
  for (const MessageId& id : ids) {
    auto encoded = envelope(id);
    if (!encoded) return fail(encoded.error());
    if (*encoded) out.push_back(std::move(**encoded));
  }
  return out;
}

Result<std::vector<Bytes>> ChatStore::envelopes_in(const ConversationId& conversation,
                                                   const std::vector<MessageId>& ids) {
  std::vector<Bytes> out;
  out.reserve(ids.size());
  for (const MessageId& id : ids) {
    auto select = db_.prepare("SELECT envelope FROM messages WHERE id = ? AND conversation_id = ?");
    if (!select) return fail(select.error());
    select->bind_blob(1, detail::view(id)).bind_blob(2, detail::view(conversation));
    auto row = select->step();
    if (!row) return fail(row.error());
    if (*row && !select->column_is_null(0)) out.push_back(select->column_blob(0));
  }
  return out;
}

Result<HlcTimestamp> ChatStore::last_timestamp() {
  auto select = db_.prepare(
      "SELECT hlc_wall_ms, hlc_counter FROM messages"
      " ORDER BY hlc_wall_ms DESC, hlc_counter DESC LIMIT 1");
  if (!select) return fail(select.error());
  auto row = select->step();
  if (!row) return fail(row.error());
  if (!*row) return HlcTimestamp{};
  return HlcTimestamp{static_cast<std::uint64_t>(select->column_int64(0)),
                      static_cast<std::uint32_t>(select->column_int64(1))};
}

}  // namespace meshchat::chat
