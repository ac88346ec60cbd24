#include "p2p/multistream/message.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meshchat::p2p::multistream {
namespace {

// connections/README.md: "na" is sent as 0x036e610a.
TEST(MultistreamMessage, SpecNaExample) {
  EXPECT_EQ(to_hex(encode_message(kNa)), "036e610a");
}

TEST(MultistreamMessage, HeaderBytes) {
  EXPECT_EQ(encode_message(kProtocolId), to_bytes("\x13/multistream/1.0.0\n"));
}

TEST(MultistreamMessage, TwoByteLengthPrefix) {
  std::string id = "/" + std::string(199, 'x');  // 200 + '\n' = 201 = 0xc9 0x01
  Bytes encoded = encode_message(id);
  EXPECT_EQ(encoded[0], 0xc9);
  EXPECT_EQ(encoded[1], 0x01);
  MessageReader reader;
  reader.feed(encoded);
  auto m = reader.next();
  ASSERT_TRUE(m && *m);
  EXPECT_EQ(**m, id);
}

TEST(MultistreamMessage, WaitsForWholeMessage) {
  Bytes encoded = encode_message("/noise");
  MessageReader reader;
  for (std::size_t i = 0; i + 1 < encoded.size(); ++i) {
    reader.feed(ByteView(encoded).subspan(i, 1));
    auto m = reader.next();
    ASSERT_TRUE(m);
    EXPECT_FALSE(*m);
  }
  reader.feed(ByteView(encoded).last(1));
  auto m = reader.next();
  ASSERT_TRUE(m && *m);
  EXPECT_EQ(**m, "/noise");
}

TEST(MultistreamMessage, KeepsBytesAfterMessage) {
  MessageReader reader;
  Bytes in = encode_message("/yamux/1.0.0");
  in.push_back(0x00);
  in.push_back(0x01);
  reader.feed(in);
  auto m = reader.next();
  ASSERT_TRUE(m && *m);
  EXPECT_EQ(reader.take_rest(), (Bytes{0x00, 0x01}));
  EXPECT_TRUE(reader.take_rest().empty());
}

Error first_error(ByteView in) {
  MessageReader reader;
  reader.feed(in);
  auto m = reader.next();
  EXPECT_FALSE(m);
  return m ? Error{} : static_cast<Error>(m.error().value());
}

TEST(MultistreamMessage, RejectsMalformed) {
  EXPECT_EQ(first_error(to_bytes("\x03na!")), Error::missing_newline);
  EXPECT_EQ(first_error(to_bytes(std::string_view("\x00", 1))), Error::missing_newline);
  EXPECT_EQ(first_error(*from_hex("8100")), Error::bad_length);                  // not minimal
  EXPECT_EQ(first_error(*from_hex("ffffffffffffffffff01")), Error::bad_length);  // 10 bytes
  // 1025 = 0x81 0x08: rejected from the prefix alone, before any body arrives.
  EXPECT_EQ(first_error(*from_hex("8108")), Error::message_too_long);
}

TEST(MultistreamMessage, AcceptsMaximumLength) {
  std::string id = "/" + std::string(kMaxMessageBytes - 2, 'a');
  ASSERT_TRUE(is_valid_protocol_id(id));
  EXPECT_FALSE(is_valid_protocol_id(id + "a"));
  MessageReader reader;
  reader.feed(encode_message(id));
  auto m = reader.next();
  ASSERT_TRUE(m && *m);
  EXPECT_EQ(**m, id);
}

TEST(MultistreamMessage, ValidIds) {
  EXPECT_TRUE(is_valid_protocol_id("/noise"));
  EXPECT_FALSE(is_valid_protocol_id(""));
  EXPECT_FALSE(is_valid_protocol_id("/a\n/b"));
}

RC_GTEST_PROP(MultistreamMessage, RoundTripAnyChunking, (std::vector<std::string> texts)) {
  Bytes stream;
  std::vector<std::string> expected;
  for (auto& t : texts) {
    std::string text = t.substr(0, kMaxMessageBytes - 1);
    expected.push_back(text);
    encode_message(text, stream);
  }
  MessageReader reader;
  std::vector<std::string> got;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    auto n = *rc::gen::inRange<std::size_t>(1, stream.size() - pos + 1);
    reader.feed(ByteView(stream).subspan(pos, n));
    pos += n;
    for (;;) {
      auto m = reader.next();
      RC_ASSERT(m.has_value());
      if (!*m) break;
      got.push_back(std::move(**m));
    }
  }
  RC_ASSERT(got == expected);
  RC_ASSERT(reader.take_rest().empty());
}

}  // namespace
}  // namespace meshchat::p2p::multistream
