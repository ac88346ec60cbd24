// Test helpers for the chat store: fixed identities, signed envelopes between them, and a store
// in a fresh temp directory.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "../store/temp_dir.hpp"
#include "chat/chat_store.hpp"
#include "chat/conversation.hpp"
#include "chat/envelope.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::chat::testing {

using store::testing::TempDir;

inline crypto::PrivateKey key_from(std::uint8_t fill) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  return crypto::PrivateKey::ed25519_from_seed(seed);
}

struct Identity {
  crypto::PrivateKey key;
  crypto::PeerId peer;
};

inline Identity identity(std::uint8_t fill) {
  auto key = key_from(fill);
  auto peer = crypto::PeerId::from_public_key(key.public_key());
  return {std::move(key), std::move(peer)};
}

// The store's owner and two peers.
inline const Identity& alice() {
  static const Identity id = identity(0xa1);
  return id;
}
inline const Identity& bob() {
  static const Identity id = identity(0xb0);
  return id;
}
inline const Identity& carol() {
  static const Identity id = identity(0xc0);
  return id;
}

inline constexpr std::uint64_t kBaseWallMs = 1'700'000'000'000;

inline Envelope make_envelope(const Identity& author, const ConversationId& conversation,
                              HlcTimestamp timestamp, ContentType type, ByteView body) {
  auto envelope = Envelope::create(author.key, conversation, timestamp, {}, type, body);
  if (!envelope) throw std::runtime_error(envelope.error().message());
  return std::move(*envelope);
}

// Messages in the direct conversation of `author` and `other`.
inline Envelope text(const Identity& author, const Identity& other, std::string_view body,
                     HlcTimestamp timestamp) {
  return make_envelope(author, direct_conversation_id(author.peer, other.peer), timestamp,
                       ContentType::text, Envelope::text_body(body));
}
inline Envelope edit(const Identity& author, const Identity& other, const MessageId& target,
                     std::string_view body, HlcTimestamp timestamp) {
  return make_envelope(author, direct_conversation_id(author.peer, other.peer), timestamp,
                       ContentType::edit, Envelope::edit_body(target, body));
}
inline Envelope deletion(const Identity& author, const Identity& other, const MessageId& target,
                         HlcTimestamp timestamp) {
  return make_envelope(author, direct_conversation_id(author.peer, other.peer), timestamp,
                       ContentType::deletion, Envelope::deletion_body(target));
}

inline HlcTimestamp at(std::uint64_t offset_ms, std::uint32_t counter = 0) {
  return {kBaseWallMs + offset_ms, counter};
}

inline ChatStore open_store(const TempDir& dir, const Identity& self = alice(),
                            const char* file = "chat.db") {
  auto store = ChatStore::open(dir.file(file), self.peer, 1000);
  if (!store) throw std::runtime_error(store.error().message());
  return std::move(*store);
}

inline std::int64_t count_rows(ChatStore& store, std::string_view sql) {
  auto statement = store.database().prepare(sql);
  if (!statement) throw std::runtime_error(store.database().last_error_message());
  auto row = statement->step();
  if (!row || !*row) throw std::runtime_error("count_rows: no row");
  return statement->column_int64(0);
}

inline std::vector<std::string> texts(const std::vector<MessageRecord>& records) {
  std::vector<std::string> out;
  for (const auto& record : records) out.push_back(record.text);
  return out;
}

}  // namespace meshchat::chat::testing
