#include "core/base32.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meshchat {
namespace {

// RFC 4648 §10 test vectors, without the '=' padding (multibase base32 has none).
TEST(Base32, Rfc4648Vectors) {
  struct Case {
    const char* data;
    const char* upper;
  } cases[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(base32::encode(as_bytes(c.data), base32::Case::upper), c.upper);
    auto upper = base32::decode(c.upper, base32::Case::upper);
    ASSERT_TRUE(upper) << c.upper;
    EXPECT_EQ(as_string(*upper), c.data);

    std::string lower(c.upper);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(base32::encode(as_bytes(c.data)), lower);
    auto decoded = base32::decode(lower);
    ASSERT_TRUE(decoded) << lower;
    EXPECT_EQ(as_string(*decoded), c.data);
  }
}

TEST(Base32, RejectsMalformed) {
  // Lengths 1, 3 and 6 modulo 8 end inside a byte.
  EXPECT_EQ(base32::decode("m").error(), base32::Error::bad_length);
  EXPECT_EQ(base32::decode("mzx").error(), base32::Error::bad_length);
  EXPECT_EQ(base32::decode("mzxw6y").error(), base32::Error::bad_length);
  EXPECT_EQ(base32::decode("mzxw6ytbo").error(), base32::Error::bad_length);
  // Padding, digits outside 2-7, and the other letter case.
  EXPECT_EQ(base32::decode("my======").error(), base32::Error::bad_character);
  EXPECT_EQ(base32::decode("m1").error(), base32::Error::bad_character);
  EXPECT_EQ(base32::decode("m8").error(), base32::Error::bad_character);
  EXPECT_EQ(base32::decode("MY").error(), base32::Error::bad_character);
  EXPECT_EQ(base32::decode("my", base32::Case::upper).error(), base32::Error::bad_character);
  // "mz" carries 'f' plus two set bits that no encoder writes.
  EXPECT_EQ(base32::decode("mz").error(), base32::Error::nonzero_padding);
  EXPECT_EQ(base32::decode(std::string(base32::kMaxTextLength + 8, 'a')).error(),
            base32::Error::too_long);
}

RC_GTEST_PROP(Base32, RoundTrip, (const std::vector<std::uint8_t>& data, bool upper)) {
  auto letters = upper ? base32::Case::upper : base32::Case::lower;
  std::string text = base32::encode(data, letters);
  RC_ASSERT(text.size() == (data.size() * 8 + 4) / 5);
  auto decoded = base32::decode(text, letters);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == data);
}

}  // namespace
}  // namespace meshchat
