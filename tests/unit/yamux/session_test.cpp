#include "p2p/yamux/session.hpp"

#include <gtest/gtest.h>

#include "session_test_util.hpp"

namespace meshchat::p2p::yamux {
namespace {

using namespace std::chrono_literals;
using test::count_events;
using test::frame;
using test::has_event;
using test::hex_frame;
using test::kStart;
using test::Wire;

TEST(YamuxSession, HandshakeBytes) {
  Config big;
  big.initial_window = 1024 * 1024;
  Session client(Role::client, big, kStart);
  Session server(Role::server, {}, kStart);
  // Each side pings at once to measure the RTT.
  EXPECT_EQ(to_hex(client.take_output()), hex_frame(Type::ping, kSyn, 0, 0));
  EXPECT_EQ(to_hex(server.take_output()), hex_frame(Type::ping, kSyn, 0, 0));

  auto id = client.open_stream();
  ASSERT_TRUE(id);
  EXPECT_EQ(id->value, 1u);
  // SYN rides on a WindowUpdate granting our window above 256 KiB.
  EXPECT_EQ(to_hex(client.take_output()), hex_frame(Type::window_update, kSyn, 1, 0x000c0000));
  EXPECT_EQ(client.open_stream()->value, 3u);

  ASSERT_TRUE(server.feed(frame(Type::window_update, kSyn, 1, 0x000c0000), kStart));
  EXPECT_EQ(server.next_event(), Event{StreamOpened{StreamId{1}}});
  EXPECT_EQ(to_hex(server.take_output()), hex_frame(Type::window_update, kAck, 1, 0));
  EXPECT_EQ(server.find_stream(StreamId{1})->send_window, 1024u * 1024u);
  EXPECT_EQ(server.open_stream()->value, 2u);
  EXPECT_EQ(server.open_stream()->value, 4u);
}

TEST(YamuxSession, ExchangesDataBothWays) {
  Wire w;
  auto id = *w.client.session.open_stream();
  EXPECT_EQ(w.client.session.write(id, as_bytes("hello")), 5u);
  w.pump();
  EXPECT_TRUE(has_event(w.server, StreamOpened{id}));
  EXPECT_EQ(as_string(w.server.received[id.value]), "hello");
  EXPECT_EQ(w.server.session.write(id, as_bytes("world")), 5u);
  w.pump();
  EXPECT_EQ(as_string(w.client.received[id.value]), "world");
  EXPECT_FALSE(w.client.session.find_stream(id)->awaiting_ack);
}

TEST(YamuxSession, SplitsWritesIntoFrames) {
  Session client(Role::client, {}, kStart);
  client.take_output();
  auto id = *client.open_stream();
  client.take_output();
  Bytes data(40000, 0x5a);
  EXPECT_EQ(client.write(id, data), 40000u);
  Bytes out = client.take_output();
  ASSERT_EQ(out.size(), 40000u + 3 * kHeaderSize);
  const std::uint32_t lengths[] = {16384, 16384, 7232};
  std::size_t off = 0;
  for (auto len : lengths) {
    auto h = decode(std::span<const std::uint8_t, kHeaderSize>(out.data() + off, kHeaderSize));
    ASSERT_TRUE(h);
    EXPECT_EQ(*h, (Header{Type::data, kNoFlags, id, len}));
    off += kHeaderSize + len;
  }
}

TEST(YamuxSession, WriterBlocksAtWindowUntilConsumed) {
  Wire w;
  w.server.auto_consume = false;
  auto id = *w.client.session.open_stream();
  Bytes big(1024 * 1024, 1);
  EXPECT_EQ(w.client.session.write(id, big), kInitialWindow);
  EXPECT_EQ(w.client.session.write(id, big), 0u);
  w.pump();
  EXPECT_EQ(w.server.received[id.value].size(), kInitialWindow);
  EXPECT_EQ(count_events<StreamWritable>(w.client), 0);

  // Below half the window: nothing is granted yet.
  w.server.session.consumed(id, kInitialWindow / 2 - 1, w.now);
  EXPECT_FALSE(w.server.session.has_output());
  w.server.session.consumed(id, kInitialWindow / 2 + 1, w.now);
  // Both pings were answered at the same instant, so the measured RTT is 0: no doubling.
  EXPECT_EQ(to_hex(w.server.session.take_output()),
            hex_frame(Type::window_update, kNoFlags, id.value, kInitialWindow));
  ASSERT_TRUE(
      w.client.session.feed(frame(Type::window_update, kNoFlags, id.value, kInitialWindow), w.now));
  w.drain(w.client);
  EXPECT_TRUE(has_event(w.client, StreamWritable{id}));
  EXPECT_EQ(w.client.session.find_stream(id)->send_window, kInitialWindow);
  EXPECT_THROW(w.server.session.consumed(id, 1, w.now), std::logic_error);
}

TEST(YamuxSession, MovesMoreThanAWindowWithWritableEvents) {
  Wire w;
  auto id = *w.client.session.open_stream();
  Bytes payload(3 * 1024 * 1024 + 17);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  std::size_t sent = 0;
  int writable = 0;
  for (int round = 0; round < 1000 && sent < payload.size(); ++round) {
    sent += w.client.session.write(id, ByteView(payload).subspan(sent));
    w.pump();
    writable += count_events<StreamWritable>(w.client);
    w.client.events.clear();
  }
  EXPECT_EQ(sent, payload.size());
  EXPECT_GT(writable, 0);
  EXPECT_EQ(w.server.received[id.value], payload);
}

// Each data round trip takes 20 ms, the consumer keeps up: every update comes within 2 RTT
// of the previous one, so the window doubles up to the ceiling and no further.
TEST(YamuxSession, WindowGrowsToMaxUnderSimulatedClock) {
  Wire w;
  w.one_way_delay = 10ms;
  w.pump();  // exchange the first pings
  ASSERT_EQ(w.client.session.rtt(), Duration(20ms));
  auto id = *w.client.session.open_stream();
  w.pump();
  Bytes chunk(1024 * 1024, 0xab);
  std::vector<std::uint32_t> windows{w.server.session.find_stream(id)->recv_window};
  std::size_t total = 0;
  for (int round = 0; round < 400; ++round) {
    total += w.client.session.write(id, chunk);
    w.pump();
    auto window = w.server.session.find_stream(id)->recv_window;
    if (window != windows.back()) windows.push_back(window);
  }
  std::vector<std::uint32_t> expected;
  for (std::uint32_t v = kInitialWindow; v <= 16u * 1024 * 1024; v *= 2) expected.push_back(v);
  EXPECT_EQ(windows, expected);
  EXPECT_EQ(w.server.received[id.value].size(), total);
  // The peer's grants track our window: the sender may hold a full 16 MiB in flight.
  EXPECT_GT(total, 100u * 1024 * 1024);
}

// A consumer that takes each half window 1 s apart is the bottleneck: no growth.
TEST(YamuxSession, SlowConsumerKeepsTheWindow) {
  Wire w;
  w.one_way_delay = 10ms;
  w.pump();
  w.server.auto_consume = false;
  auto id = *w.client.session.open_stream();
  Bytes chunk(64 * 1024, 1);
  for (int round = 0; round < 40; ++round) {
    w.client.session.write(id, chunk);
    w.pump();
    auto& got = w.server.received[id.value];
    w.now += 1s;
    w.server.session.consumed(id, w.server.session.find_stream(id)->unconsumed, w.now);
    got.clear();
  }
  EXPECT_EQ(w.server.session.find_stream(id)->recv_window, kInitialWindow);
}

TEST(YamuxSession, HalfCloseBothWays) {
  Wire w;
  auto id = *w.client.session.open_stream();
  w.client.session.write(id, as_bytes("request"));
  w.client.session.close_write(id);
  w.client.session.close_write(id);  // repeated: harmless
  EXPECT_THROW(w.client.session.write(id, as_bytes("x")), std::logic_error);
  w.pump();
  EXPECT_EQ(as_string(w.server.received[id.value]), "request");
  EXPECT_TRUE(has_event(w.server, StreamRemoteClosed{id}));
  EXPECT_EQ(count_events<StreamClosed>(w.server), 0);
  // The server can still answer on its open half.
  EXPECT_EQ(w.server.session.write(id, as_bytes("response")), 8u);
  w.server.session.close_write(id);
  w.pump();
  EXPECT_EQ(as_string(w.client.received[id.value]), "response");
  EXPECT_TRUE(has_event(w.client, StreamRemoteClosed{id}));
  EXPECT_TRUE(has_event(w.client, StreamClosed{id}));
  EXPECT_TRUE(has_event(w.server, StreamClosed{id}));
  EXPECT_EQ(w.client.session.stream_count(), 0u);
  EXPECT_EQ(w.server.session.stream_count(), 0u);
}

TEST(YamuxSession, ResetEndsTheStreamOnBothSides) {
  Wire w;
  auto a = *w.client.session.open_stream();
  auto b = *w.client.session.open_stream();
  w.client.session.write(a, as_bytes("x"));
  w.pump();
  w.client.session.reset(a);
  EXPECT_EQ(w.client.session.find_stream(a), nullptr);
  EXPECT_EQ(w.client.session.write(a, as_bytes("late")), 0u);  // forgotten stream: no-op
  w.server.session.reset(b);
  w.pump();
  EXPECT_TRUE(has_event(w.server, StreamReset{a}));
  EXPECT_TRUE(has_event(w.client, StreamReset{b}));
  EXPECT_FALSE(has_event(w.client, StreamReset{a}));  // our own reset is not reported
  EXPECT_EQ(w.server.session.stream_count(), 0u);
  EXPECT_EQ(w.client.session.stream_count(), 0u);
  EXPECT_TRUE(w.client.session.status());
}

TEST(YamuxSession, InboundStreamsBeyondLimitAreRefusedWithRst) {
  Config small;
  small.max_streams = 2;
  Wire w({}, small);
  auto s1 = *w.client.session.open_stream();
  auto s3 = *w.client.session.open_stream();
  auto s5 = *w.client.session.open_stream();
  w.client.session.write(s5, as_bytes("dropped"));
  w.pump();
  EXPECT_EQ(count_events<StreamOpened>(w.server), 2);
  EXPECT_TRUE(has_event(w.server, StreamOpened{s1}));
  EXPECT_TRUE(has_event(w.server, StreamOpened{s3}));
  EXPECT_EQ(w.server.received.count(s5.value), 0u);
  EXPECT_TRUE(has_event(w.client, StreamReset{s5}));
  EXPECT_EQ(w.server.session.open_stream().error(), Error::too_many_streams);
  // Closing one frees a slot.
  w.server.session.reset(s1);
  EXPECT_TRUE(w.server.session.open_stream());
}

TEST(YamuxSession, OutboundStreamLimitAndAckBacklog) {
  Config small;
  small.max_streams = 3;
  Session client(Role::client, small, kStart);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.open_stream());
  EXPECT_EQ(client.open_stream().error(), Error::too_many_streams);

  Session c2(Role::client, {}, kStart);
  for (std::size_t i = 0; i < kMaxAckBacklog; ++i) ASSERT_TRUE(c2.open_stream());
  EXPECT_EQ(c2.open_stream().error(), Error::ack_backlog_full);
  ASSERT_TRUE(c2.feed(frame(Type::window_update, kAck, 1, 0), kStart));
  EXPECT_EQ(c2.open_stream()->value, 2 * kMaxAckBacklog + 1);
}

TEST(YamuxSession, PingMeasuresRtt) {
  Wire w;
  w.one_way_delay = 15ms;
  w.pump();
  EXPECT_TRUE(has_event(w.client, PingRtt{30ms}));
  // The harness alternates directions, so the server's pong waits one more hop.
  EXPECT_TRUE(has_event(w.server, PingRtt{45ms}));
  EXPECT_EQ(w.client.session.rtt(), Duration(30ms));

  // Pings are answered with ACK and the same opaque value.
  Session s(Role::server, {}, kStart);
  s.take_output();
  ASSERT_TRUE(s.feed(frame(Type::ping, kSyn, 0, 0xdeadbeef), kStart));
  EXPECT_EQ(to_hex(s.take_output()), "0002000200000000deadbeef");
  // An ACK for a ping we did not send is ignored.
  ASSERT_TRUE(s.feed(frame(Type::ping, kAck, 0, 77), kStart));
  EXPECT_FALSE(s.next_event());
}

TEST(YamuxSession, KeepaliveEveryIntervalAndTimeout) {
  Session s(Role::client, {}, kStart);
  EXPECT_EQ(to_hex(s.take_output()), hex_frame(Type::ping, kSyn, 0, 0));
  EXPECT_EQ(s.next_timer(), kStart + 15s);  // the first ping's deadline
  ASSERT_TRUE(s.feed(frame(Type::ping, kAck, 0, 0), kStart + 40ms));
  EXPECT_EQ(s.next_event(), Event{PingRtt{40ms}});
  EXPECT_EQ(s.next_timer(), kStart + 30s);
  s.on_timer(kStart + 29s);
  EXPECT_FALSE(s.has_output());
  s.on_timer(kStart + 30s);
  EXPECT_EQ(to_hex(s.take_output()), hex_frame(Type::ping, kSyn, 0, 1));
  EXPECT_EQ(s.next_timer(), kStart + 45s);
  s.on_timer(kStart + 45s - 1ms);
  EXPECT_TRUE(s.status());
  s.on_timer(kStart + 45s);
  EXPECT_EQ(s.status().error(), Error::keepalive_timeout);
  EXPECT_EQ(s.next_timer(), std::nullopt);
  EXPECT_EQ(s.feed(frame(Type::ping, kAck, 0, 1), kStart + 46s).error(), Error::keepalive_timeout);
  EXPECT_EQ(s.open_stream().error(), Error::keepalive_timeout);
}

TEST(YamuxSession, GoAwayReceivedStopsNewStreamsOnly) {
  Wire w;
  auto id = *w.client.session.open_stream();
  w.pump();
  w.server.session.go_away(static_cast<std::uint32_t>(GoAwayCode::normal));
  w.server.session.go_away(2);  // only the first is sent
  EXPECT_EQ(to_hex(w.server.session.take_output()), hex_frame(Type::go_away, kNoFlags, 0, 0));
  w.server.session.go_away(0);
  ASSERT_TRUE(w.client.session.feed(frame(Type::go_away, kNoFlags, 0, 0), w.now));
  w.drain(w.client);
  EXPECT_TRUE(has_event(w.client, GoAwayReceived{0}));
  EXPECT_EQ(w.client.session.open_stream().error(), Error::going_away);
  EXPECT_EQ(w.server.session.open_stream().error(), Error::going_away);
  // Existing streams keep working both ways.
  w.client.session.write(id, as_bytes("still"));
  w.server.session.write(id, as_bytes("here"));
  w.pump();
  EXPECT_EQ(as_string(w.server.received[id.value]), "still");
  EXPECT_EQ(as_string(w.client.received[id.value]), "here");
  EXPECT_TRUE(w.client.session.status());
}

TEST(YamuxSession, AfterOurGoAwayInboundSynIsRefused) {
  Wire w;
  auto id = *w.client.session.open_stream();  // crosses the server's GoAway on the wire
  w.client.session.write(id, as_bytes("hi"));
  w.server.session.go_away(0);
  w.pump();
  EXPECT_EQ(count_events<StreamOpened>(w.server), 0);
  EXPECT_TRUE(has_event(w.client, StreamReset{id}));
  EXPECT_TRUE(has_event(w.client, GoAwayReceived{0}));
}

TEST(YamuxSession, DataAfterFinResetsOnlyThatStream) {
  Session s(Role::server, {}, kStart);
  s.take_output();
  Bytes in = frame(Type::data, kSyn | kFin, 1, 2, as_bytes("ab"));
  append(in, frame(Type::data, kNoFlags, 1, 1, as_bytes("c")));
  append(in, frame(Type::ping, kSyn, 0, 5));
  ASSERT_TRUE(s.feed(in, kStart));
  EXPECT_EQ(s.next_event(), Event{StreamOpened{StreamId{1}}});
  EXPECT_EQ(s.next_event(), Event(StreamData{StreamId{1}, to_bytes("ab")}));
  EXPECT_EQ(s.next_event(), Event{StreamRemoteClosed{StreamId{1}}});
  EXPECT_EQ(s.next_event(), Event{StreamReset{StreamId{1}}});
  EXPECT_FALSE(s.next_event());
  EXPECT_EQ(to_hex(s.take_output()), hex_frame(Type::window_update, kAck, 1, 0) +
                                         hex_frame(Type::window_update, kRst, 1, 0) +
                                         hex_frame(Type::ping, kAck, 0, 5));
  EXPECT_TRUE(s.status());
}

TEST(YamuxSession, FramesForUnknownStreamsAreSkipped) {
  Session s(Role::server, {}, kStart);
  s.take_output();
  Bytes in = frame(Type::data, kNoFlags, 9, 3, as_bytes("xyz"));
  append(in, frame(Type::window_update, kFin, 11, 100));
  append(in, frame(Type::ping, kSyn, 0, 1));
  ASSERT_TRUE(s.feed(in, kStart));
  EXPECT_FALSE(s.next_event());
  EXPECT_EQ(to_hex(s.take_output()), hex_frame(Type::ping, kAck, 0, 1));
}

TEST(YamuxSession, RejectsBadConfig) {
  Config c;
  c.initial_window = kInitialWindow - 1;
  EXPECT_THROW(Session(Role::client, c, kStart), std::invalid_argument);
  c = {};
  c.max_stream_window = kInitialWindow;
  c.initial_window = 2 * kInitialWindow;
  EXPECT_THROW(Session(Role::client, c, kStart), std::invalid_argument);
  c = {};
  c.max_frame_payload = 0;
  EXPECT_THROW(Session(Role::client, c, kStart), std::invalid_argument);
}

}  // namespace
}  // namespace meshchat::p2p::yamux
