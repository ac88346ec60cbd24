#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>

#include "crypto/random.hpp"
#include "p2p/ping/pinger.hpp"
#include "p2p/ping/responder.hpp"

namespace meshchat::p2p::ping {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(Ping, ProtocolIdAndPayloadSize) {
  EXPECT_EQ(kProtocolId, "/ipfs/ping/1.0.0");
  EXPECT_EQ(kPayloadSize, 32u);
}

TEST(Pinger, MeasuresRttOnFakeClock) {
  crypto::SeededRng rng(7);
  Pinger pinger;
  Bytes payload = pinger.start(rng, kT0);
  ASSERT_EQ(payload.size(), kPayloadSize);
  EXPECT_TRUE(pinger.outstanding());
  auto partial = pinger.on_bytes(ByteView(payload).first(10), kT0 + milliseconds(20));
  ASSERT_TRUE(partial);
  EXPECT_FALSE(*partial);
  auto rtt = pinger.on_bytes(ByteView(payload).subspan(10), kT0 + milliseconds(42));
  ASSERT_TRUE(rtt && *rtt);
  EXPECT_EQ(**rtt, milliseconds(42));
  EXPECT_FALSE(pinger.outstanding());
}

TEST(Pinger, PayloadsComeFromTheRng) {
  crypto::SeededRng a(1), b(1), c(2);
  Pinger pa, pb, pc;
  Bytes first = pa.start(a, kT0);
  EXPECT_EQ(first, pb.start(b, kT0));
  EXPECT_NE(first, pc.start(c, kT0));
  ASSERT_TRUE(pa.on_bytes(first, kT0));
  EXPECT_NE(pa.start(a, kT0), first);  // a fresh payload for each ping
}

TEST(Pinger, MismatchFailsAtFirstWrongByte) {
  crypto::SeededRng rng(3);
  Pinger pinger;
  Bytes payload = pinger.start(rng, kT0);
  payload[5] ^= 0x01;
  EXPECT_EQ(pinger.on_bytes(ByteView(payload).first(6), kT0).error(), Error::mismatch);
  EXPECT_EQ(pinger.on_bytes(ByteView(payload).subspan(6), kT0).error(), Error::mismatch);
  EXPECT_THROW(pinger.start(rng, kT0), std::logic_error);
}

TEST(Pinger, UnexpectedBytes) {
  crypto::SeededRng rng(4);
  Pinger idle;
  EXPECT_EQ(idle.on_bytes(Bytes{1}, kT0).error(), Error::unexpected_bytes);
  Pinger pinger;
  Bytes payload = pinger.start(rng, kT0);
  payload.push_back(0);
  EXPECT_EQ(pinger.on_bytes(payload, kT0).error(), Error::unexpected_bytes);
}

TEST(Pinger, StartWhileOutstandingIsABug) {
  crypto::SeededRng rng(5);
  Pinger pinger;
  pinger.start(rng, kT0);
  EXPECT_THROW(pinger.start(rng, kT0), std::logic_error);
}

TEST(Responder, EchoesOnlyCompletePayloads) {
  Responder responder;
  Bytes payload(kPayloadSize);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  ASSERT_TRUE(responder.feed(ByteView(payload).first(31)));
  EXPECT_TRUE(responder.take_output().empty());
  EXPECT_EQ(responder.on_eof().error(), Error::truncated);
  ASSERT_TRUE(responder.feed(ByteView(payload).last(1)));
  EXPECT_EQ(responder.take_output(), payload);
  EXPECT_TRUE(responder.on_eof());
}

TEST(Responder, BoundsUnechoedBytes) {
  Responder responder;
  ASSERT_TRUE(responder.feed(Bytes(kMaxUnechoedBytes, 0xaa)));
  EXPECT_EQ(responder.feed(Bytes{0xaa}).error(), Error::flooded);
  EXPECT_EQ(responder.feed(Bytes{}).error(), Error::flooded);  // sticky

  Responder polite;  // the same bytes are fine when the glue flushes in between
  for (std::size_t i = 0; i < 4 * kMaxUnechoedBytes / kPayloadSize; ++i) {
    ASSERT_TRUE(polite.feed(Bytes(kPayloadSize, 0xbb)));
    EXPECT_EQ(polite.take_output().size(), kPayloadSize);
  }
}

RC_GTEST_PROP(Ping, PingerAndResponderAnyChunking, (std::uint64_t seed)) {
  crypto::SeededRng rng(seed);
  Pinger pinger;
  Responder responder;
  TimePoint now = kT0;
  for (int round = 0; round < 3; ++round) {
    Bytes payload = pinger.start(rng, now);
    auto delay = milliseconds(*rc::gen::inRange(1, 5000));
    for (std::size_t pos = 0; pos < payload.size();) {
      auto n = *rc::gen::inRange<std::size_t>(1, payload.size() - pos + 1);
      RC_ASSERT(responder.feed(ByteView(payload).subspan(pos, n)).has_value());
      pos += n;
    }
    Bytes echo = responder.take_output();
    RC_ASSERT(echo == payload);
    std::optional<Duration> rtt;
    for (std::size_t pos = 0; pos < echo.size();) {
      auto n = *rc::gen::inRange<std::size_t>(1, echo.size() - pos + 1);
      pos += n;
      auto r = pinger.on_bytes(ByteView(echo).subspan(pos - n, n), now + delay);
      RC_ASSERT(r.has_value());
      RC_ASSERT(r->has_value() == (pos == echo.size()));
      rtt = *r;
    }
    RC_ASSERT(rtt == Duration(delay));
    now += delay;
  }
  RC_ASSERT(responder.on_eof().has_value());
}

}  // namespace
}  // namespace meshchat::p2p::ping
