#include "crypto/keys.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"

namespace meshchat::crypto {
namespace {

// Test vectors from libp2p/specs peer-ids/peer-ids.md "Test vectors".
constexpr const char* kEd25519Private =
    "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8"
    "fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr const char* kEd25519Public =
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

TEST(Keys, Ed25519SpecVector) {
  auto priv = PrivateKey::from_protobuf(*from_hex(kEd25519Private));
  ASSERT_TRUE(priv) << priv.error().message();
  EXPECT_EQ(priv->type(), KeyType::ed25519);
  EXPECT_EQ(to_hex(priv->public_key().to_protobuf()), kEd25519Public);
  EXPECT_EQ(to_hex(priv->to_protobuf()), kEd25519Private);
  auto pub = PublicKey::from_protobuf(*from_hex(kEd25519Public));
  ASSERT_TRUE(pub);
  EXPECT_EQ(*pub, priv->public_key());
}

TEST(Keys, SignAndVerify) {
  auto key = PrivateKey::generate_ed25519();
  auto sig = key.sign(as_bytes("hello"));
  EXPECT_TRUE(key.public_key().verify(as_bytes("hello"), sig));
  EXPECT_EQ(key.public_key().verify(as_bytes("hellO"), sig).error(), Error::bad_signature);
  sig[0] ^= 1;
  EXPECT_EQ(key.public_key().verify(as_bytes("hello"), sig).error(), Error::bad_signature);
  EXPECT_EQ(key.public_key().verify(as_bytes("hello"), ByteView{}).error(), Error::bad_signature);
}

TEST(Keys, LegacyNinetySixBytePrivateKey) {
  auto key = PrivateKey::generate_ed25519();
  auto encoded = key.to_protobuf();
  // Type field, then Data with length 0x60: seed || public || public.
  Bytes legacy = *from_hex("08011260");
  legacy.insert(legacy.end(), encoded.begin() + 4, encoded.end());
  legacy.insert(legacy.end(), encoded.end() - 32, encoded.end());
  auto parsed = PrivateKey::from_protobuf(legacy);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->public_key(), key.public_key());
  legacy.back() ^= 1;
  EXPECT_EQ(PrivateKey::from_protobuf(legacy).error(), Error::bad_key);
}

TEST(Keys, RefusesOtherTypesAndMalformedInput) {
  EXPECT_EQ(PrivateKey::from_protobuf(*from_hex("0804120100")).error(),
            Error::unsupported_key_type);
  EXPECT_EQ(PublicKey::from_protobuf(*from_hex("0809120101")).error(), Error::unsupported_key_type);
  EXPECT_EQ(PublicKey::from_protobuf(*from_hex("0801121f00")).error(), Error::bad_key_protobuf);
  EXPECT_EQ(PublicKey::from_protobuf(*from_hex("08011201ff")).error(), Error::bad_key);
  // Fields out of order are not the deterministic encoding.
  EXPECT_EQ(PublicKey::from_protobuf(*from_hex("1201000801")).error(), Error::bad_key_protobuf);
  EXPECT_EQ(PublicKey::from_protobuf(ByteView{}).error(), Error::bad_key_protobuf);
  // Non-minimal varints (type 0x81 0x00 = 1, length 0xa0 0x00 = 32) are not the encoding.
  Bytes padded = *from_hex(
      "088100"
      "12a000");
  auto pub = *from_hex(kEd25519Public);
  padded.insert(padded.end(), pub.begin() + 4, pub.end());
  EXPECT_EQ(PublicKey::from_protobuf(padded).error(), Error::bad_key_protobuf);
}

TEST(Keys, SeededRngIsDeterministic) {
  SeededRng a(7), b(7), c(8);
  std::array<std::uint8_t, 16> x, y, z;
  a.fill(x);
  b.fill(y);
  c.fill(z);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  a.fill(x);
  EXPECT_NE(x, y);
}

}  // namespace
}  // namespace meshchat::crypto
