#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/protobuf.hpp"
#include "core/varint.hpp"
#include "crypto/error.hpp"
#include "p2p/plaintext/handshake.hpp"

namespace meshchat::p2p::plaintext {
namespace {

// The Ed25519 key of libp2p/specs peer-ids/peer-ids.md "Test vectors".
constexpr const char* kPrivate =
    "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8"
    "fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr const char* kPublic =
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
// Exchange{id = 1: identity multihash of kPublic, pubkey = 2: kPublic} (plaintext/README.md).
constexpr const char* kExchange =
    "0a260024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
    "1224080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

crypto::PrivateKey spec_key() {
  return *crypto::PrivateKey::from_protobuf(*from_hex(kPrivate));
}

Bytes framed(ByteView body) {
  Bytes out = varint::encode(body.size());
  append(out, body);
  return out;
}

TEST(PlaintextExchange, SpecKeyBytes) {
  EXPECT_EQ(to_hex(encode_exchange(spec_key().public_key())), kExchange);
  auto decoded = decode_exchange(*from_hex(kExchange));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(to_hex(decoded->key.to_protobuf()), kPublic);
  EXPECT_EQ(decoded->id, crypto::PeerId::from_public_key(spec_key().public_key()));
}

TEST(PlaintextExchange, Errors) {
  auto other = crypto::PrivateKey::generate_ed25519().public_key();
  protobuf::Writer mismatched;
  mismatched.bytes_field(1, crypto::PeerId::from_public_key(other).bytes());
  mismatched.bytes_field(2, *from_hex(kPublic));
  EXPECT_EQ(decode_exchange(mismatched.bytes()).error(), Error::key_mismatch);

  protobuf::Writer no_key;
  no_key.bytes_field(1, crypto::PeerId::from_public_key(other).bytes());
  EXPECT_EQ(decode_exchange(no_key.bytes()).error(), Error::missing_key);

  protobuf::Writer no_id;
  no_id.bytes_field(2, *from_hex(kPublic));
  EXPECT_EQ(decode_exchange(no_id.bytes()).error(), Error::missing_id);

  EXPECT_EQ(decode_exchange(*from_hex("0801")).error(), protobuf::Error::wrong_wire_type);
  // Unknown fields are skipped.
  Bytes with_extra = *from_hex(kExchange);
  append(with_extra, *from_hex("1801"));
  EXPECT_TRUE(decode_exchange(with_extra).has_value());
}

TEST(PlaintextHandshake, TwoPeersAgreeAndKeepLeftover) {
  auto a_key = crypto::PrivateKey::generate_ed25519();
  auto b_key = crypto::PrivateKey::generate_ed25519();
  auto b_id = crypto::PeerId::from_public_key(b_key.public_key());
  Handshake dialer(a_key, b_id);
  Handshake listener(b_key, std::nullopt);
  Bytes to_listener = dialer.take_output();
  Bytes to_dialer = listener.take_output();
  append(to_dialer, to_bytes("hello"));  // application data right behind the Exchange
  EXPECT_TRUE(dialer.take_output().empty());

  for (auto byte : to_dialer) ASSERT_TRUE(dialer.feed(ByteView(&byte, 1)).has_value());
  ASSERT_TRUE(listener.feed(to_listener).has_value());
  ASSERT_TRUE(dialer.done());
  ASSERT_TRUE(listener.done());
  ASSERT_TRUE(dialer.feed(to_bytes(" world")).has_value());

  auto a = dialer.finish();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->remote_peer, b_id);
  EXPECT_EQ(a->remote_key, b_key.public_key());
  EXPECT_EQ(as_string(a->leftover), "hello world");
  auto b = listener.finish();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->remote_peer, crypto::PeerId::from_public_key(a_key.public_key()));
  EXPECT_TRUE(b->leftover.empty());
  EXPECT_THROW((void)dialer.finish(), std::logic_error);
}

TEST(PlaintextHandshake, ExpectedPeerMismatch) {
  auto wrong = crypto::PeerId::from_public_key(crypto::PrivateKey::generate_ed25519().public_key());
  Handshake dialer(crypto::PrivateKey::generate_ed25519(), wrong);
  Handshake listener(spec_key(), std::nullopt);
  auto r = dialer.feed(listener.take_output());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), crypto::Error::peer_id_mismatch);
  EXPECT_EQ(r.error().message(), "peer id mismatch");
  EXPECT_TRUE(dialer.done());
  EXPECT_EQ(dialer.finish().error(), crypto::Error::peer_id_mismatch);
  EXPECT_EQ(dialer.feed(to_bytes("x")).error(), crypto::Error::peer_id_mismatch);  // sticky
}

TEST(PlaintextHandshake, SizeLimitAndTruncation) {
  Handshake big(spec_key(), std::nullopt);
  EXPECT_EQ(big.feed(varint::encode(kMaxExchangeBytes + 1)).error(), Error::too_large);
  Handshake short_input(spec_key(), std::nullopt);
  auto whole = framed(*from_hex(kExchange));
  ASSERT_TRUE(short_input.feed(ByteView(whole).first(whole.size() - 1)).has_value());
  EXPECT_FALSE(short_input.done());
  EXPECT_EQ(short_input.finish().error(), Error::truncated);
}

RC_GTEST_PROP(PlaintextHandshake, AnyChunking, ()) {
  auto key = crypto::PrivateKey::generate_ed25519();
  Bytes input = framed(encode_exchange(key.public_key()));
  auto extra = *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>());
  append(input, extra);
  Handshake h(spec_key(), crypto::PeerId::from_public_key(key.public_key()));
  for (std::size_t pos = 0; pos < input.size();) {
    auto n = *rc::gen::inRange<std::size_t>(1, input.size() - pos + 1);
    RC_ASSERT(h.feed(ByteView(input).subspan(pos, n)).has_value());
    pos += n;
  }
  auto result = h.finish();
  RC_ASSERT(result.has_value());
  RC_ASSERT(result->remote_key == key.public_key());
  RC_ASSERT(result->leftover == extra);
}

}  // namespace
}  // namespace meshchat::p2p::plaintext
