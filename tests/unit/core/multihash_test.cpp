#include "core/multihash.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meshchat {
namespace {

// The sha2-256 PeerId of peer-ids.md "String representation" (QmYyQSo1…), as bytes.
constexpr const char* kSha256PeerId =
    "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9";

TEST(Multihash, Constants) {
  // multicodec table.csv
  EXPECT_EQ(multihash::kIdentity, 0x00u);
  EXPECT_EQ(multihash::kSha2_256, 0x12u);
  EXPECT_EQ(multihash::kSha2_256Size, 32u);
}

TEST(Multihash, DecodesSha256) {
  auto hash = Multihash::from_bytes(*from_hex(kSha256PeerId));
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->code(), multihash::kSha2_256);
  EXPECT_EQ(to_hex(hash->digest()),
            "9dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9");
  EXPECT_EQ(to_hex(hash->bytes()), kSha256PeerId);

  std::array<std::uint8_t, 32> digest;
  std::copy(hash->digest().begin(), hash->digest().end(), digest.begin());
  EXPECT_EQ(Multihash::sha2_256(digest), *hash);
}

TEST(Multihash, Identity) {
  Bytes key = *from_hex("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");
  auto hash = Multihash::identity(key);
  ASSERT_TRUE(hash);
  EXPECT_EQ(to_hex(hash->bytes()), "0024" + to_hex(key));
  EXPECT_EQ(hash->code(), multihash::kIdentity);
  EXPECT_TRUE(std::ranges::equal(hash->digest(), key));
  auto empty = Multihash::identity({});
  ASSERT_TRUE(empty);
  EXPECT_EQ(to_hex(empty->bytes()), "0000");
  EXPECT_EQ(Multihash::identity(Bytes(multihash::kMaxDigestSize + 1)).error(),
            multihash::Error::digest_too_long);
}

TEST(Multihash, OtherCodesAreGeneric) {
  // md5 (0xd5, a two-byte varint) with a 16-byte digest, from a go-multiaddr certhash vector.
  auto hash = Multihash::from_bytes(*from_hex("d501103858f62230ac3c915f300c664312c63f"));
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->code(), 0xd5u);
  EXPECT_EQ(hash->digest().size(), 16u);
  auto made = Multihash::create(0xd5, hash->digest());
  ASSERT_TRUE(made);
  EXPECT_EQ(*made, *hash);
}

TEST(Multihash, RejectsMalformed) {
  auto error = [](const std::string& hex) { return Multihash::from_bytes(*from_hex(hex)).error(); };
  EXPECT_EQ(error(""), multihash::Error::truncated);
  EXPECT_EQ(error("12"), multihash::Error::truncated);
  EXPECT_EQ(error("80"), multihash::Error::truncated);
  EXPECT_EQ(error("1220" + std::string(62, 'a')), multihash::Error::truncated);
  EXPECT_EQ(error(std::string(kSha256PeerId) + "00"), multihash::Error::trailing_bytes);
  EXPECT_EQ(error("0002aa"), multihash::Error::truncated);
  EXPECT_EQ(error("0001aabb"), multihash::Error::trailing_bytes);
  EXPECT_EQ(error("8000"), multihash::Error::bad_varint);    // non-minimal code
  EXPECT_EQ(error("008100"), multihash::Error::bad_varint);  // non-minimal length
  EXPECT_EQ(error("00ffffffffffffffffff01"), multihash::Error::bad_varint);
  // The length is checked before any digest byte is read.
  EXPECT_EQ(error("008101"), multihash::Error::digest_too_long);
  EXPECT_EQ(error("1221" + std::string(66, 'a')), multihash::Error::wrong_length);
  EXPECT_EQ(error("121f" + std::string(62, 'a')), multihash::Error::wrong_length);
  EXPECT_EQ(Multihash::create(std::uint64_t{1} << 63, {}).error(), multihash::Error::bad_varint);
  EXPECT_EQ(Multihash::create(multihash::kSha2_256, Bytes(31)).error(),
            multihash::Error::wrong_length);
}

RC_GTEST_PROP(Multihash, RoundTrip, (std::uint64_t code, const std::vector<std::uint8_t>& data)) {
  code &= (std::uint64_t{1} << 63) - 1;
  Bytes digest(data.begin(), data.begin() + std::min(data.size(), multihash::kMaxDigestSize));
  if (code == multihash::kSha2_256) digest.resize(multihash::kSha2_256Size);
  auto made = Multihash::create(code, digest);
  RC_ASSERT(made.has_value());
  auto parsed = Multihash::from_bytes(made->bytes());
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == *made);
  RC_ASSERT(parsed->code() == code);
  RC_ASSERT(std::ranges::equal(parsed->digest(), digest));
}

}  // namespace
}  // namespace meshchat
