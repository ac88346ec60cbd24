#include "core/cid.hpp"

#include <gtest/gtest.h>

#include "core/base32.hpp"

namespace meshchat {
namespace {

// peer-ids.md "String representation": one sha2-256 PeerId as a CID and as base58
// (QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N).
constexpr const char* kSpecCid = "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe";
constexpr const char* kSpecMultihash =
    "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9";

TEST(Cid, ParsesSpecPeerIdCid) {
  auto cid = Cid::parse(kSpecCid);
  ASSERT_TRUE(cid) << cid.error().message();
  EXPECT_EQ(cid->codec(), cid::kLibp2pKey);
  EXPECT_EQ(to_hex(cid->hash().bytes()), kSpecMultihash);
  EXPECT_EQ(to_hex(cid->bytes()), std::string("0172") + kSpecMultihash);
  EXPECT_EQ(cid->to_string(), kSpecCid);
}

TEST(Cid, OtherBases) {
  auto cid = Cid::parse(kSpecCid);
  ASSERT_TRUE(cid);
  const char* texts[] = {
      "BAFZBEIE5745RPV2M6TJYUUGYWY4D5EWRQGQQHFNF445HE3OMZPJBX5XQXE",
      "zdvgqC3jczfCwLUoSyWT8GLc5UZ9aG4RkAg7XAfidRbX9qVj6",
      "f017212209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9",
      "mAXISIJ3/OxfXTPTTilDYtjg+ktGBoQOVpec6cm3My9Ib9vC5",
  };
  for (const char* text : texts) {
    auto other = Cid::parse(text);
    ASSERT_TRUE(other) << text;
    EXPECT_EQ(*other, *cid);
  }
  EXPECT_EQ(cid->to_string(multibase::Base::base58btc), texts[1]);
}

TEST(Cid, IdentityPeerId) {
  // go-multiaddr multiaddr_test.go: the CID form of
  // 12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV.
  auto cid = Cid::parse("bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u");
  ASSERT_TRUE(cid);
  EXPECT_EQ(cid->codec(), cid::kLibp2pKey);
  EXPECT_EQ(cid->hash().code(), multihash::kIdentity);
  EXPECT_EQ(to_hex(cid->hash().bytes()),
            "0024080112202d3de6d16ae87f7a933fe1552162a2d3f04951e90e8051e4ee2c18f002dd0fb4");
}

TEST(Cid, OtherCodecsParse) {
  // dag-pb (0x70): a valid CID, just not a PeerId.
  auto cid = Cid::parse("bafybeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
  ASSERT_TRUE(cid);
  EXPECT_EQ(cid->codec(), 0x70u);
}

TEST(Cid, RejectsMalformed) {
  auto from_hex_bytes = [](const std::string& hex) { return Cid::from_bytes(*from_hex(hex)); };
  // A CIDv0 is a bare sha2-256 multihash.
  EXPECT_EQ(from_hex_bytes(kSpecMultihash).error(), cid::Error::unsupported_version);
  EXPECT_EQ(from_hex_bytes(std::string("0272") + kSpecMultihash).error(),
            cid::Error::unsupported_version);
  EXPECT_EQ(from_hex_bytes("").error(), cid::Error::truncated);
  EXPECT_EQ(from_hex_bytes("01").error(), cid::Error::truncated);
  EXPECT_EQ(from_hex_bytes("0180").error(), cid::Error::truncated);
  EXPECT_EQ(from_hex_bytes("8100").error(), cid::Error::bad_varint);
  EXPECT_EQ(from_hex_bytes("017200").error(), multihash::Error::truncated);
  EXPECT_EQ(from_hex_bytes(std::string("0172") + kSpecMultihash + "00").error(),
            multihash::Error::trailing_bytes);
  EXPECT_EQ(Cid::parse("").error(), multibase::Error::empty);
  EXPECT_EQ(Cid::parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N").error(),
            multibase::Error::unsupported_base);
  // One character short: 2 mod 8 characters, but its last carries non-zero padding bits.
  EXPECT_FALSE(Cid::parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqx"));
}

}  // namespace
}  // namespace meshchat
