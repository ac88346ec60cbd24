#include "core/multibase.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/base32.hpp"
#include "core/base58.hpp"

namespace meshchat {
namespace {

using multibase::Base;

// multiformats/multibase tests/test1.csv: "yes mani !" in every base we support.
TEST(Multibase, SpecVectors) {
  struct Case {
    Base base;
    const char* text;
  } cases[] = {
      {Base::base16, "f796573206d616e692021"}, {Base::base16_upper, "F796573206D616E692021"},
      {Base::base32, "bpfsxgidnmfxgsibb"},     {Base::base32_upper, "BPFSXGIDNMFXGSIBB"},
      {Base::base58btc, "z7paNL19xttacUY"},    {Base::base64, "meWVzIG1hbmkgIQ"},
      {Base::base64url, "ueWVzIG1hbmkgIQ"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(multibase::encode(c.base, as_bytes("yes mani !")), c.text);
    auto decoded = multibase::decode(c.text);
    ASSERT_TRUE(decoded) << c.text;
    EXPECT_EQ(decoded->base, c.base);
    EXPECT_EQ(as_string(decoded->data), "yes mani !");
  }
}

// RFC 4648 §10 base64 and base16 vectors, without padding.
TEST(Multibase, Rfc4648Vectors) {
  struct Case {
    const char* data;
    const char* base64;
    const char* base16;
  } cases[] = {
      {"", "", ""},
      {"f", "Zg", "66"},
      {"fo", "Zm8", "666f"},
      {"foo", "Zm9v", "666f6f"},
      {"foob", "Zm9vYg", "666f6f62"},
      {"fooba", "Zm9vYmE", "666f6f6261"},
      {"foobar", "Zm9vYmFy", "666f6f626172"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(multibase::encode(Base::base64, as_bytes(c.data)), std::string("m") + c.base64);
    EXPECT_EQ(multibase::encode(Base::base16, as_bytes(c.data)), std::string("f") + c.base16);
    auto b64 = multibase::decode(std::string("m") + c.base64);
    ASSERT_TRUE(b64) << c.base64;
    EXPECT_EQ(as_string(b64->data), c.data);
    auto b16 = multibase::decode(std::string("f") + c.base16);
    ASSERT_TRUE(b16) << c.base16;
    EXPECT_EQ(as_string(b16->data), c.data);
  }
}

TEST(Multibase, Base64UrlAlphabet) {
  Bytes data = *from_hex("fbff");
  EXPECT_EQ(multibase::encode(Base::base64, data), "m+/8");
  EXPECT_EQ(multibase::encode(Base::base64url, data), "u-_8");
  EXPECT_EQ(multibase::decode("u-_8")->data, data);
  EXPECT_EQ(multibase::decode("m-_8").error(), multibase::Error::bad_character);
  EXPECT_EQ(multibase::decode("u+/8").error(), multibase::Error::bad_character);
}

TEST(Multibase, RejectsMalformed) {
  EXPECT_EQ(multibase::decode("").error(), multibase::Error::empty);
  // base36 ('k'), padded and binary variants, and legacy CIDv0/base58 text are not supported.
  for (const char* text : {"?abc", "k2k4r8", "Qmabc", "1abc", "c", "Mabc", "Uabc", "0"}) {
    EXPECT_EQ(multibase::decode(text).error(), multibase::Error::unsupported_base) << text;
  }
  EXPECT_EQ(multibase::decode("f0").error(), multibase::Error::bad_length);
  EXPECT_EQ(multibase::decode("fAB").error(), multibase::Error::bad_character);
  EXPECT_EQ(multibase::decode("Fab").error(), multibase::Error::bad_character);
  EXPECT_EQ(multibase::decode("fzz").error(), multibase::Error::bad_character);
  EXPECT_EQ(multibase::decode("mZg==").error(), multibase::Error::bad_character);
  EXPECT_EQ(multibase::decode("mZ").error(), multibase::Error::bad_length);
  EXPECT_EQ(multibase::decode("mZh").error(), multibase::Error::nonzero_padding);
  // Errors of the base58 and base32 decoders pass through.
  EXPECT_EQ(multibase::decode("bm").error(), base32::Error::bad_length);
  EXPECT_EQ(multibase::decode("bMY").error(), base32::Error::bad_character);
  EXPECT_EQ(multibase::decode("zO").error(), base58::Error::bad_character);
  EXPECT_EQ(multibase::decode("f" + std::string(multibase::kMaxTextLength, 'a')).error(),
            multibase::Error::too_long);
  // The empty payload is valid in every base.
  EXPECT_TRUE(multibase::decode("b")->data.empty());
}

RC_GTEST_PROP(Multibase, RoundTrip, (const std::vector<std::uint8_t>& data)) {
  const Base base =
      *rc::gen::element(Base::base16, Base::base16_upper, Base::base32, Base::base32_upper,
                        Base::base58btc, Base::base64, Base::base64url);
  std::string text = multibase::encode(base, data);
  auto decoded = multibase::decode(text);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(decoded->base == base);
  RC_ASSERT(decoded->data == data);
}

}  // namespace
}  // namespace meshchat
