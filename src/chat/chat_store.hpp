// ChatStore: the chat's data operations on the per-identity SQLite database (contacts,
// direct conversations, messages with edits and deletions, receipts, outbox, sync items).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/chat_store_error.hpp"
#include "chat/envelope.hpp"
#include "chat/hlc.hpp"
#include "chat/message_status.hpp"
#include "chat/sync/item.hpp"
#include "core/bytes.hpp"
#include "core/multiaddr.hpp"
#include "core/result.hpp"
#include "crypto/peer_id.hpp"
#include "store/database.hpp"
#include "store/schema.hpp"

namespace meshchat::chat {

// A peer is reachable through a handful of addresses at a time (a LAN, a public and a relayed
// one, over IPv4 and IPv6); older ones are stale and only slow dialing down.
inline constexpr std::size_t kMaxAddressesPerPeer = 16;
// One page of history; a UI shows a few dozen messages, and bigger pages only delay the first.
inline constexpr std::size_t kMaxMessagesPerQuery = 1000;

struct ContactRecord {
  crypto::PeerId peer_id;
  std::string name;                     // what the peer announces (invite nickname)
  std::optional<std::string> nickname;  // the local user's name for them
  std::int64_t added_at_ms = 0;
  std::vector<Multiaddr> addresses;  // from peer_addresses, newest first
  // The user compared safety numbers with this contact and they matched.
  bool verified = false;
  // The nickname, else the name, else the base58 PeerId (empty strings count as absent).
  std::string display_name() const;
};

struct MessageRecord {
  std::int64_t seq = 0;
  MessageId id{};
  ConversationId conversation{};
  crypto::PeerId author;
  HlcTimestamp timestamp;
  ContentType type = ContentType::text;
  // Text messages: the effective text (after edits; "" when deleted). Edit rows: their
  // replacement text. Other types: "".
  std::string text;
  bool edited = false;
  bool deleted = false;
  store::Direction direction = store::Direction::incoming;
  MessageStatus status = MessageStatus::received;
  bool operator==(const MessageRecord&) const = default;
};

struct MessageQuery {
  ConversationId conversation{};
  std::size_t limit = 50;  // the newest `limit` messages (1..kMaxMessagesPerQuery), oldest first
  std::optional<MessageId> before;  // only messages ordered before this one (unknown_message if
                                    // it is not in the conversation)
  // Words the effective text must all contain, as the user typed them: quotes and FTS operators
  // are matched as text, never interpreted. Blank means no filter.
  std::optional<std::string> search;
};

struct ConversationSummary {
  ConversationId id{};
  crypto::PeerId peer;
  std::int64_t message_count = 0;  // edits and deletions not counted
  std::int64_t unread = 0;
  std::optional<MessageRecord> last_message;
};

struct OutboxEntry {
  MessageId id{};
  crypto::PeerId peer;
  std::int64_t attempts = 0;
  std::int64_t next_attempt_at_ms = 0;
  Bytes envelope;
};

struct ReceiptUpdate {
  MessageId id{};
  MessageStatus status;
};

// Not thread-safe: one thread (StoreWorker's) owns it. Without a transaction open, every write
// method runs in its own transaction and is atomic. Inside the caller's transaction (a batch)
// it adds no savepoint of its own: after a failed call the caller rolls back (StoreWorker rolls
// the failed job back to its savepoint) rather than commit what the call left half done.
class ChatStore {
 public:
  // Opens/creates the file, migrates, and binds it to `self` (identity table). A database
  // created for another identity → wrong_identity.
  static Result<ChatStore> open(const std::filesystem::path& path, const crypto::PeerId& self,
                                std::int64_t now_ms);

  store::Database& database() { return db_; }
  const crypto::PeerId& self() const { return self_; }

  // --- Contacts (chat_store_contacts.cpp)

  // Upsert: the name is replaced, an existing nickname is kept when contact.nickname is
  // nullopt, added_at is set on first insert (to now_ms), addresses are recorded as seen now.
  Result<void> add_contact(const ContactRecord& contact, std::int64_t now_ms);
  // Ordered by display name (ASCII case folded), then PeerId.
  Result<std::vector<ContactRecord>> contacts();
  Result<std::optional<ContactRecord>> contact(const crypto::PeerId& peer);
  // By PeerId text (base58 or CID), exact nickname, or exact name (in that priority); several
  // contacts matching at the deciding level → ambiguous_contact. nullopt when none.
  Result<std::optional<ContactRecord>> find_contact(std::string_view name_or_peer_id);
  // History and outbox stay. false if there was no such contact.
  Result<bool> remove_contact(const crypto::PeerId& peer);
  // nullopt clears the nickname. false if there is no such contact.
  Result<bool> rename_contact(const crypto::PeerId& peer, std::optional<std::string> nickname);
  // Marks the contact verified with the safety number the user confirmed, or (nullopt) not
  // verified. False if `peer` is not a contact.
  Result<bool> set_contact_verified(const crypto::PeerId& peer,
                                    std::optional<std::string> safety_number);
  // Marks each address seen at now_ms (addresses of one call tie, in byte order), then keeps
  // only the peer's kMaxAddressesPerPeer newest.
  Result<void> record_addresses(const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses,
                                std::int64_t now_ms);
  // Newest first, at most kMaxAddressesPerPeer; stored bytes that no longer parse are skipped.
  Result<std::vector<Multiaddr>> addresses(const crypto::PeerId& peer);

  // --- Conversations (chat_store.cpp)

  Result<ConversationId> ensure_direct_conversation(const crypto::PeerId& peer,
                                                    std::int64_t now_ms);
  // Newest activity first: the last listed message's HLC wall time, else the creation time.
  Result<std::vector<ConversationSummary>> conversations();
  // The peer of a direct conversation, nullopt if unknown.
  Result<std::optional<crypto::PeerId>> conversation_peer(const ConversationId& id);

  // --- Messages (chat_store_messages.cpp)

  // Our own new envelope (author == self, else wrong_identity) for `recipient` (conversation
  // must be theirs, else unknown_conversation): message row (pending), queued receipt and
  // outbox row (next attempt now_ms). Edits/deletes apply to their target here too. Storing
  // the same envelope again changes nothing. Returns the message as stored (built from the
  // envelope when new: no read back).
  Result<MessageRecord> insert_outgoing(const Envelope& envelope, const crypto::PeerId& recipient,
                                        std::int64_t now_ms);
  // A verified envelope from `sender` (live or sync). Checks: conversation == direct id of
  // (self, sender) else unknown_conversation; author is self or sender else not_member.
  // Author == self (our own message restored by sync) is stored as outgoing with state
  // delivered (the peer had it) and no outbox row. Returns false for a duplicate.
  Result<bool> insert_incoming(const Envelope& envelope, const crypto::PeerId& sender,
                               std::int64_t now_ms);
  // Any row, edits and deletions included.
  Result<std::optional<MessageRecord>> message(const MessageId& id);
  // Edits/deletes excluded. An unknown conversation → unknown_conversation; a limit outside
  // 1..kMaxMessagesPerQuery → std::errc::invalid_argument.
  Result<std::vector<MessageRecord>> messages(const MessageQuery& query);
  // Encoded, in the order asked, unknown ids skipped.
  Result<std::vector<Bytes>> envelopes(const std::vector<MessageId>& ids);
  // Same, limited to one conversation: what a sync peer may ask for, so that it can never read
  // another conversation's messages by naming their ids.
  Result<std::vector<Bytes>> envelopes_in(const ConversationId& conversation,
                                          const std::vector<MessageId>& ids);
  Result<std::optional<Bytes>> envelope(const MessageId& id);
  // Greatest HLC timestamp stored (to restore the clock at start); {} when there is none.
  Result<HlcTimestamp> last_timestamp();

  // Moves text stored since the last call into the full-text index (store::index_pending_text).
  // Searches do it themselves; StoreWorker does it before every commit.
  Result<void> index_pending_text();

  // --- Receipts (chat_store_receipts.cpp)

  // A peer's receipt (delivered/read) for messages we authored: upserts receipts, raises
  // messages.state to max, deletes outbox rows once ≥ delivered. Unknown ids, or messages not
  // authored by us, or not in a conversation with that peer, are ignored (so is a queued
  // state). Returns the messages whose status changed.
  Result<std::vector<ReceiptUpdate>> apply_receipts(const crypto::PeerId& peer,
                                                    const std::vector<MessageId>& ids,
                                                    store::ReceiptState state, std::int64_t now_ms);
  // Marks every incoming message of the conversation read (edits and deletions too: they were
  // shown through their target). Returns the ids newly read, in timeline order (the caller
  // sends read receipts to their authors).
  Result<std::vector<MessageId>> mark_read(const ConversationId& conversation, std::int64_t now_ms);
  // Our state of the incoming messages in the conversation (delivered or read), for sync.
  Result<std::vector<std::pair<MessageId, store::ReceiptState>>> local_receipts(
      const ConversationId& conversation);

  // --- Outbox (chat_store_receipts.cpp)

  // Oldest message first (HLC order).
  Result<std::vector<OutboxEntry>> outbox_for(const crypto::PeerId& peer, std::size_t limit);
  // Rows with next_attempt_at_ms <= now_ms, earliest due first, then HLC order.
  Result<std::vector<OutboxEntry>> due_outbox(std::int64_t now_ms, std::size_t limit);
  // min next_attempt_at_ms, nullopt when the outbox is empty.
  Result<std::optional<std::int64_t>> next_outbox_attempt();
  // Distinct peers with rows, in byte order.
  Result<std::vector<crypto::PeerId>> outbox_peers();
  // A row already removed (its receipt came first) is not an error: nothing happens.
  Result<void> reschedule(const MessageId& id, const crypto::PeerId& peer, std::int64_t attempts,
                          std::int64_t next_attempt_at_ms);
  Result<std::int64_t> outbox_size();

  // --- Sync (chat_store_receipts.cpp)

  // Every message row (edits/deletes included) of the conversation as Negentropy items
  // {sync_timestamp(hlc), id}, sorted in item order.
  Result<std::vector<sync::Item>> sync_items(const ConversationId& conversation);

  // --- Preferences (chat_store.cpp)

  Result<std::optional<std::string>> preference(std::string_view key);
  Result<void> set_preference(std::string_view key, std::string_view value);

 private:
  ChatStore(store::Database db, crypto::PeerId self) : db_(std::move(db)), self_(std::move(self)) {}

  Result<void> bind_identity(std::int64_t now_ms);
  Result<void> ensure_conversation(const ConversationId& id, const crypto::PeerId& peer,
                                   std::int64_t now_ms);
  Result<std::vector<Multiaddr>> load_addresses(const crypto::PeerId& peer);
  Result<ContactRecord> contact_with_addresses(ContactRecord contact);
  // Inserts the envelope's row unless its id is stored already: the new row's seq, nullopt for
  // a duplicate.
  Result<std::optional<std::int64_t>> insert_message_row(const Envelope& envelope,
                                                         store::Direction direction,
                                                         store::MessageState state);
  // What a text message shows: its body column (NULL when deleted) and flags.
  struct Revision {
    std::optional<std::string> text;
    bool edited = false;
    bool deleted = false;
    bool operator==(const Revision&) const = default;
  };
  // Recomputes what a new row changes: its own effective text (edits may have come first), or
  // its target's when it is an edit or deletion.
  Result<void> apply_content(const Envelope& envelope);
  // The winning edit or deletion of `target` by `author`, nullopt when there is none.
  Result<std::optional<Revision>> last_revision(const MessageId& target, ByteView author,
                                                ByteView conversation);
  Result<void> write_effective_content(const MessageId& target, const Revision& revision);
  // Sets the effective text and flags of text message `target` from the last edit or deletion
  // by its author, in any arrival order.
  Result<void> refresh_effective_content(const MessageId& target);
  Result<std::vector<OutboxEntry>> read_outbox(store::Statement& statement);

  // direct_conversation_id(self_, peer), remembered for the last peer: every message written
  // checks its conversation, and a burst comes from one peer (a SHA-256 each otherwise).
  const ConversationId& conversation_with(const crypto::PeerId& peer);

  store::Database db_;
  crypto::PeerId self_;
  std::optional<std::pair<crypto::PeerId, ConversationId>> last_conversation_;
};

}  // namespace meshchat::chat
