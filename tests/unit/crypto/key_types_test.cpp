// RSA, Secp256k1 and ECDSA keys: the spec's vectors, go-libp2p's fixtures, generation, and
// signature round trips.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <rapidcheck/gtest.h>

#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"
#include "key_vectors.hpp"

namespace meshchat::crypto {
namespace {

using namespace test_vectors;

Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

Bytes hex(const char* text) {
  auto bytes = from_hex(text);
  if (!bytes) throw std::invalid_argument(text);
  return *bytes;
}

struct SpecCase {
  KeyType type;
  const char* private_key;
  const char* public_key;
};
const SpecCase kSpecCases[] = {
    {KeyType::rsa, kSpecRsaPrivate, kSpecRsaPublic},
    {KeyType::secp256k1, kSpecSecp256k1Private, kSpecSecp256k1Public},
    {KeyType::ecdsa, kSpecEcdsaPrivate, kSpecEcdsaPublic},
};

struct GoCase {
  KeyType type;
  const char* private_key;
  const char* public_key;
  const char* signature;
  bool deterministic;  // whether our signature must equal go-libp2p's
};
const GoCase kGoCases[] = {
    {KeyType::rsa, kGoRsaPrivate, kGoRsaPublic, kGoRsaSignature, true},
    {KeyType::secp256k1, kGoSecp256k1Private, kGoSecp256k1Public, kGoSecp256k1Signature, true},
    {KeyType::ecdsa, kGoEcdsaPrivate, kGoEcdsaPublic, kGoEcdsaSignature, false},
};

// One parsed key of each non-Ed25519 type, shared by the property tests (RSA generation is slow).
const PrivateKey& spec_key(KeyType type) {
  static const std::vector<PrivateKey> keys = [] {
    std::vector<PrivateKey> out;
    for (const auto& c : kSpecCases) out.push_back(*PrivateKey::from_protobuf(hex(c.private_key)));
    return out;
  }();
  for (const auto& key : keys) {
    if (key.type() == type) return key;
  }
  throw std::invalid_argument("no spec key");
}

TEST(KeyTypes, SpecVectors) {
  for (const auto& c : kSpecCases) {
    SCOPED_TRACE(to_string(c.type));
    auto priv = PrivateKey::from_protobuf(hex(c.private_key));
    ASSERT_TRUE(priv) << priv.error().message();
    EXPECT_EQ(priv->type(), c.type);
    // The public key derived from the private one is the spec's public vector.
    EXPECT_EQ(to_hex(priv->public_key().to_protobuf()), to_hex(hex(c.public_key)));
    EXPECT_EQ(priv->to_protobuf(), hex(c.private_key));
    auto pub = PublicKey::from_protobuf(hex(c.public_key));
    ASSERT_TRUE(pub) << pub.error().message();
    EXPECT_EQ(*pub, priv->public_key());
    EXPECT_EQ(pub->to_protobuf(), hex(c.public_key));

    Bytes signature = priv->sign(as_bytes("spec vector"));
    EXPECT_TRUE(pub->verify(as_bytes("spec vector"), signature));
    EXPECT_EQ(pub->verify(as_bytes("spec vectoR"), signature).error(), Error::bad_signature);
  }
}

TEST(KeyTypes, GoLibp2pFixtures) {
  for (const auto& c : kGoCases) {
    SCOPED_TRACE(to_string(c.type));
    auto pub = PublicKey::from_protobuf(hex(c.public_key));
    ASSERT_TRUE(pub) << pub.error().message();
    EXPECT_EQ(pub->to_protobuf(), hex(c.public_key));
    auto priv = PrivateKey::from_protobuf(hex(c.private_key));
    ASSERT_TRUE(priv) << priv.error().message();
    EXPECT_EQ(priv->to_protobuf(), hex(c.private_key));
    EXPECT_EQ(priv->public_key(), *pub);

    Bytes go_signature = hex(c.signature);
    EXPECT_TRUE(pub->verify(as_bytes(kGoMessage), go_signature));
    EXPECT_EQ(pub->verify(as_bytes("Libp2p is the _best_?"), go_signature).error(),
              Error::bad_signature);
    Bytes ours = priv->sign(as_bytes(kGoMessage));
    EXPECT_TRUE(pub->verify(as_bytes(kGoMessage), ours));
    if (c.deterministic) {
      EXPECT_EQ(to_hex(ours), to_hex(go_signature));
    }
  }
}

TEST(KeyTypes, GenerateEveryType) {
  for (KeyType type : {KeyType::rsa, KeyType::ed25519, KeyType::secp256k1, KeyType::ecdsa}) {
    SCOPED_TRACE(to_string(type));
    PrivateKey key = PrivateKey::generate(type);
    EXPECT_EQ(key.type(), type);
    EXPECT_EQ(key.public_key().type(), type);
    auto again = PrivateKey::from_protobuf(key.to_protobuf());
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(again->public_key(), key.public_key());
    auto pub = PublicKey::from_protobuf(key.public_key().to_protobuf());
    ASSERT_TRUE(pub) << pub.error().message();
    EXPECT_EQ(*pub, key.public_key());
    Bytes signature = key.sign(as_bytes("generated"));
    EXPECT_TRUE(pub->verify(as_bytes("generated"), signature));
    EXPECT_NE(PrivateKey::generate(type).public_key(), key.public_key());
  }
  // go-libp2p and js-libp2p generate 2048-bit RSA keys: a 294-byte SubjectPublicKeyInfo (the
  // go fixture's, after its 5-byte protobuf header) and 256-byte signatures.
  PrivateKey rsa = PrivateKey::generate(KeyType::rsa);
  EXPECT_EQ(rsa.public_key().data().size(), hex(kGoRsaPublic).size() - 5);
  EXPECT_EQ(rsa.sign(as_bytes("x")).size(), 256u);
  EXPECT_EQ(PrivateKey::generate(KeyType::secp256k1).public_key().data().size(), 33u);
  EXPECT_EQ(PrivateKey::generate(KeyType::ecdsa).public_key().data().size(), 91u);
}

TEST(KeyTypes, DeterministicSignaturesRepeat) {
  for (KeyType type : {KeyType::rsa, KeyType::ed25519, KeyType::secp256k1}) {
    const PrivateKey key =
        type == KeyType::ed25519 ? PrivateKey::generate_ed25519() : spec_key(type);
    EXPECT_EQ(key.sign(as_bytes("m")), key.sign(as_bytes("m"))) << to_string(type);
  }
}

TEST(KeyTypes, TamperedSignaturesFail) {
  for (const auto& c : kSpecCases) {
    SCOPED_TRACE(to_string(c.type));
    const PrivateKey& key = spec_key(c.type);
    const PublicKey& pub = key.public_key();
    Bytes message = bytes_of("tamper with me");
    Bytes signature = key.sign(message);
    ASSERT_TRUE(pub.verify(message, signature));
    for (std::size_t i : {std::size_t{0}, signature.size() / 2, signature.size() - 1}) {
      for (std::uint8_t bit : {0x01, 0x80}) {
        Bytes bad = signature;
        bad[i] ^= bit;
        EXPECT_EQ(pub.verify(message, bad).error(), Error::bad_signature) << i;
      }
    }
    Bytes longer = signature;
    longer.push_back(0);  // trailing bytes: strict DER for ECDSA, wrong length for RSA
    EXPECT_EQ(pub.verify(message, longer).error(), Error::bad_signature);
    EXPECT_EQ(pub.verify(message, Bytes(signature.begin(), signature.end() - 1)).error(),
              Error::bad_signature);
    EXPECT_EQ(pub.verify(message, ByteView{}).error(), Error::bad_signature);
    EXPECT_EQ(pub.verify(message, Bytes(kMaxSignatureBytes + 1, 0x30)).error(),
              Error::bad_signature);
    // Another key's signature over the same message.
    PrivateKey other = PrivateKey::generate(c.type == KeyType::rsa ? KeyType::ecdsa : c.type);
    EXPECT_EQ(pub.verify(message, other.sign(message)).error(), Error::bad_signature);
  }
}

TEST(KeyTypes, FailuresLeaveNoOpenSslErrors) {
  ERR_clear_error();
  Bytes garbage = hex("3082010a0282010100ff");
  for (KeyType type : {KeyType::rsa, KeyType::ecdsa, KeyType::secp256k1}) {
    EXPECT_EQ(PublicKey::from_raw(type, garbage).error(), Error::bad_key);
    EXPECT_EQ(spec_key(type).public_key().verify(garbage, garbage).error(), Error::bad_signature);
  }
  Bytes rsa_private = hex(kSpecRsaPrivate);
  rsa_private.back() ^= 1;
  EXPECT_EQ(PrivateKey::from_protobuf(rsa_private).error(), Error::bad_key);
  Bytes ecdsa_private = hex(kSpecEcdsaPrivate);
  ecdsa_private.back() ^= 1;
  EXPECT_EQ(PrivateKey::from_protobuf(ecdsa_private).error(), Error::bad_key);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(KeyTypes, KnownPeerIds) {
  struct Case {
    const char* public_key;
    const char* peer_id;
  };
  // Secp256k1 keys are inlined (identity multihash, `16Uiu2HA…`); RSA and ECDSA ones hashed
  // (`Qm…`). Sources: go-libp2p core/peer/peer_test.go and the open-aea README (key_vectors.hpp);
  // for the spec and go fixture keys, computed with Python's hashlib and a base58 encoder.
  const Case cases[] = {
      {kSpecRsaPublic, "QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG"},
      {kSpecEcdsaPublic, "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk"},
      {kSpecSecp256k1Public, "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY"},
      {kGoRsaPublic, "QmcW3oMdSqoEcjbyd51auqC23vhKX6BqfcZcY2HJ3sKAZR"},
      {kGoEcdsaPublic, "QmYod9tQDX9rLCrs7au5um1aDrBXTnaHGbh1W6bxNGeEut"},
      {kGoSecp256k1Public, "16Uiu2HAky1YnjeGryCtGu69pvjeHXSwTHUgDNFF4zxtD5WrCPury"},
  };
  for (const auto& c : cases) {
    auto key = PublicKey::from_protobuf(hex(c.public_key));
    ASSERT_TRUE(key) << c.peer_id;
    PeerId id = PeerId::from_public_key(*key);
    EXPECT_EQ(id.to_base58(), c.peer_id);
    auto parsed = PeerId::parse(c.peer_id);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->matches(*key));
    EXPECT_EQ(parsed->public_key().has_value(), key->type() == KeyType::secp256k1);
  }

  auto go_peer = PrivateKey::from_protobuf(hex(kGoPeerTestRsaPrivate));
  ASSERT_TRUE(go_peer) << go_peer.error().message();
  EXPECT_EQ(PeerId::from_public_key(go_peer->public_key()).to_base58(), kGoPeerTestRsaPeerId);

  auto aea = PublicKey::from_raw(KeyType::secp256k1, hex(kAeaSecp256k1Raw));
  ASSERT_TRUE(aea);
  auto aea_id = PeerId::parse(kAeaSecp256k1PeerId);
  ASSERT_TRUE(aea_id);
  EXPECT_EQ(PeerId::from_public_key(*aea), *aea_id);
  EXPECT_EQ(aea_id->public_key(), *aea);
}

RC_GTEST_PROP(KeyTypes, SignVerifyRoundTrip, (const std::vector<std::uint8_t>& message)) {
  const KeyType type =
      *rc::gen::element(KeyType::rsa, KeyType::ed25519, KeyType::secp256k1, KeyType::ecdsa);
  static const PrivateKey ed25519 = PrivateKey::generate_ed25519();
  const PrivateKey& key = type == KeyType::ed25519 ? ed25519 : spec_key(type);
  Bytes signature = key.sign(message);
  RC_ASSERT(key.public_key().verify(message, signature).has_value());
  Bytes other = message;
  other.push_back(*rc::gen::arbitrary<std::uint8_t>());
  RC_ASSERT(key.public_key().verify(other, signature).error() == Error::bad_signature);
  if (!message.empty()) {
    Bytes flipped = message;
    const auto i = *rc::gen::inRange<std::size_t>(0, message.size());
    flipped[i] ^= static_cast<std::uint8_t>(*rc::gen::inRange(1, 256));
    RC_ASSERT(key.public_key().verify(flipped, signature).error() == Error::bad_signature);
  }
}

RC_GTEST_PROP(KeyTypes, ArbitraryDataIsRefusedOrCanonical,
              (const std::vector<std::uint8_t>& data)) {
  const KeyType type = *rc::gen::element(KeyType::rsa, KeyType::secp256k1, KeyType::ecdsa);
  auto key = PublicKey::from_raw(type, data);
  if (key) {
    auto again = PublicKey::from_raw(type, key->data());
    RC_ASSERT(again && *again == *key);
  } else {
    RC_ASSERT(key.error() == Error::bad_key);
  }
  RC_ASSERT(ERR_peek_error() == 0u);
}

}  // namespace
}  // namespace meshchat::crypto
