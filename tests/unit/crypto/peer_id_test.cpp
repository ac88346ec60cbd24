#include "crypto/peer_id.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <unordered_set>

#include "core/base58.hpp"
#include "core/cid.hpp"
#include "core/multihash.hpp"
#include "crypto/hash.hpp"

namespace meshchat::crypto {
namespace {

// peer-ids.md "Test vectors" public keys. Their PeerIds were computed independently (Python) and
// agree with go-libp2p p2p/http/auth tests (Ed25519) and other published implementations.
constexpr const char* kEd25519Public =
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
constexpr const char* kEd25519PeerId = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";
constexpr const char* kEd25519Cid =
    "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6";
constexpr const char* kSecp256k1Public =
    "08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99";
constexpr const char* kSecp256k1PeerId = "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY";
constexpr const char* kSecp256k1Cid =
    "bafzaajiiaijcca3xo7uzjzcsyilaj6i54cj44qk7kqzpoao5rti2pjx6udtdbp6kte";
constexpr const char* kEcdsaPublic =
    "0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83ab"
    "ab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c"
    "409e62";
constexpr const char* kEcdsaPeerId = "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk";

// peer-ids.md "String representation" examples.
constexpr const char* kSpecCid = "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe";
constexpr const char* kSpecBase58 = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
constexpr const char* kSpecEd25519 = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";

TEST(PeerId, FromEd25519SpecKey) {
  auto key = PublicKey::from_protobuf(*from_hex(kEd25519Public));
  ASSERT_TRUE(key);
  PeerId id = PeerId::from_public_key(*key);
  EXPECT_EQ(to_hex(id.bytes()), std::string("0024") + kEd25519Public);  // identity, 36 bytes
  EXPECT_EQ(id.to_base58(), kEd25519PeerId);
  EXPECT_EQ(id.to_cid(), kEd25519Cid);
  EXPECT_EQ(id.public_key(), *key);
  EXPECT_TRUE(id.matches(*key));
  EXPECT_EQ(*PeerId::parse(kEd25519PeerId), id);
  EXPECT_EQ(*PeerId::parse(kEd25519Cid), id);
  EXPECT_EQ(*PeerId::from_bytes(id.bytes()), id);
}

TEST(PeerId, FromEd25519SpecPrivateKey) {
  auto priv = PrivateKey::from_protobuf(*from_hex(
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8b"
      "e8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"));
  ASSERT_TRUE(priv);
  EXPECT_EQ(PeerId::from_public_key(priv->public_key()).to_base58(), kEd25519PeerId);
}

TEST(PeerId, SpecTextExamples) {
  auto from_cid = PeerId::parse(kSpecCid);
  ASSERT_TRUE(from_cid);
  auto from_base58 = PeerId::parse(kSpecBase58);
  ASSERT_TRUE(from_base58);
  EXPECT_EQ(*from_cid, *from_base58);
  EXPECT_EQ(from_cid->to_base58(), kSpecBase58);
  EXPECT_EQ(from_base58->to_cid(), kSpecCid);
  EXPECT_EQ(to_hex(from_cid->bytes()),
            "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9");
  EXPECT_FALSE(from_cid->public_key());  // a hash hides the key

  auto ed = PeerId::parse(kSpecEd25519);
  ASSERT_TRUE(ed);
  EXPECT_EQ(ed->to_base58(), kSpecEd25519);
  auto key = ed->public_key();
  ASSERT_TRUE(key);
  EXPECT_EQ(key->type(), KeyType::ed25519);
  EXPECT_TRUE(ed->matches(*key));
  EXPECT_EQ(*PeerId::parse(ed->to_cid()), *ed);
}

TEST(PeerId, OtherMultibasesOfTheCid) {
  auto expected = PeerId::parse(kSpecBase58);
  ASSERT_TRUE(expected);
  for (const char* text :
       {"BAFZBEIE5745RPV2M6TJYUUGYWY4D5EWRQGQQHFNF445HE3OMZPJBX5XQXE",
        "zdvgqC3jczfCwLUoSyWT8GLc5UZ9aG4RkAg7XAfidRbX9qVj6",
        "f017212209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9",
        "mAXISIJ3/OxfXTPTTilDYtjg+ktGBoQOVpec6cm3My9Ib9vC5"}) {
    auto id = PeerId::parse(text);
    ASSERT_TRUE(id) << text;
    EXPECT_EQ(*id, *expected) << text;
  }
}

TEST(PeerId, Secp256k1AndEcdsaSpecKeys) {
  // secp256k1 keys (37 bytes) are inlined.
  auto secp = PublicKey::from_protobuf(*from_hex(kSecp256k1Public));
  ASSERT_TRUE(secp) << secp.error().message();
  PeerId id = PeerId::from_public_key(*secp);
  EXPECT_EQ(id.bytes(), Multihash::identity(*from_hex(kSecp256k1Public))->bytes());
  EXPECT_EQ(id.to_base58(), kSecp256k1PeerId);
  EXPECT_EQ(id.to_cid(), kSecp256k1Cid);
  EXPECT_EQ(id.public_key(), *secp);
  EXPECT_TRUE(id.matches(*secp));
  EXPECT_EQ(*PeerId::parse(kSecp256k1PeerId), id);
  EXPECT_EQ(*PeerId::parse(kSecp256k1Cid), id);

  // ECDSA keys (95 bytes) are sha2-256 hashed.
  auto ecdsa = PublicKey::from_protobuf(*from_hex(kEcdsaPublic));
  ASSERT_TRUE(ecdsa) << ecdsa.error().message();
  PeerId hashed = PeerId::from_public_key(*ecdsa);
  EXPECT_EQ(hashed.bytes(), Multihash::sha2_256(sha256(*from_hex(kEcdsaPublic))).bytes());
  EXPECT_EQ(hashed.to_base58(), kEcdsaPeerId);
  EXPECT_FALSE(hashed.public_key());
  EXPECT_TRUE(hashed.matches(*ecdsa));
  EXPECT_EQ(*PeerId::parse(kEcdsaPeerId), hashed);
}

TEST(PeerId, InlinedKeysMustBeValid) {
  // An identity PeerId whose inlined secp256k1 key is malformed is no PeerId.
  Bytes bad = *from_hex(kSecp256k1Public);
  bad[4] = 0x05;  // neither 0x02 nor 0x03
  EXPECT_EQ(PeerId::from_bytes(Multihash::identity(bad)->bytes()).error(), Error::bad_peer_id);
}

TEST(PeerId, MatchesOnlyItsKey) {
  auto a = PrivateKey::generate_ed25519();
  auto b = PrivateKey::generate_ed25519();
  PeerId id = PeerId::from_public_key(a.public_key());
  EXPECT_TRUE(id.matches(a.public_key()));
  EXPECT_EQ(id.matches(b.public_key()).error(), Error::peer_id_mismatch);
  auto hashed = PeerId::parse(kSpecBase58);
  ASSERT_TRUE(hashed);
  EXPECT_EQ(hashed->matches(a.public_key()).error(), Error::peer_id_mismatch);
}

TEST(PeerId, RejectsMalformedBytes) {
  auto error = [](const std::string& hex) { return PeerId::from_bytes(*from_hex(hex)).error(); };
  std::string ed = kEd25519Public;
  EXPECT_EQ(error(""), Error::bad_peer_id);
  EXPECT_EQ(error("1220" + std::string(62, 'a')), Error::bad_peer_id);         // 31-byte digest
  EXPECT_EQ(error("1221" + std::string(66, 'a')), Error::bad_peer_id);         // 33-byte sha2-256
  EXPECT_EQ(error("1220" + std::string(64, 'a') + "00"), Error::bad_peer_id);  // trailing byte
  EXPECT_EQ(error("d501103858f62230ac3c915f300c664312c63f"), Error::bad_peer_id);  // md5
  EXPECT_EQ(error("1320" + std::string(64, 'a')), Error::bad_peer_id);             // sha2-512 code
  EXPECT_EQ(error("0024" + ed.substr(0, 70)), Error::bad_peer_id);                 // truncated key
  EXPECT_EQ(error("0000"), Error::bad_peer_id);          // empty inlined key
  EXPECT_EQ(error("0004deadbeef"), Error::bad_peer_id);  // not a key protobuf
  EXPECT_EQ(error("0005"
                  "0809120101"),
            Error::bad_peer_id);  // KeyType 9
  EXPECT_EQ(error("0005"
                  "1201000801"),
            Error::bad_peer_id);  // fields out of order
  EXPECT_EQ(error("0008"
                  "0801120100"
                  "180101"),
            Error::bad_peer_id);  // extra field
  EXPECT_EQ(error("0005"
                  "08011201ff"),
            Error::bad_peer_id);  // Ed25519 key of 1 byte
  // The spec key with a non-minimal Type varint: not the deterministic encoding.
  EXPECT_EQ(error("0025"
                  "088100" +
                  ed.substr(4)),
            Error::bad_peer_id);
  // Keys longer than 42 bytes must be hashed, not inlined.
  Bytes long_key = *from_hex("0802122b" + std::string(86, 'a'));
  ASSERT_EQ(long_key.size(), 47u);
  EXPECT_EQ(PeerId::from_bytes(Multihash::identity(long_key)->bytes()).error(), Error::bad_peer_id);
}

TEST(PeerId, RejectsMalformedText) {
  const std::string bad[] = {
      "",
      "Q",
      "1",
      "Qm",
      "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5",          // one character short
      "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5NN",        // one too many
      "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx50",         // '0' is not base58
      "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SAA",  // inlined key one byte long
      " 12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
      // dag-pb (0x70) CID of the same hash: a CID, but not of a libp2p key.
      "bafybeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe",
      "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqx",
      "Bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe",
      "k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs",  // base36: unsupported
      "zQmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",                 // 'z' + CIDv0 text
      "/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
      std::string(200, '1'),
  };
  for (const auto& text : bad) {
    auto id = PeerId::parse(text);
    ASSERT_FALSE(id) << text << " parsed as " << id->to_base58();
    EXPECT_EQ(id.error(), Error::bad_peer_id) << text;
  }
}

TEST(PeerId, OrderAndHash) {
  auto a = *PeerId::parse(kSpecBase58);
  auto b = *PeerId::parse(kSpecEd25519);
  std::unordered_set<PeerId> set{a, b, *PeerId::parse(kSpecCid)};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(a != b);
  EXPECT_TRUE((a < b) != (b < a));
}

RC_GTEST_PROP(PeerId, Ed25519RoundTrips, (const std::array<std::uint8_t, 32>& seed)) {
  auto key = PrivateKey::ed25519_from_seed(seed).public_key();
  PeerId id = PeerId::from_public_key(key);
  RC_ASSERT(id.to_base58().starts_with("12D3KooW"));
  RC_ASSERT(id.to_cid().starts_with("bafzaajaiaejc"));
  RC_ASSERT(*PeerId::parse(id.to_base58()) == id);
  RC_ASSERT(*PeerId::parse(id.to_cid()) == id);
  RC_ASSERT(*PeerId::from_bytes(id.bytes()) == id);
  RC_ASSERT(id.public_key() == key);
  RC_ASSERT(id.matches(key).has_value());
}

RC_GTEST_PROP(PeerId, Sha256RoundTrips, (const std::array<std::uint8_t, 32>& digest)) {
  auto id = PeerId::from_bytes(Multihash::sha2_256(digest).bytes());
  RC_ASSERT(id.has_value());
  RC_ASSERT(id->to_base58().starts_with("Qm"));
  RC_ASSERT(id->to_cid().starts_with("bafzbei"));
  RC_ASSERT(*PeerId::parse(id->to_base58()) == *id);
  RC_ASSERT(*PeerId::parse(id->to_cid()) == *id);
  RC_ASSERT(!id->public_key());
}

}  // namespace
}  // namespace meshchat::crypto
