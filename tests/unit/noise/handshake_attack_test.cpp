// A hand-driven peer (a bare HandshakeState) sends forged, tampered or malformed handshake messages
// to a Handshake, which must fail with the documented error.
#include <gtest/gtest.h>

#include <functional>

#include "core/protobuf.hpp"
#include "crypto/error.hpp"
#include "crypto/random.hpp"
#include "p2p/noise/error.hpp"
#include "p2p/noise/frame.hpp"
#include "p2p/noise/handshake.hpp"
#include "p2p/noise/payload.hpp"

namespace meshchat::p2p::noise {
namespace {

// Builds the forged side's payload from its own Noise static public key.
using PayloadFn = std::function<Bytes(const DhKey& static_key)>;
// Changes the forged side's framed message before it is delivered.
using TamperFn = std::function<void(Bytes& framed)>;

crypto::PrivateKey identity(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(n);
  return crypto::PrivateKey::ed25519_from_seed(seed);
}

Bytes frame(ByteView message) {
  Bytes out(kLengthPrefixSize);
  put_length(out.data(), message.size());
  append(out, message);
  return out;
}

ByteView unframe(const Bytes& wire) {
  EXPECT_EQ(get_length(wire.data()) + kLengthPrefixSize, wire.size());
  return ByteView(wire).subspan(kLengthPrefixSize);
}

Bytes signature_input(const DhKey& static_key) {
  Bytes message = to_bytes(kStaticKeySignaturePrefix);
  append(message, static_key);
  return message;
}

// What an honest peer with identity `key` sends.
PayloadFn honest(const crypto::PrivateKey& key) {
  return [key](const DhKey& s) {
    return encode_payload({key.public_key().to_protobuf(), key.sign(signature_input(s)), {}});
  };
}

const TamperFn kUntouched = [](Bytes&) {};

KeyPair forged_static() {
  return KeyPair::from_secret(DhKey{7});
}
KeyPair forged_ephemeral() {
  return KeyPair::from_secret(DhKey{8});
}

// The forged side is the responder: its message 2 goes to a real initiator.
Result<void> to_initiator(const PayloadFn& payload, const TamperFn& tamper = kUntouched) {
  crypto::SeededRng rng(5);
  Handshake initiator(Role::initiator, identity(1), {}, std::nullopt, rng);
  HandshakeState forged(Role::responder, {}, forged_static(), forged_ephemeral());
  EXPECT_TRUE(forged.read_message(unframe(initiator.take_output())));
  Bytes message;
  EXPECT_TRUE(forged.write_message(payload(forged.local_static()), message));
  Bytes wire = frame(message);
  tamper(wire);
  auto r = initiator.feed(wire);
  EXPECT_EQ(initiator.done(), r.has_value());
  return r;
}

// The forged side is the initiator: its message 3 goes to a real responder.
Result<void> to_responder(const PayloadFn& payload, const TamperFn& tamper = kUntouched) {
  crypto::SeededRng rng(6);
  Handshake responder(Role::responder, identity(2), {}, std::nullopt, rng);
  HandshakeState forged(Role::initiator, {}, forged_static(), forged_ephemeral());
  Bytes message1;
  EXPECT_TRUE(forged.write_message({}, message1));
  EXPECT_TRUE(responder.feed(frame(message1)));
  EXPECT_TRUE(forged.read_message(unframe(responder.take_output())));
  Bytes message3;
  EXPECT_TRUE(forged.write_message(payload(forged.local_static()), message3));
  Bytes wire = frame(message3);
  tamper(wire);
  auto r = responder.feed(wire);
  EXPECT_EQ(responder.done(), r.has_value());
  return r;
}

using Direction = Result<void> (*)(const PayloadFn&, const TamperFn&);
const Direction kDirections[] = {to_initiator, to_responder};

TEST(NoiseHandshakeAttack, HonestPayloadIsAccepted) {
  // Shows that the forging harness itself is sound, so the failures below are real rejections.
  for (Direction send : kDirections) EXPECT_TRUE(send(honest(identity(3)), kUntouched));
}

TEST(NoiseHandshakeAttack, SignatureOverAnotherStaticKey) {
  auto payload = [](const DhKey& s) {
    DhKey other = s;
    other[0] ^= 1;
    return honest(identity(3))(other);
  };
  for (Direction send : kDirections) {
    EXPECT_EQ(send(payload, kUntouched).error(), crypto::Error::bad_signature);
  }
}

TEST(NoiseHandshakeAttack, SignatureByAnotherIdentity) {
  auto payload = [](const DhKey& s) {
    return encode_payload(
        {identity(3).public_key().to_protobuf(), identity(4).sign(signature_input(s)), {}});
  };
  for (Direction send : kDirections) {
    EXPECT_EQ(send(payload, kUntouched).error(), crypto::Error::bad_signature);
  }
}

TEST(NoiseHandshakeAttack, TamperedSignature) {
  auto payload = [](const DhKey& s) {
    crypto::PrivateKey key = identity(3);
    Bytes sig = key.sign(signature_input(s));
    sig[10] ^= 0x20;
    return encode_payload({key.public_key().to_protobuf(), sig, {}});
  };
  for (Direction send : kDirections) {
    EXPECT_EQ(send(payload, kUntouched).error(), crypto::Error::bad_signature);
  }
}

TEST(NoiseHandshakeAttack, UnsupportedKeyTypePassesThrough) {
  // Key types beyond ECDSA (3) are unknown to libp2p; all four known ones are supported.
  for (std::uint64_t type : {4, 9}) {
    auto payload = [type](const DhKey&) {
      protobuf::Writer key;
      key.varint_field(1, type);
      key.bytes_field(2, Bytes(33, 0x02));
      return encode_payload({key.take(), Bytes(64, 1), {}});
    };
    for (Direction send : kDirections) {
      auto r = send(payload, kUntouched);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error(), crypto::Error::unsupported_key_type);
      EXPECT_EQ(&r.error().category(), &crypto::error_category());
    }
  }
}

TEST(NoiseHandshakeAttack, MalformedPayloads) {
  const PayloadFn payloads[] = {
      [](const DhKey&) {
        return Bytes{0xff, 0xff};
      },                                     // truncated varint tag
      [](const DhKey&) { return Bytes{}; },  // no identity at all
      [](const DhKey& s) {
        return encode_payload({std::nullopt, identity(3).sign(signature_input(s)), {}});
      },
      [](const DhKey&) {
        return encode_payload({identity(3).public_key().to_protobuf(), std::nullopt, {}});
      },
  };
  for (const auto& payload : payloads) {
    for (Direction send : kDirections) {
      EXPECT_EQ(send(payload, kUntouched).error(), Error::bad_payload);
    }
  }
}

TEST(NoiseHandshakeAttack, MalformedKeyProtobufPassesThrough) {
  auto payload = [](const DhKey& s) {
    return encode_payload({Bytes{0x08}, identity(3).sign(signature_input(s)), {}});
  };
  for (Direction send : kDirections) {
    EXPECT_EQ(send(payload, kUntouched).error(), crypto::Error::bad_key_protobuf);
  }
}

TEST(NoiseHandshakeAttack, TamperedCiphertext) {
  // Offset 2 is in message 2's ephemeral key or message 3's sealed static key, offset 40 in either
  // message's sealed static key, the last byte in the payload's tag: each breaks an AEAD check.
  for (std::size_t offset : {std::size_t{2}, std::size_t{40}}) {
    auto flip_at = [offset](Bytes& wire) { wire[offset] ^= 0x01; };
    auto flip_last = [](Bytes& wire) { wire.back() ^= 0x80; };
    for (Direction send : kDirections) {
      EXPECT_EQ(send(honest(identity(3)), flip_at).error(), Error::decrypt_failed);
      EXPECT_EQ(send(honest(identity(3)), flip_last).error(), Error::decrypt_failed);
    }
  }
}

TEST(NoiseHandshakeAttack, TruncatedMessage) {
  auto truncate = [](Bytes& wire) {
    wire.resize(kLengthPrefixSize + 20);
    put_length(wire.data(), 20);
  };
  for (Direction send : kDirections) {
    EXPECT_EQ(send(honest(identity(3)), truncate).error(), Error::bad_frame);
  }
}

TEST(NoiseHandshakeAttack, ResponderIgnoresMessage1Payload) {
  crypto::SeededRng rng(6);
  Handshake responder(Role::responder, identity(2), {}, std::nullopt, rng);
  HandshakeState forged(Role::initiator, {}, forged_static(), forged_ephemeral());
  Bytes message1;
  ASSERT_TRUE(forged.write_message(as_bytes("early data is not for libp2p"), message1));
  ASSERT_TRUE(responder.feed(frame(message1)));
  EXPECT_FALSE(responder.take_output().empty());
}

}  // namespace
}  // namespace meshchat::p2p::noise
