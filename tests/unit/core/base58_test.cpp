#include "core/base58.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meshchat {
namespace {

// Test vectors from draft-msporny-base58-03 §5 and multiformats/multibase tests/test1.csv
// ("yes mani !").
TEST(Base58, SpecVectors) {
  struct Case {
    const char* hex;
    const char* text;
  } cases[] = {
      {"", ""},
      {"48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"},  // "Hello World!"
      {"54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a7920646f672e",
       "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
      {"0000287fb4cd", "11233QC4"},  // leading zero bytes become '1's
      {"796573206d616e692021", "7paNL19xttacUY"},
      {"00", "1"},
      {"0000", "11"},
      {"39", "z"},   // 57, the last digit
      {"3a", "21"},  // 58
  };
  for (const auto& c : cases) {
    Bytes bytes = *from_hex(c.hex);
    EXPECT_EQ(base58::encode(bytes), c.text) << c.hex;
    auto decoded = base58::decode(c.text);
    ASSERT_TRUE(decoded) << c.text;
    EXPECT_EQ(to_hex(*decoded), c.hex);
  }
}

TEST(Base58, PeerIdVector) {
  // peer-ids.md "String representation": a sha2-256 PeerId.
  auto decoded = base58::decode("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(to_hex(*decoded),
            "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9");
}

TEST(Base58, RejectsCharactersOutsideTheAlphabet) {
  for (const char* text : {"0", "O", "I", "l", "abc+", "ab/c", "2NEpo7TZRRrLZSi2U ", "\xff", "-"}) {
    EXPECT_EQ(base58::decode(text).error(), base58::Error::bad_character) << text;
  }
  EXPECT_EQ(base58::decode(std::string_view("1\0", 2)).error(), base58::Error::bad_character);
}

TEST(Base58, BoundsInput) {
  EXPECT_TRUE(base58::decode(std::string(base58::kMaxTextLength, 'z')));
  EXPECT_EQ(base58::decode(std::string(base58::kMaxTextLength + 1, 'z')).error(),
            base58::Error::too_long);
}

RC_GTEST_PROP(Base58, RoundTrip, (const std::vector<std::uint8_t>& data)) {
  std::string text = base58::encode(data);
  auto decoded = base58::decode(text);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == data);
}

RC_GTEST_PROP(Base58, LeadingZerosAreOnes,
              (std::uint8_t zeros, const std::vector<std::uint8_t>& rest)) {
  Bytes data(zeros % 8, 0);
  append(data, rest);
  std::string text = base58::encode(data);
  std::size_t ones = text.find_first_not_of('1');
  if (ones == std::string::npos) ones = text.size();
  std::size_t leading_zero_bytes = 0;
  while (leading_zero_bytes < data.size() && data[leading_zero_bytes] == 0) ++leading_zero_bytes;
  RC_ASSERT(ones == leading_zero_bytes);
}

}  // namespace
}  // namespace meshchat
