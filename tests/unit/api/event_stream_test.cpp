// The WebSocket event stream over real sockets: access rules on the upgrade, ordered delivery,
// the bounded queue that drops a client which stops reading, and stop() with a close frame.
#include <gtest/gtest.h>

#include "server_harness.hpp"

namespace meshchat::api {
namespace {

using namespace testing;
using nlohmann::json;

// Publishes `count` events {"seq": first + i} on the io thread.
void publish_range(ServerHarness& harness, int first, int count) {
  harness.on_io([&] {
    for (int i = 0; i < count; ++i) harness.events().publish(json{{"seq", first + i}});
  });
}

bool wait_for_subscribers(ServerHarness& harness, std::size_t count) {
  return harness.wait_on_io([&] { return harness.events().subscribers() == count; });
}

TEST(EventStream, DeliversPublishedEventsInOrder) {
  ServerHarness harness;
  auto port = harness.start();
  RawWebSocket first(port);
  RawWebSocket second(port);
  ASSERT_FALSE(first.handshake("/v1/events", kToken));
  ASSERT_FALSE(second.handshake("/v1/events", kToken));
  EXPECT_EQ(first.response().result_int(), 101u);
  ASSERT_TRUE(wait_for_subscribers(harness, 2));
  publish_range(harness, 0, 200);
  for (auto* socket : {&first, &second}) {
    for (int i = 0; i < 200; ++i) {
      std::string message;
      ASSERT_FALSE(socket->read(message)) << i;
      EXPECT_EQ(json::parse(message), (json{{"seq", i}}));
    }
  }
}

TEST(EventStream, UpgradeWithoutTokenIs401) {
  ServerHarness harness;
  auto port = harness.start();
  RawWebSocket socket(port);
  EXPECT_EQ(socket.handshake("/v1/events", ""), websocket::error::upgrade_declined);
  EXPECT_EQ(socket.response().result_int(), 401u);
  RawWebSocket wrong(port);
  EXPECT_TRUE(wrong.handshake("/v1/events?token=nope", ""));
  EXPECT_EQ(wrong.response().result_int(), 401u);
  EXPECT_EQ(harness.on_io([&] { return harness.events().subscribers(); }), 0u);
}

TEST(EventStream, TokenAsQueryParameterForBrowsers) {
  ServerHarness harness;
  auto port = harness.start();
  RawWebSocket socket(port);
  std::string origin = "http://localhost:" + std::to_string(port);
  ASSERT_FALSE(socket.handshake(std::string("/v1/events?token=") + kToken, "", origin));
  ASSERT_TRUE(wait_for_subscribers(harness, 1));
  publish_range(harness, 7, 1);
  std::string message;
  ASSERT_FALSE(socket.read(message));
  EXPECT_EQ(json::parse(message), (json{{"seq", 7}}));
}

TEST(EventStream, UpgradeWithForeignOriginIs403) {
  ServerHarness harness;
  auto port = harness.start();
  for (std::string origin :
       {std::string("http://evil.example"), "http://127.0.0.1:" + std::to_string(port + 1)}) {
    RawWebSocket socket(port);
    EXPECT_TRUE(socket.handshake(std::string("/v1/events?token=") + kToken, kToken, origin));
    EXPECT_EQ(socket.response().result_int(), 403u) << origin;
  }
}

TEST(EventStream, UpgradeElsewhereIs404AndPlainGetIs426) {
  ServerHarness harness;
  auto port = harness.start();
  RawWebSocket socket(port);
  EXPECT_TRUE(socket.handshake("/v1/ping", kToken));
  EXPECT_EQ(socket.response().result_int(), 404u);
  RawConnection plain(port);
  auto response = plain.exchange(make_request(http::verb::get, "/v1/events"));
  EXPECT_EQ(response.result_int(), 426u);
  EXPECT_EQ(response[http::field::upgrade], "websocket");
}

TEST(EventStream, IgnoresClientMessages) {
  ServerHarness harness;
  auto port = harness.start();
  RawWebSocket socket(port);
  ASSERT_FALSE(socket.handshake("/v1/events", kToken));
  ASSERT_TRUE(wait_for_subscribers(harness, 1));
  // RawWebSocket has no write; a second, raw stream shows the server survives a text frame.
  asio::io_context io;
  websocket::stream<beast::tcp_stream> talker(io);
  beast::get_lowest_layer(talker).connect({asio::ip::address_v4::loopback(), port});
  talker.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
    r.set(http::field::authorization, std::string("Bearer ") + kToken);
  }));
  talker.handshake("127.0.0.1:" + std::to_string(port), "/v1/events");
  talker.write(asio::buffer(std::string(R"({"please":"ignore"})")));
  ASSERT_TRUE(wait_for_subscribers(harness, 2));
  publish_range(harness, 1, 1);
  beast::flat_buffer buffer;
  talker.read(buffer);
  EXPECT_EQ(json::parse(beast::buffers_to_string(buffer.data())), (json{{"seq", 1}}));
  std::string message;
  ASSERT_FALSE(socket.read(message));
  EXPECT_EQ(json::parse(message), (json{{"seq", 1}}));
  talker.close(websocket::close_code::normal);
  EXPECT_TRUE(wait_for_subscribers(harness, 1));
}

TEST(EventStream, SlowSubscriberIsDroppedWithBoundedQueue) {
  constexpr int kLimit = 10'000;
  constexpr int kPublished = 50'000;
  ServerHarness harness;  // default limits: 10,000 events
  auto port = harness.start();
  RawWebSocket socket(port);
  ASSERT_FALSE(socket.handshake("/v1/events", kToken));
  ASSERT_TRUE(wait_for_subscribers(harness, 1));

  // The client reads nothing while the burst is published. A local subscriber that never
  // reads either shows the queue bound directly.
  struct Observed {
    std::size_t max_queued = 0;
    std::size_t subscribers_at_limit = 0;
    std::size_t subscribers_past_limit = 0;
    bool local_dropped = false;
    std::size_t local_queued = 0;
  };
  auto observed = harness.on_io([&] {
    Observed out;
    auto local = harness.events().subscribe();
    for (int i = 0; i < kPublished; ++i) {
      harness.events().publish(json{{"seq", i}});
      out.max_queued = std::max(out.max_queued, local->queued_events());
      if (i == kLimit - 1) out.subscribers_at_limit = harness.events().subscribers();
      if (i == kLimit) out.subscribers_past_limit = harness.events().subscribers();
    }
    out.local_dropped = local->dropped();
    out.local_queued = local->queued_events();
    return out;
  });
  EXPECT_EQ(observed.max_queued, std::size_t(kLimit));
  EXPECT_EQ(observed.subscribers_at_limit, 2u);
  EXPECT_EQ(observed.subscribers_past_limit, 0u);  // both dropped at the first event past it
  EXPECT_TRUE(observed.local_dropped);
  EXPECT_EQ(observed.local_queued, std::size_t(kLimit));

  // The client still gets what was queued before the drop, in order, then 1008 "too slow".
  int received = 0;
  std::string message;
  boost::system::error_code error;
  while (!(error = socket.read(message))) {
    ASSERT_EQ(json::parse(message), (json{{"seq", received}}));
    ++received;
  }
  EXPECT_EQ(received, kLimit);
  EXPECT_EQ(error, websocket::error::closed) << error.message();
  EXPECT_EQ(socket.reason().code, websocket::close_code::policy_error);
  EXPECT_EQ(socket.reason().reason, "too slow");
  EXPECT_TRUE(harness.wait_on_io([&] { return harness.server().connections() == 0; }));
}

TEST(EventStream, StopSendsGoingAway) {
  ServerHarness harness;
  auto port = harness.start();
  RawWebSocket socket(port);
  ASSERT_FALSE(socket.handshake("/v1/events", kToken));
  ASSERT_TRUE(wait_for_subscribers(harness, 1));
  auto reader = std::async(std::launch::async, [&] {
    std::string message;
    return socket.read(message);
  });
  ASSERT_TRUE(harness.stop_and_join());
  ASSERT_EQ(reader.wait_for(kTestTimeout), std::future_status::ready);
  EXPECT_EQ(reader.get(), websocket::error::closed);
  EXPECT_EQ(socket.reason().code, websocket::close_code::going_away);
  EXPECT_EQ(harness.events().subscribers(), 0u);
}

TEST(EventStream, StopCutsAClientThatDoesNotAnswerTheClose) {
  ServerHarness harness;
  auto port = harness.start();
  RawWebSocket socket(port);
  ASSERT_FALSE(socket.handshake("/v1/events", kToken));
  ASSERT_TRUE(wait_for_subscribers(harness, 1));
  // Nobody reads on the client side, so the close handshake cannot finish: run() still returns.
  ASSERT_TRUE(harness.stop_and_join());
  std::string message;
  EXPECT_TRUE(socket.read(message));
  EXPECT_EQ(socket.reason().code, websocket::close_code::going_away);
}

}  // namespace
}  // namespace meshchat::api
