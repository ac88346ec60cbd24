// The CLI's Client against a real server: discovery through api.json, requests and statuses,
// connection reuse, timeouts, not-running detection and following the event stream.
#include "api/client.hpp"

#include <gtest/gtest.h>

#include "api/error.hpp"
#include "server_harness.hpp"

namespace meshchat::api {
namespace {

using namespace testing;
using nlohmann::json;

TEST(Client, RequestsThroughApiFile) {
  ServerHarness harness;
  harness.start();
  auto client = Client::connect(harness.home());
  ASSERT_TRUE(client) << client.error().message();
  auto pong = client->request(http::verb::get, "/v1/ping");
  ASSERT_TRUE(pong) << pong.error().message();
  EXPECT_EQ(pong->status, 200u);
  EXPECT_EQ(pong->body, (json{{"pong", true}}));

  auto echo = client->request(http::verb::post, "/v1/echo", json{{"text", "hi"}});
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->body["body"], (json{{"text", "hi"}}));

  std::string name = "a b?&#%\xc3\xa9";
  auto encoded = client->request(
      http::verb::get, with_query("/v1/echo/" + encode_component(name), {{"q", "x y+z"}}));
  ASSERT_TRUE(encoded);
  EXPECT_EQ(encoded->body["params"]["name"], name);
  EXPECT_EQ(encoded->body["query"]["q"], "x y+z");
  // All of that went over one connection.
  EXPECT_EQ(harness.on_io([&] { return harness.server().connections(); }), 1u);
}

TEST(Client, ReportsErrorStatusesWithTheirBodies) {
  ServerHarness harness;
  harness.start();
  auto client = Client::connect(harness.home());
  ASSERT_TRUE(client);
  auto missing = client->request(http::verb::get, "/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404u);
  EXPECT_EQ(missing->body, (json{{"error", "not found"}}));
  auto failed = client->request(http::verb::get, "/v1/throw");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500u);
  auto fine = client->request(http::verb::get, "/v1/ping");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200u);
}

TEST(Client, WrongTokenIs401) {
  ServerHarness harness;
  auto port = harness.start();
  auto client = Client::connect(ApiEndpoint{port, "not-the-token"});
  ASSERT_TRUE(client);
  auto response = client->request(http::verb::get, "/v1/ping");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401u);
  // The server closed after the refusal; the next request opens a new connection.
  response = client->request(http::verb::get, "/v1/ping");
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 401u);
}

TEST(Client, ReconnectsAfterTheServerClosedAnIdleConnection) {
  ServerConfig config;
  config.idle_timeout = std::chrono::seconds(1);
  ServerHarness harness(config);
  harness.start();
  auto client = Client::connect(harness.home());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->request(http::verb::get, "/v1/ping"));
  ASSERT_TRUE(harness.wait_on_io([&] { return harness.server().connections() == 0; }));
  auto response = client->request(http::verb::get, "/v1/ping");
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200u);
}

TEST(Client, MissingApiFileIsNotRunning) {
  TempHome home;
  auto client = Client::connect(home.path());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error(), ApiError::not_running);
}

TEST(Client, StaleApiFileIsNotRunning) {
  TempHome home;
  std::uint16_t port = 0;
  {
    // A port that was free a moment ago and has no listener now.
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, {asio::ip::address_v4::loopback(), 0});
    port = probe.local_endpoint().port();
  }
  ASSERT_TRUE(write_api_file(home.path(), ApiEndpoint{port, "t"}));
  auto client = Client::connect(home.path());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error(), ApiError::not_running);
}

TEST(Client, Timeout) {
  ServerHarness harness;
  harness.start();
  auto client = Client::connect(harness.home());
  ASSERT_TRUE(client);
  client->set_timeout(std::chrono::milliseconds(200));
  auto response = client->request(http::verb::get, "/v1/slow");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), ApiError::timeout);
}

TEST(Client, WatchReceivesEventsUntilTheCallbackStops) {
  ServerHarness harness;
  harness.start();
  auto client = Client::connect(harness.home());
  ASSERT_TRUE(client);
  std::vector<json> seen;
  auto watcher = std::async(std::launch::async, [&] {
    return client->watch([&](const json& event) {
      seen.push_back(event);
      return seen.size() < 3;
    });
  });
  ASSERT_TRUE(harness.wait_on_io([&] { return harness.events().subscribers() == 1; }));
  harness.on_io([&] {
    for (int i = 0; i < 5; ++i) harness.events().publish(json{{"seq", i}});
  });
  ASSERT_EQ(watcher.wait_for(kTestTimeout), std::future_status::ready);
  auto result = watcher.get();
  EXPECT_TRUE(result) << result.error().message();
  EXPECT_EQ(seen, (std::vector<json>{{{"seq", 0}}, {{"seq", 1}}, {{"seq", 2}}}));
  EXPECT_TRUE(harness.wait_on_io([&] { return harness.events().subscribers() == 0; }));
}

TEST(Client, WatchEndsWhenTheDaemonStops) {
  ServerHarness harness;
  harness.start();
  auto client = Client::connect(harness.home());
  ASSERT_TRUE(client);
  auto watcher = std::async(std::launch::async,
                            [&] { return client->watch([](const json&) { return true; }); });
  ASSERT_TRUE(harness.wait_on_io([&] { return harness.events().subscribers() == 1; }));
  ASSERT_TRUE(harness.stop_and_join());
  ASSERT_EQ(watcher.wait_for(kTestTimeout), std::future_status::ready);
  auto result = watcher.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), ApiError::disconnected);
}

TEST(Client, WatchWithWrongTokenIsUnauthorized) {
  ServerHarness harness;
  auto port = harness.start();
  auto client = Client::connect(ApiEndpoint{port, "nope"});
  ASSERT_TRUE(client);
  auto result = client->watch([](const json&) { return true; });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), ApiError::unauthorized);
}

}  // namespace
}  // namespace meshchat::api
