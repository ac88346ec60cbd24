#include "p2p/kad/record_validator.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::p2p::kad {
namespace {

// From the libp2p interop suite (an RSA-2048 key and its PeerId in base36 CIDv1 form, without
// the multibase 'k' and the CID prefix: the bare multihash).
constexpr const char* kRsaPeerIdBase36 = "muft89xjpybos8eas1vaq2xrbsx2vkll7is4ocy7pia5fsjlt3c2";
constexpr const char* kRsaPublicKey =
    "080012a60230820122300d06092a864886f70d01010105000382010f003082010a0282010100c2588f998971dac9"
    "e3eef76a311bf9159505aff69ea3b664c55a36aa28ee08de1127228a4d431bb9c0840240c75f6e98a0843a78d945"
    "491a3ea5e1f7cee2bc71383510db5290702383975b7bffae9fb40c84cc1220fb4a7db862fffb0de42f8fd8fb33a1"
    "7deb20f30e2d0f194791fe69355a392f77df35f101e08a2fc95b2c018768938814fcb52482f899f5e90a1905e8ab"
    "bcdbb1647ad80a5b0417e1ce8320d64197a6ba3848926375c63adebabdf6eb82109bcadfee13b62bf922bbb6f74c"
    "1a26c9bc6122d1436787e0e6de3c152b1959701092abef84599f73eaedb2fcef9f87293e1bbe8e0fef3f1a7fd2e8"
    "b94c7e633f88473644a63cb948e4d25c54490203010001";
// peer-ids.md "Test vectors": an Ed25519 public key; its PeerId is the identity multihash.
constexpr const char* kEd25519PublicKey =
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

// Big-endian base36 (lower-case 0-9a-z), as multibase's 'k' base; leading '0's are zero bytes.
Bytes base36_decode(std::string_view text) {
  Bytes out;  // big-endian
  for (char c : text) {
    unsigned carry =
        c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>(c - 'a') + 10;
    for (auto it = out.rbegin(); it != out.rend(); ++it) {
      carry += *it * 36u;
      *it = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    for (; carry != 0; carry >>= 8)
      out.insert(out.begin(), static_cast<std::uint8_t>(carry & 0xff));
  }
  for (char c : text) {
    if (c != '0') break;
    out.insert(out.begin(), 0);
  }
  return out;
}

Bytes pk_key(ByteView multihash) {
  Bytes key = to_bytes(kPublicKeyNamespace);
  append(key, multihash);
  return key;
}

Bytes rsa_key() {
  return pk_key(base36_decode(kRsaPeerIdBase36));
}

TEST(KadRecordValidator, Base36Decoder) {
  EXPECT_EQ(base36_decode("z"), Bytes{35});
  EXPECT_EQ(base36_decode("73"), Bytes{0xff});  // 7 * 36 + 3
  EXPECT_EQ(base36_decode("0073"), (Bytes{0, 0, 0xff}));
  EXPECT_EQ(base36_decode("1ekg"), (Bytes{0x01, 0x00, 0x00}));  // 36^3 + 14 * 36^2 + 20 * 36 + 16
}

TEST(KadRecordValidator, RsaInteropVector) {
  // A sha2-256 multihash (0x12, 32 bytes) of the 299-byte protobuf.
  EXPECT_EQ(to_hex(base36_decode(kRsaPeerIdBase36)),
            "122057793ff481bb00422ced1e1255236568fa0661d9709b6e551b22e9e15ca19722");
  EXPECT_TRUE(validate_record(rsa_key(), *from_hex(kRsaPublicKey)));
}

TEST(KadRecordValidator, Ed25519SpecVector) {
  Bytes value = *from_hex(kEd25519PublicKey);
  Bytes multihash = *from_hex(std::string("0024") + kEd25519PublicKey);  // identity, 36 bytes
  EXPECT_TRUE(validate_record(pk_key(multihash), value));
}

TEST(KadRecordValidator, GeneratedKeys) {
  for (auto type : {crypto::KeyType::ed25519, crypto::KeyType::secp256k1,
                    crypto::KeyType::ecdsa}) {  // identity, identity, sha2-256 PeerIds
    auto priv = type == crypto::KeyType::ed25519 ? crypto::PrivateKey::generate_ed25519()
                                                 : crypto::PrivateKey::generate(type);
    const crypto::PublicKey& pub = priv.public_key();
    Bytes key = pk_key(crypto::PeerId::from_public_key(pub).bytes());
    EXPECT_TRUE(validate_record(key, pub.to_protobuf())) << crypto::to_string(type);
  }
}

TEST(KadRecordValidator, FlippedBitIsKeyMismatch) {
  auto priv = crypto::PrivateKey::generate_ed25519();
  Bytes key = pk_key(crypto::PeerId::from_public_key(priv.public_key()).bytes());
  Bytes value = priv.public_key().to_protobuf();
  ASSERT_TRUE(validate_record(key, value));
  value.back() ^= 0x01;  // still a 32-byte Ed25519 key, but another one
  EXPECT_EQ(validate_record(key, value).error(), Error::key_mismatch);

  Bytes rsa = *from_hex(kRsaPublicKey);
  rsa[100] ^= 0x10;  // inside the modulus: still a 2048-bit key, but another one
  EXPECT_EQ(validate_record(rsa_key(), rsa).error(), Error::key_mismatch);

  Bytes flipped_key = rsa_key();
  flipped_key.back() ^= 0x01;
  EXPECT_EQ(validate_record(flipped_key, *from_hex(kRsaPublicKey)).error(), Error::key_mismatch);
}

TEST(KadRecordValidator, AnotherPeersKeyIsKeyMismatch) {
  Bytes ed25519 = *from_hex(kEd25519PublicKey);
  EXPECT_EQ(validate_record(rsa_key(), ed25519).error(), Error::key_mismatch);
  EXPECT_EQ(validate_record(to_bytes("/pk/"), ed25519).error(), Error::key_mismatch);
  Bytes longer = pk_key(*from_hex(std::string("0024") + kEd25519PublicKey));
  longer.push_back(0x00);
  EXPECT_EQ(validate_record(longer, ed25519).error(), Error::key_mismatch);
}

TEST(KadRecordValidator, TruncatedValueIsInvalidRecord) {
  Bytes ed25519 = *from_hex(kEd25519PublicKey);
  Bytes ed25519_key = pk_key(*from_hex(std::string("0024") + kEd25519PublicKey));
  for (std::size_t cut = 0; cut < ed25519.size(); ++cut) {
    auto result = validate_record(ed25519_key, ByteView(ed25519).first(cut));
    ASSERT_FALSE(result) << cut;
    EXPECT_EQ(result.error(), Error::invalid_record) << cut;
  }
  Bytes rsa = *from_hex(kRsaPublicKey);
  for (std::size_t cut = 0; cut < rsa.size(); cut += 7) {
    auto result = validate_record(rsa_key(), ByteView(rsa).first(cut));
    ASSERT_FALSE(result) << cut;
    EXPECT_EQ(result.error(), Error::invalid_record) << cut;
  }
}

TEST(KadRecordValidator, MalformedValueIsInvalidRecord) {
  Bytes key = pk_key(*from_hex(std::string("0024") + kEd25519PublicKey));
  for (const char* hex : {
           "0804122000000000000000000000000000000000000000000000000000000000000000",  // type 4
           "08011220"
           "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
           "1800",
           "1220"
           "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",  // no type
           "0881001220"
           "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
       }) {
    auto result = validate_record(key, *from_hex(hex));
    ASSERT_FALSE(result) << hex;
    EXPECT_EQ(result.error(), Error::invalid_record) << hex;
  }
}

TEST(KadRecordValidator, OtherNamespacesAreUnsupported) {
  Bytes value = *from_hex(kEd25519PublicKey);
  Bytes multihash = *from_hex(std::string("0024") + kEd25519PublicKey);
  for (std::string_view prefix : {"/ipns/", "/foo/", "", "pk/", "/pk", "/PK/", "//pk/"}) {
    Bytes key = to_bytes(prefix);
    append(key, multihash);
    auto result = validate_record(key, value);
    ASSERT_FALSE(result) << prefix;
    EXPECT_EQ(result.error(), Error::unsupported_namespace) << prefix;
    EXPECT_EQ(select_record(key, {value}).error(), Error::unsupported_namespace) << prefix;
  }
}

TEST(KadRecordValidator, Select) {
  Bytes value = *from_hex(kRsaPublicKey);
  EXPECT_EQ(select_record(rsa_key(), {value}), 0u);
  EXPECT_EQ(select_record(rsa_key(), {value, value, value}), 0u);
  EXPECT_EQ(select_record(rsa_key(), {}).error(), Error::invalid_record);
}

}  // namespace
}  // namespace meshchat::p2p::kad
