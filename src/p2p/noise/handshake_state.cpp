#include "p2p/noise/handshake_state.hpp"

#include <sodium.h>

#include <algorithm>
#include <span>
#include <stdexcept>

#include "p2p/noise/error.hpp"

namespace meshchat::p2p::noise {

namespace {

enum class Token : std::uint8_t { e, s, ee, es, se };

// The XX pattern (noise.md §7.5), one row per message; the initiator writes the even rows.
constexpr Token kMessage1[] = {Token::e};
constexpr Token kMessage2[] = {Token::e, Token::ee, Token::s, Token::es};
constexpr Token kMessage3[] = {Token::s, Token::se};
constexpr std::array<std::span<const Token>, kHandshakeMessages> kPattern = {kMessage1, kMessage2,
                                                                             kMessage3};

bool written_by_initiator(std::size_t index) {
  return index % 2 == 0;
}

}  // namespace

KeyPair KeyPair::from_secret(const DhKey& secret) {
  KeyPair pair;
  pair.secret = secret;
  crypto_scalarmult_base(pair.public_key.data(), pair.secret.data());
  return pair;
}

KeyPair KeyPair::generate(Rng& rng) {
  DhKey secret;
  rng.fill(secret);
  KeyPair pair = from_secret(secret);
  sodium_memzero(secret.data(), secret.size());
  return pair;
}

KeyPair::~KeyPair() {
  sodium_memzero(secret.data(), secret.size());
}

HandshakeState::HandshakeState(Role role, ByteView prologue, const KeyPair& static_key,
                               const KeyPair& ephemeral)
    : role_(role), symmetric_(kProtocolName), static_key_(static_key), ephemeral_(ephemeral) {
  ensure_sodium();
  symmetric_.mix_hash(prologue);  // XX has no pre-messages to hash after the prologue
}

bool HandshakeState::my_turn() const {
  return !finished() && written_by_initiator(index_) == (role_ == Role::initiator);
}

std::size_t HandshakeState::max_payload(std::size_t index) {
  bool has_key = false;
  for (std::size_t i = 0; i < index; ++i) {
    for (Token t : kPattern[i]) has_key = has_key || (t != Token::e && t != Token::s);
  }
  std::size_t overhead = 0;
  for (Token t : kPattern[index]) {
    if (t == Token::e) overhead += kDhSize;
    if (t == Token::s) overhead += kDhSize + (has_key ? kTagSize : 0);
    if (t != Token::e && t != Token::s) has_key = true;
  }
  overhead += has_key ? kTagSize : 0;
  return kMaxMessageSize - overhead;
}

Result<void> HandshakeState::mix_dh(const KeyPair& local, const std::optional<DhKey>& remote) {
  // The pattern guarantees the remote key has been read before any token that uses it.
  if (!remote) throw std::logic_error("noise: DH token before the remote key");
  DhKey shared;
  if (crypto_scalarmult(shared.data(), local.secret.data(), remote->data()) != 0) {
    return fail(Error::weak_public_key);
  }
  symmetric_.mix_key(shared);
  sodium_memzero(shared.data(), shared.size());
  return {};
}

Result<void> HandshakeState::write_message(ByteView payload, Bytes& out) {
  if (!my_turn()) throw std::logic_error("noise: write_message on the peer's turn");
  if (payload.size() > max_payload(index_)) {
    throw std::logic_error("noise: handshake payload above the 65535-byte message limit");
  }
  bool initiator = role_ == Role::initiator;
  std::size_t start = out.size();
  auto failed = [&](std::error_code ec) {
    out.resize(start);
    return fail(ec);
  };
  for (Token t : kPattern[index_]) {
    Result<void> r;
    switch (t) {
      case Token::e:
        append(out, ephemeral_.public_key);
        symmetric_.mix_hash(ephemeral_.public_key);
        break;
      case Token::s:
        r = symmetric_.encrypt_and_hash(static_key_.public_key, out);
        break;
      case Token::ee:
        r = mix_dh(ephemeral_, remote_ephemeral_);
        break;
      case Token::es:
        r = initiator ? mix_dh(ephemeral_, remote_static_) : mix_dh(static_key_, remote_ephemeral_);
        break;
      case Token::se:
        r = initiator ? mix_dh(static_key_, remote_ephemeral_) : mix_dh(ephemeral_, remote_static_);
        break;
    }
    if (!r) return failed(r.error());
  }
  if (auto r = symmetric_.encrypt_and_hash(payload, out); !r) return failed(r.error());
  ++index_;
  return {};
}

Result<Bytes> HandshakeState::read_message(ByteView message) {
  if (finished() || my_turn()) throw std::logic_error("noise: read_message on our turn");
  if (message.size() > kMaxMessageSize) return fail(Error::bad_frame);
  bool initiator = role_ == Role::initiator;
  auto take = [&message](std::size_t n) -> std::optional<ByteView> {
    if (message.size() < n) return std::nullopt;
    ByteView head = message.first(n);
    message = message.subspan(n);
    return head;
  };
  for (Token t : kPattern[index_]) {
    Result<void> r;
    switch (t) {
      case Token::e: {
        auto key = take(kDhSize);
        if (!key) return fail(Error::bad_frame);
        remote_ephemeral_.emplace();
        std::copy(key->begin(), key->end(), remote_ephemeral_->begin());
        symmetric_.mix_hash(*key);
        break;
      }
      case Token::s: {
        auto sealed = take(kDhSize + symmetric_.overhead());
        if (!sealed) return fail(Error::bad_frame);
        Bytes key;
        if (auto d = symmetric_.decrypt_and_hash(*sealed, key); !d) return fail(d.error());
        remote_static_.emplace();
        std::copy(key.begin(), key.end(), remote_static_->begin());
        break;
      }
      case Token::ee:
        r = mix_dh(ephemeral_, remote_ephemeral_);
        break;
      case Token::es:
        r = initiator ? mix_dh(ephemeral_, remote_static_) : mix_dh(static_key_, remote_ephemeral_);
        break;
      case Token::se:
        r = initiator ? mix_dh(static_key_, remote_ephemeral_) : mix_dh(ephemeral_, remote_static_);
        break;
    }
    if (!r) return fail(r.error());
  }
  Bytes payload;
  if (auto r = symmetric_.decrypt_and_hash(message, payload); !r) return fail(r.error());
  ++index_;
  return payload;
}

std::pair<CipherState, CipherState> HandshakeState::split() const {
  if (!finished()) throw std::logic_error("noise: split before the handshake finished");
  return symmetric_.split();
}

}  // namespace meshchat::p2p::noise
