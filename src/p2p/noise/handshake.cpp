#include "p2p/noise/handshake.hpp"

#include <stdexcept>
#include <utility>

#include "p2p/noise/error.hpp"
#include "p2p/noise/frame.hpp"
#include "p2p/noise/payload.hpp"

namespace meshchat::p2p::noise {

namespace {

// libp2p uses an empty prologue.
HandshakeState make_state(Role role, Rng& rng) {
  // Generated one after the other so that a seeded Rng always yields the same two keys.
  KeyPair static_key = KeyPair::generate(rng);
  KeyPair ephemeral = KeyPair::generate(rng);
  return HandshakeState(role, {}, static_key, ephemeral);
}

Bytes signed_static_key(const DhKey& static_key) {
  Bytes message = to_bytes(kStaticKeySignaturePrefix);
  append(message, static_key);
  return message;
}

// The message that carries each side's payload: XX message 3 for the initiator, 2 for the
// responder (zero-based 2 and 1). The initiator's message 1 is sent before any secrecy.
std::size_t payload_message(Role role) {
  return role == Role::initiator ? 2 : 1;
}

}  // namespace

Result<std::optional<std::string>> select_muxer(const std::vector<std::string>& initiator,
                                                const std::vector<std::string>& responder) {
  if (initiator.empty() || responder.empty()) return std::optional<std::string>{};
  for (const std::string& candidate : initiator) {
    for (const std::string& offered : responder) {
      if (candidate == offered) return std::optional<std::string>{candidate};
    }
  }
  return fail(Error::no_common_muxer);
}

Handshake::Handshake(Role role, const crypto::PrivateKey& identity, std::vector<std::string> muxers,
                     std::optional<crypto::PeerId> expected_remote, Rng& rng)
    : role_(role),
      muxers_(std::move(muxers)),
      expected_remote_(std::move(expected_remote)),
      state_(make_state(role, rng)) {
  HandshakePayload payload;
  payload.identity_key = identity.public_key().to_protobuf();
  payload.identity_sig = identity.sign(signed_static_key(state_.local_static()));
  if (!muxers_.empty()) payload.extensions = NoiseExtensions{{}, muxers_};
  payload_ = encode_payload(payload);
  if (payload_.size() > HandshakeState::max_payload(payload_message(role))) {
    throw std::logic_error("noise: handshake payload too large (too many muxers?)");
  }
  if (role_ == Role::initiator) {
    // Message 1 carries no payload: it would be sent in the clear.
    if (auto r = send({}); !r) throw std::logic_error("noise: cannot write message 1");
  }
}

Result<void> Handshake::send(ByteView payload) {
  Bytes message;
  if (auto r = state_.write_message(payload, message); !r) return r;
  std::size_t start = output_.size();
  output_.resize(start + kLengthPrefixSize);
  put_length(output_.data() + start, message.size());
  append(output_, message);
  return {};
}

Result<void> Handshake::feed(ByteView bytes) {
  if (failed_) return fail(failed_);
  if (finished_) throw std::logic_error("noise: feed() after finish()");
  if (done()) {
    append(result_->leftover, bytes);
    return {};
  }
  append(input_, bytes);
  std::size_t pos = 0;
  while (!done() && input_.size() - pos >= kLengthPrefixSize) {
    std::size_t length = get_length(input_.data() + pos);
    if (input_.size() - pos - kLengthPrefixSize < length) break;
    auto r = on_message(ByteView(input_).subspan(pos + kLengthPrefixSize, length));
    pos += kLengthPrefixSize + length;
    if (!r) {
      failed_ = r.error();
      input_.clear();
      return r;
    }
  }
  if (done()) {
    result_->leftover.assign(input_.begin() + static_cast<std::ptrdiff_t>(pos), input_.end());
    input_.clear();
  } else {
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(pos));
  }
  return {};
}

Result<void> Handshake::on_message(ByteView message) {
  auto payload = state_.read_message(message);
  if (!payload) return fail(payload.error());
  if (role_ == Role::responder && state_.message_index() == 1) {
    // Message 1's payload is unauthenticated and unencrypted, so libp2p gives it no meaning.
    return send(payload_);
  }
  if (auto r = authenticate(*payload); !r) return r;
  const auto& initiator_muxers = role_ == Role::initiator ? muxers_ : remote_muxers_;
  const auto& responder_muxers = role_ == Role::initiator ? remote_muxers_ : muxers_;
  auto muxer = select_muxer(initiator_muxers, responder_muxers);
  if (!muxer) return fail(muxer.error());
  if (role_ == Role::initiator) {
    if (auto r = send(payload_); !r) return r;
  }
  complete(std::move(*muxer));
  return {};
}

Result<void> Handshake::authenticate(ByteView encoded) {
  auto payload = decode_payload(encoded);
  if (!payload) return fail(payload.error());
  if (!payload->identity_key || !payload->identity_sig) return fail(Error::bad_payload);
  auto key = crypto::PublicKey::from_protobuf(*payload->identity_key);
  if (!key) return fail(key.error());
  // The pattern has read the peer's `s` token before any payload that reaches this point.
  if (auto r = key->verify(signed_static_key(*state_.remote_static()), *payload->identity_sig);
      !r) {
    return r;
  }
  crypto::PeerId peer = crypto::PeerId::from_public_key(*key);
  if (expected_remote_ && *expected_remote_ != peer) return fail(Error::peer_id_mismatch);
  remote_key_ = std::move(*key);
  remote_peer_ = std::move(peer);
  if (payload->extensions) remote_muxers_ = std::move(payload->extensions->stream_muxers);
  return {};
}

void Handshake::complete(std::optional<std::string> muxer) {
  auto [initiator_to_responder, responder_to_initiator] = state_.split();
  bool initiator = role_ == Role::initiator;
  SecureTransport transport =
      initiator
          ? SecureTransport(std::move(initiator_to_responder), std::move(responder_to_initiator))
          : SecureTransport(std::move(responder_to_initiator), std::move(initiator_to_responder));
  result_.emplace(HandshakeResult{std::move(*remote_peer_),
                                  std::move(*remote_key_),
                                  std::move(muxer),
                                  std::move(transport),
                                  {}});
}

Bytes Handshake::take_output() {
  return std::exchange(output_, {});
}

Result<HandshakeResult> Handshake::finish() {
  if (failed_) return fail(failed_);
  if (!result_) throw std::logic_error("noise: finish() before done() or called twice");
  HandshakeResult result = std::move(*result_);
  result_.reset();
  finished_ = true;
  return result;
}

ByteView Handshake::leftover() const {
  return result_ ? ByteView(result_->leftover) : ByteView{};
}

}  // namespace meshchat::p2p::noise
