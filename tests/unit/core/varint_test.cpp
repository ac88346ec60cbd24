#include "core/varint.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meshchat {
namespace {

// Examples from multiformats/unsigned-varint README.md.
TEST(Varint, SpecExamples) {
  struct Case {
    std::uint64_t value;
    const char* hex;
  } cases[] = {{1, "01"},     {127, "7f"},   {128, "8001"},
               {255, "ff01"}, {300, "ac02"}, {16384, "808001"}};
  for (const auto& c : cases) {
    EXPECT_EQ(to_hex(varint::encode(c.value)), c.hex);
    auto decoded = varint::decode(*from_hex(c.hex));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->value, c.value);
    EXPECT_EQ(decoded->size, std::string(c.hex).size() / 2);
  }
}

TEST(Varint, RejectsNonMinimal) {
  EXPECT_EQ(varint::decode(*from_hex("8100")).error(), varint::Error::not_minimal);
  EXPECT_EQ(varint::decode(*from_hex("8080808000")).error(), varint::Error::not_minimal);
}

TEST(Varint, TruncatedAndOverflow) {
  EXPECT_EQ(varint::decode(*from_hex("80")).error(), varint::Error::truncated);
  EXPECT_EQ(varint::decode(ByteView{}).error(), varint::Error::truncated);
  EXPECT_EQ(varint::decode(*from_hex("ffffffffffffffffff01")).error(), varint::Error::overflow);
  EXPECT_EQ(varint::decode(*from_hex("ffffffffffffffffff")).error(), varint::Error::overflow);
  auto max = varint::decode(*from_hex("ffffffffffffffff7f"));
  ASSERT_TRUE(max);
  EXPECT_EQ(max->value, (std::uint64_t{1} << 63) - 1);
}

RC_GTEST_PROP(Varint, RoundTrip, (std::uint64_t v)) {
  v &= (std::uint64_t{1} << 63) - 1;
  Bytes encoded = varint::encode(v);
  RC_ASSERT(encoded.size() == varint::encoded_size(v));
  auto decoded = varint::decode(encoded);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(decoded->value == v);
  RC_ASSERT(decoded->size == encoded.size());
}

}  // namespace
}  // namespace meshchat
