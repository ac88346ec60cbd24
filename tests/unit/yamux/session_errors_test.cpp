// Peer protocol violations: each fails the session with a documented error and queues a
// GoAway carrying the protocol-error code.
#include <gtest/gtest.h>

#include "p2p/yamux/session.hpp"
#include "session_test_util.hpp"

namespace meshchat::p2p::yamux {
namespace {

using test::frame;
using test::hex_frame;
using test::kStart;

const std::string kGoAwayProtocolError = "000300000000000000000001";

struct Case {
  const char* name;
  Bytes input;
  Error error;
};

void expect_failure(const Case& c) {
  SCOPED_TRACE(c.name);
  Session s(Role::server, {}, kStart);
  s.take_output();
  auto r = s.feed(c.input, kStart);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), c.error);
  std::string out = to_hex(s.take_output());
  ASSERT_GE(out.size(), kGoAwayProtocolError.size());
  EXPECT_EQ(out.substr(out.size() - kGoAwayProtocolError.size()), kGoAwayProtocolError);
  // Sticky: the session stays failed and says nothing more.
  EXPECT_EQ(s.feed(frame(Type::ping, kSyn, 0, 1), kStart).error(), c.error);
  EXPECT_EQ(s.status().error(), c.error);
  EXPECT_FALSE(s.has_output());
  EXPECT_EQ(s.open_stream().error(), c.error);
}

Bytes concat(Bytes a, const Bytes& b) {
  append(a, b);
  return a;
}

TEST(YamuxSessionErrors, MalformedFrames) {
  Bytes bad_version = *from_hex("010000000000000100000000");
  Bytes bad_type = *from_hex("000700000000000100000000");
  const Case cases[] = {
      {"bad version", bad_version, Error::bad_version},
      {"bad type", bad_type, Error::bad_type},
      {"bad type after a good frame", concat(frame(Type::ping, kSyn, 0, 1), bad_type),
       Error::bad_type},
      {"huge data length", frame(Type::data, kNoFlags, 9, 0xffffffff), Error::frame_too_large},
      {"data on stream 0", frame(Type::data, kNoFlags, 0, 0), Error::bad_stream_id},
      {"window update on stream 0", frame(Type::window_update, kSyn, 0, 0), Error::bad_stream_id},
      {"SYN with the server's parity", frame(Type::window_update, kSyn, 2, 0),
       Error::bad_stream_id},
      {"duplicate SYN",
       concat(frame(Type::window_update, kSyn, 1, 0), frame(Type::data, kSyn, 1, 0)),
       Error::duplicate_stream},
      {"send window overflow",
       concat(frame(Type::window_update, kSyn, 1, 0),
              frame(Type::window_update, kNoFlags, 1, 0xffffffff - kInitialWindow + 1)),
       Error::window_overflow},
  };
  for (const auto& c : cases) expect_failure(c);
}

TEST(YamuxSessionErrors, WindowViolation) {
  Bytes payload(kInitialWindow + 1, 0);
  expect_failure({"one byte past the window",
                  frame(Type::data, kSyn, 1, kInitialWindow + 1, payload), Error::window_exceeded});

  // Exactly the window is fine; one more byte in a later frame is not.
  Session s(Role::server, {}, kStart);
  ASSERT_TRUE(s.feed(
      frame(Type::data, kSyn, 1, kInitialWindow, ByteView(payload).first(kInitialWindow)), kStart));
  auto r = s.feed(frame(Type::data, kNoFlags, 1, 1, as_bytes("x")), kStart);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::window_exceeded);
}

// The largest window the send side may reach is exactly 2^32 - 1.
TEST(YamuxSessionErrors, SendWindowUpToLimitIsFine) {
  Session s(Role::server, {}, kStart);
  ASSERT_TRUE(s.feed(frame(Type::window_update, kSyn, 1, 0xffffffff - kInitialWindow), kStart));
  EXPECT_EQ(s.find_stream(StreamId{1})->send_window, 0xffffffffu);
}

// Ping and GoAway on a non-zero stream break a "should", not a "must": tolerated.
TEST(YamuxSessionErrors, SessionFramesOnOtherStreamsAreTolerated) {
  Session s(Role::server, {}, kStart);
  s.take_output();
  ASSERT_TRUE(s.feed(frame(Type::ping, kSyn, 3, 9), kStart));
  EXPECT_EQ(to_hex(s.take_output()), hex_frame(Type::ping, kAck, 0, 9));
  ASSERT_TRUE(s.feed(frame(Type::go_away, kNoFlags, 3, 2), kStart));
  EXPECT_EQ(s.next_event(), Event{GoAwayReceived{2}});
}

TEST(YamuxSessionErrors, UnknownFlagsAreIgnored) {
  Session s(Role::server, {}, kStart);
  s.take_output();
  ASSERT_TRUE(
      s.feed(frame(Type::data, kSyn | Flags{0x10} | Flags{0x8000}, 1, 1, as_bytes("z")), kStart));
  EXPECT_EQ(s.next_event(), Event{StreamOpened{StreamId{1}}});
  EXPECT_EQ(s.next_event(), Event(StreamData{StreamId{1}, to_bytes("z")}));
}

}  // namespace
}  // namespace meshchat::p2p::yamux
