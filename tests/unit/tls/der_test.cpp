// The strict DER subset used for SignedKey and SubjectPublicKeyInfo (X.690 §10).
#include "p2p/tls/der.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meshchat::p2p::tls {
namespace {

std::optional<der::Element> read_all(const Bytes& bytes) {
  ByteView in(bytes);
  auto element = der::read(in);
  if (element && !in.empty()) return std::nullopt;
  return element;
}

TEST(TlsDer, ShortAndLongLengths) {
  Bytes short_form = {0x04, 0x02, 0xaa, 0xbb};
  auto e = read_all(short_form);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->tag, der::kOctetString);
  EXPECT_EQ(Bytes(e->content.begin(), e->content.end()), (Bytes{0xaa, 0xbb}));
  EXPECT_EQ(e->encoded.size(), 4u);

  Bytes long_form = {0x04, 0x81, 0x80};
  long_form.resize(3 + 0x80, 0x11);
  e = read_all(long_form);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->content.size(), 0x80u);
}

TEST(TlsDer, NonDerFormsAreRefused) {
  EXPECT_FALSE(read_all({0x04, 0x81, 0x7f}));           // long form for a short length
  EXPECT_FALSE(read_all({0x04, 0x82, 0x00, 0x80}));     // leading zero length octet
  EXPECT_FALSE(read_all({0x30, 0x80, 0x00, 0x00}));     // indefinite length
  EXPECT_FALSE(read_all({0x1f, 0x81, 0x01, 0x00}));     // multi-octet tag
  EXPECT_FALSE(read_all({0x04, 0x85, 1, 0, 0, 0, 0}));  // more length octets than kMaxLengthOctets
  EXPECT_FALSE(read_all({0x04, 0x03, 0x00}));           // runs past the end
  EXPECT_FALSE(read_all({0x04}));
}

TEST(TlsDer, ReadWithTagLeavesInputOnMismatch) {
  Bytes bytes = {0x02, 0x01, 0x05};
  ByteView in(bytes);
  EXPECT_FALSE(der::read(in, der::kSequence));
  EXPECT_EQ(in.size(), 3u);
  EXPECT_TRUE(der::read(in, der::kInteger));
  EXPECT_TRUE(in.empty());
}

RC_GTEST_PROP(TlsDer, WriteThenReadRoundTrips, (std::uint8_t tag_low, const Bytes& content)) {
  std::uint8_t tag = static_cast<std::uint8_t>(tag_low % 0x1f);  // single-octet tags only
  Bytes big = content;
  if (tag_low & 1) big.resize(content.size() * 300);  // also exercise multi-octet lengths
  Bytes out;
  der::write(tag, big, out);
  ByteView in(out);
  auto e = der::read(in);
  RC_ASSERT(e.has_value());
  RC_ASSERT(in.empty());
  RC_ASSERT(e->tag == tag);
  RC_ASSERT(Bytes(e->content.begin(), e->content.end()) == big);
}

}  // namespace
}  // namespace meshchat::p2p::tls
