// Fuzzes the /noise Handshake: raw bytes as the peer's frames to a responder or an initiator, and
// fuzz bytes as the decrypted payload of a correctly encrypted message 2 or 3.
// Input: [mode][chunk size][data...]. Only documented errors may come out, and the chunking of
// the raw bytes must not change the outcome.
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "crypto/error.hpp"
#include "crypto/random.hpp"
#include "p2p/noise/error.hpp"
#include "p2p/noise/frame.hpp"
#include "p2p/noise/handshake.hpp"

namespace {

using namespace meshchat;
using namespace meshchat::p2p::noise;

enum Mode : std::uint8_t {
  raw_to_responder,
  raw_to_initiator,
  payload_to_responder,
  payload_to_initiator
};
constexpr std::uint8_t kModes = 4;

void check(bool ok) {
  if (!ok) std::abort();
}

crypto::PrivateKey identity(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(n);
  return crypto::PrivateKey::ed25519_from_seed(seed);
}

// Fixed identities and seeds, so the seed corpus can hold valid transcripts.
Handshake make_initiator(Rng& rng) {
  return Handshake(Role::initiator, identity(1), {"/yamux/1.0.0", "/mplex/6.7.0"},
                   crypto::PeerId::from_public_key(identity(2).public_key()), rng);
}
Handshake make_responder(Rng& rng) {
  return Handshake(Role::responder, identity(2), {"/mplex/6.7.0", "/yamux/1.0.0"}, std::nullopt,
                   rng);
}
constexpr std::uint64_t kInitiatorSeed = 101;
constexpr std::uint64_t kResponderSeed = 202;

bool documented(std::error_code ec) {
  if (ec.category() == error_category()) {
    return ec.value() >= static_cast<int>(Error::bad_frame) &&
           ec.value() <= static_cast<int>(Error::no_common_muxer);
  }
  return ec == crypto::Error::unsupported_key_type || ec == crypto::Error::bad_key ||
         ec == crypto::Error::bad_key_protobuf || ec == crypto::Error::bad_signature;
}

struct Outcome {
  std::error_code error;
  bool done = false;
  Bytes output;
  Bytes leftover;
  std::optional<std::string> muxer;
  bool operator==(const Outcome&) const = default;
};

Outcome finish(Handshake& h, std::error_code error) {
  Outcome out{error, h.done(), h.take_output(), Bytes(h.leftover().begin(), h.leftover().end()),
              std::nullopt};
  check(!error || documented(error));
  check(!error || !out.done);
  if (out.done) {
    auto result = h.finish();
    check(result.has_value());
    out.muxer = result->muxer;
    check(!out.muxer || *out.muxer == "/yamux/1.0.0" || *out.muxer == "/mplex/6.7.0");
  }
  return out;
}

Outcome feed_raw(Mode mode, ByteView data, std::size_t chunk) {
  crypto::SeededRng rng(mode == raw_to_responder ? kResponderSeed : kInitiatorSeed);
  Handshake h = mode == raw_to_responder ? make_responder(rng) : make_initiator(rng);
  (void)h.take_output();
  std::error_code error;
  while (!data.empty() && !error) {
    std::size_t n = std::min(chunk, data.size());
    if (auto r = h.feed(data.first(n)); !r) error = r.error();
    data = data.subspan(n);
  }
  return finish(h, error);
}

Bytes frame(ByteView message) {
  Bytes out(kLengthPrefixSize);
  put_length(out.data(), message.size());
  append(out, message);
  return out;
}

// A bare HandshakeState plays the other side and sends `payload` correctly encrypted.
void feed_payload(Mode mode, ByteView payload) {
  KeyPair forged_static = KeyPair::from_secret(DhKey{7});
  KeyPair forged_ephemeral = KeyPair::from_secret(DhKey{8});
  Bytes message;
  std::error_code error;
  if (mode == payload_to_responder) {
    crypto::SeededRng rng(kResponderSeed);
    Handshake h = make_responder(rng);
    HandshakeState forged(Role::initiator, {}, forged_static, forged_ephemeral);
    check(forged.write_message({}, message).has_value());
    check(h.feed(frame(message)).has_value());
    Bytes reply = h.take_output();
    check(forged.read_message(ByteView(reply).subspan(kLengthPrefixSize)).has_value());
    message.clear();
    if (payload.size() > HandshakeState::max_payload(2)) payload = payload.first(0);
    check(forged.write_message(payload, message).has_value());
    if (auto r = h.feed(frame(message)); !r) error = r.error();
    finish(h, error);
  } else {
    crypto::SeededRng rng(kInitiatorSeed);
    Handshake h = make_initiator(rng);
    HandshakeState forged(Role::responder, {}, forged_static, forged_ephemeral);
    Bytes first = h.take_output();
    check(forged.read_message(ByteView(first).subspan(kLengthPrefixSize)).has_value());
    if (payload.size() > HandshakeState::max_payload(1)) payload = payload.first(0);
    check(forged.write_message(payload, message).has_value());
    if (auto r = h.feed(frame(message)); !r) error = r.error();
    finish(h, error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  auto mode = static_cast<Mode>(data[0] % kModes);
  std::size_t chunk = 1 + data[1];
  ByteView rest(data + 2, size - 2);
  if (mode == raw_to_responder || mode == raw_to_initiator) {
    Outcome whole = feed_raw(mode, rest, rest.size() + 1);
    Outcome chunked = feed_raw(mode, rest, chunk);
    check(whole == chunked);
  } else {
    feed_payload(mode, rest);
  }
  return 0;
}
