#include "core/length_prefixed.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/varint.hpp"

namespace meshchat {
namespace {

const std::error_code kTooLarge = std::make_error_code(std::errc::message_size);

TEST(LengthPrefixed, WritesPrefixThenBody) {
  EXPECT_EQ(to_hex(length_prefixed(as_bytes("abc"))), "03616263");
  EXPECT_EQ(to_hex(length_prefixed({})), "00");
  EXPECT_EQ(length_prefixed(Bytes(300, 7)).size(), 302u);  // 300 takes two varint bytes
}

TEST(LengthPrefixed, SplitsMessagesAndKeepsTheRest) {
  Bytes stream = length_prefixed(as_bytes("one"));
  append(stream, length_prefixed(as_bytes("two")));
  append(stream, as_bytes("tail"));
  LengthPrefixedReader reader(16, kTooLarge);
  ASSERT_TRUE(reader.feed(stream));
  EXPECT_EQ(as_string(**reader.next()), "one");
  EXPECT_EQ(as_string(**reader.next()), "two");
  // "tail" reads as a 116-byte message prefix ('t'): above the limit.
  EXPECT_EQ(reader.next().error(), kTooLarge);
}

TEST(LengthPrefixed, RefusesOversizedAndMalformedPrefixes) {
  LengthPrefixedReader big(4, kTooLarge);
  EXPECT_EQ(big.feed(*from_hex("05")).error(), kTooLarge);
  EXPECT_EQ(big.feed(*from_hex("00")).error(), kTooLarge);  // sticky
  LengthPrefixedReader padded(4, kTooLarge);
  EXPECT_EQ(padded.feed(*from_hex("8000")).error(), varint::Error::not_minimal);
  LengthPrefixedReader partial(4, kTooLarge);
  ASSERT_TRUE(partial.feed(*from_hex("03aa")));
  EXPECT_FALSE(*partial.next());
  EXPECT_TRUE(partial.in_message());
  EXPECT_EQ(partial.take_remaining().size(), 2u);
}

RC_GTEST_PROP(LengthPrefixed, AnyChunkingGivesTheSameMessages,
              (const std::vector<std::vector<std::uint8_t>>& bodies)) {
  Bytes stream;
  for (const auto& body : bodies) append(stream, length_prefixed(body));
  LengthPrefixedReader reader(1 << 20, kTooLarge);
  std::vector<Bytes> seen;
  std::size_t offset = 0;
  while (offset < stream.size()) {
    auto n = std::min<std::size_t>(*rc::gen::inRange<std::size_t>(1, 9), stream.size() - offset);
    RC_ASSERT(reader.feed(ByteView(stream.data() + offset, n)).has_value());
    offset += n;
    for (auto message = reader.next(); message && *message; message = reader.next()) {
      seen.push_back(std::move(**message));
    }
  }
  RC_ASSERT(seen.size() == bodies.size());
  for (std::size_t i = 0; i < seen.size(); ++i)
    RC_ASSERT(seen[i] == Bytes(bodies[i].begin(), bodies[i].end()));
}

}  // namespace
}  // namespace meshchat
