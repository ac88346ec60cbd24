#include "chat/chat_store.hpp"

#include <algorithm>
#include <tuple>

#include "chat/chat_store_rows.hpp"
#include "chat/conversation.hpp"
#include "store/migrations.hpp"

namespace meshchat::chat {

namespace detail {

Result<WriteScope> WriteScope::begin(store::Database& db) {
  if (db.in_transaction()) return WriteScope(nullptr, std::nullopt);
  auto transaction = store::Transaction::begin(db);
  if (!transaction) return fail(transaction.error());
  return WriteScope(&db, std::move(*transaction));
}

WriteScope::WriteScope(WriteScope&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), transaction_(std::move(other.transaction_)) {
  other.transaction_.reset();
}

Result<void> WriteScope::commit() {
  if (db_ == nullptr) return {};
  if (auto r = transaction_->commit(); !r) return fail(r.error());
  db_ = nullptr;
  return {};
}

std::array<std::uint8_t, 32> column_id(const store::Statement& statement, int column) {
  std::array<std::uint8_t, 32> id{};
  Bytes bytes = statement.column_blob(column);
  if (bytes.size() == id.size()) std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

Result<MessageRecord> read_message(const store::Statement& statement) {
  auto author = crypto::PeerId::from_bytes(statement.column_blob(3));
  if (!author) return fail(author.error());
  const auto type = static_cast<ContentType>(statement.column_int64(6));
  const auto direction = static_cast<store::Direction>(statement.column_int64(11));
  std::string text;
  if (type == ContentType::text) {
    text = statement.column_text(7);  // the effective text; NULL once deleted
  } else if (type == ContentType::edit) {
    text = statement.column_text(8);  // the replacement this edit carries
  }
  MessageRecord record{
      .seq = statement.column_int64(0),
      .id = column_id(statement, 1),
      .conversation = column_id(statement, 2),
      .author = std::move(*author),
      .timestamp = {static_cast<std::uint64_t>(statement.column_int64(4)),
                    static_cast<std::uint32_t>(statement.column_int64(5))},
      .type = type,
      .text = std::move(text),
      .edited = statement.column_int64(9) != 0,
      .deleted = statement.column_int64(10) != 0,
      .direction = direction,
      .status =
          message_status(direction, static_cast<store::MessageState>(statement.column_int64(12))),
  };
  return record;
}

Result<std::int64_t> single_int(store::Statement& statement) {
  auto row = statement.step();
  if (!row) return fail(row.error());
  if (!*row || statement.column_is_null(0)) return 0;
  return statement.column_int64(0);
}

}  // namespace detail

namespace {
// A batch of a thousand messages dirties a few megabytes of table, index and FTS pages; with
// SQLite's default 2 MiB cache they spill to the WAL mid-transaction and are read back. The
// statement journals of the per-job and per-call savepoints stay in memory for the same reason.
constexpr std::string_view kConnectionPragmas =
    "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY";
}  // namespace

std::string ContactRecord::display_name() const {
  if (nickname && !nickname->empty()) return *nickname;
  if (!name.empty()) return name;
  return peer_id.to_base58();
}

Result<ChatStore> ChatStore::open(const std::filesystem::path& path, const crypto::PeerId& self,
                                  std::int64_t now_ms) {
  auto db = store::Database::open(path);
  if (!db) return fail(db.error());
  if (auto r = db->execute(kConnectionPragmas); !r) return fail(r.error());
  if (auto version = store::migrate(*db); !version) return fail(version.error());
  ChatStore chat_store(std::move(*db), self);
  if (auto r = chat_store.bind_identity(now_ms); !r) return fail(r.error());
  return chat_store;
}

Result<void> ChatStore::bind_identity(std::int64_t now_ms) {
  auto scope = detail::WriteScope::begin(db_);
  if (!scope) return fail(scope.error());
  auto select = db_.prepare("SELECT peer_id FROM identity WHERE id = 1");
  if (!select) return fail(select.error());
  auto row = select->step();
  if (!row) return fail(row.error());
  if (*row) {
    if (select->column_blob(0) != self_.bytes()) return fail(StoreError::wrong_identity);
    return scope->commit();
  }
  auto insert = db_.prepare("INSERT INTO identity (id, peer_id, created_at) VALUES (1, ?, ?)");
  if (!insert) return fail(insert.error());
  if (auto r = insert->bind_blob(1, self_.bytes()).bind_int64(2, now_ms).run(); !r) {
    return fail(r.error());
  }
  return scope->commit();
}

// --- Conversations --------------------------------------------------------------------------

Result<void> ChatStore::ensure_conversation(const ConversationId& id, const crypto::PeerId& peer,
                                            std::int64_t now_ms) {
  auto insert = db_.prepare(
      "INSERT INTO conversations (id, kind, peer_id, created_at) VALUES (?, 0, ?, ?)"
      " ON CONFLICT DO NOTHING");
  if (!insert) return fail(insert.error());
  insert->bind_blob(1, detail::view(id)).bind_blob(2, peer.bytes()).bind_int64(3, now_ms);
  return insert->run();
}

const ConversationId& ChatStore::conversation_with(const crypto::PeerId& peer) {
  if (!last_conversation_ || last_conversation_->first != peer) {
    last_conversation_.emplace(peer, direct_conversation_id(self_, peer));
  }
  return last_conversation_->second;
}

Result<ConversationId> ChatStore::ensure_direct_conversation(const crypto::PeerId& peer,
                                                             std::int64_t now_ms) {
  ConversationId id = conversation_with(peer);
  if (auto r = ensure_conversation(id, peer, now_ms); !r) return fail(r.error());
  return id;
}

Result<std::optional<crypto::PeerId>> ChatStore::conversation_peer(const ConversationId& id) {
  auto select = db_.prepare("SELECT peer_id FROM conversations WHERE id = ? AND kind = 0");
  if (!select) return fail(select.error());
  auto row = select->bind_blob(1, detail::view(id)).step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<crypto::PeerId>();
  auto peer = crypto::PeerId::from_bytes(select->column_blob(0));
  if (!peer) return fail(peer.error());
  return std::optional<crypto::PeerId>(std::move(*peer));
}

Result<std::vector<ConversationSummary>> ChatStore::conversations() {
  struct Entry {
    ConversationSummary summary;
    std::int64_t created_at;
  };
  std::vector<Entry> entries;
  {
    auto select = db_.prepare("SELECT id, peer_id, created_at FROM conversations WHERE kind = 0");
    if (!select) return fail(select.error());
    for (;;) {
      auto row = select->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      auto peer = crypto::PeerId::from_bytes(select->column_blob(1));
      if (!peer) return fail(peer.error());
      ConversationSummary summary{.id = detail::column_id(*select, 0),
                                  .peer = std::move(*peer),
                                  .message_count = 0,
                                  .unread = 0,
                                  .last_message = std::nullopt};
      entries.push_back({std::move(summary), select->column_int64(2)});
    }
  }

  const std::string last_sql = std::string("SELECT ") + std::string(detail::kMessageColumns) +
                               " FROM messages m WHERE m.conversation_id = ? AND m.target IS NULL"
                               " ORDER BY m.hlc_wall_ms DESC, m.hlc_counter DESC, m.id DESC"
                               " LIMIT 1";
  for (Entry& entry : entries) {
    ByteView id = detail::view(entry.summary.id);
    auto count =
        db_.prepare("SELECT count(*) FROM messages WHERE conversation_id = ? AND target IS NULL");
    if (!count) return fail(count.error());
    auto total = detail::single_int(count->bind_blob(1, id));
    if (!total) return fail(total.error());
    entry.summary.message_count = *total;

    auto unread = db_.prepare(
        "SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 0 AND state < 3"
        " AND target IS NULL");
    if (!unread) return fail(unread.error());
    auto unread_count = detail::single_int(unread->bind_blob(1, id));
    if (!unread_count) return fail(unread_count.error());
    entry.summary.unread = *unread_count;

    auto last = db_.prepare(last_sql);
    if (!last) return fail(last.error());
    auto row = last->bind_blob(1, id).step();
    if (!row) return fail(row.error());
    if (*row) {
      auto record = detail::read_message(*last);
      if (!record) return fail(record.error());
      entry.summary.last_message = std::move(*record);
    }
  }

  auto activity = [](const Entry& e) {
    if (e.summary.last_message) {
      const HlcTimestamp t = e.summary.last_message->timestamp;
      return std::tuple(static_cast<std::int64_t>(t.wall_ms), static_cast<std::int64_t>(t.counter));
    }
    return std::tuple(e.created_at, std::int64_t{0});
  };
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    auto ka = activity(a);
    auto kb = activity(b);
    if (ka != kb) return ka > kb;
    return a.summary.id < b.summary.id;
  });
  std::vector<ConversationSummary> out;
  out.reserve(entries.size());
  for (Entry& e : entries) out.push_back(std::move(e.summary));
  return out;
}

// --- Preferences ----------------------------------------------------------------------------

Result<std::optional<std::string>> ChatStore::preference(std::string_view key) {
  auto select = db_.prepare("SELECT value FROM preferences WHERE key = ?");
  if (!select) return fail(select.error());
  auto row = select->bind_text(1, key).step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->column_text(0));
}

Result<void> ChatStore::set_preference(std::string_view key, std::string_view value) {
  auto upsert = db_.prepare(
      "INSERT INTO preferences (key, value) VALUES (?, ?)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!upsert) return fail(upsert.error());
  return upsert->bind_text(1, key).bind_text(2, value).run();
}

}  // namespace meshchat::chat
