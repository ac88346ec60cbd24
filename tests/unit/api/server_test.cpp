// The API server over real sockets on 127.0.0.1: tokens, origins, Host, HEAD, routing errors, body
// parsing and limits, target decoding, keep-alive, handler failures, connection limits,
// timeouts and start-up refusals.
#include "api/server.hpp"

#include <gtest/gtest.h>

#include "api/error.hpp"
#include "server_harness.hpp"

namespace meshchat::api {
namespace {

using namespace testing;
using nlohmann::json;

json body_of(const http::response<http::string_body>& response) {
  return json::parse(response.body());
}

TEST(Server, AnswersWithToken) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  auto response = connection.exchange(make_request(http::verb::get, "/v1/ping"));
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response.count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(body_of(response), (json{{"pong", true}}));
}

TEST(Server, RefusesMissingOrWrongToken) {
  ServerHarness harness;
  auto port = harness.start();
  for (const char* token : {"", "wrong-token", "test-token-012345678", "test-token-01234567890"}) {
    RawConnection connection(port);
    auto response = connection.exchange(make_request(http::verb::get, "/v1/ping", token));
    EXPECT_EQ(response.result_int(), 401u) << token;
    EXPECT_EQ(body_of(response)["error"], "missing or wrong bearer token");
    EXPECT_FALSE(response.keep_alive());
  }
  // Another scheme, or the token as a query parameter on plain HTTP, does not count either.
  RawConnection basic(port);
  auto request = make_request(http::verb::get, "/v1/ping", "");
  request.set(http::field::authorization, std::string("Basic ") + kToken);
  EXPECT_EQ(basic.exchange(request).result_int(), 401u);
  RawConnection query(port);
  EXPECT_EQ(
      query.exchange(make_request(http::verb::get, std::string("/v1/ping?token=") + kToken, ""))
          .result_int(),
      401u);
}

TEST(Server, RefusedRequestWithBodyStillGetsItsAnswer) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  std::string body = R"({"s":")" + std::string(200'000, 'x') + R"("})";
  auto response = connection.exchange(make_request(http::verb::post, "/v1/echo", "", body));
  EXPECT_EQ(response.result_int(), 401u);
}

TEST(Server, OriginRule) {
  ServerHarness harness;
  auto port = harness.start();
  auto suffix = ":" + std::to_string(port);
  for (std::string origin : {"http://127.0.0.1" + suffix, "http://localhost" + suffix}) {
    RawConnection connection(port);
    auto response =
        connection.exchange(make_request(http::verb::get, "/v1/ping", kToken, "", origin));
    EXPECT_EQ(response.result_int(), 200u) << origin;
  }
  for (std::string origin :
       {std::string("http://evil.example"), std::string("http://127.0.0.1:1"),
        "https://127.0.0.1" + suffix, std::string("null"), "http://localhost" + suffix + "/"}) {
    RawConnection connection(port);
    auto response =
        connection.exchange(make_request(http::verb::get, "/v1/ping", kToken, "", origin));
    EXPECT_EQ(response.result_int(), 403u) << origin;
    EXPECT_EQ(body_of(response), (json{{"error", "origin not allowed"}}));
  }
}

TEST(Server, NotFoundAndMethodNotAllowed) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  auto missing = connection.exchange(make_request(http::verb::get, "/v1/nothing"));
  EXPECT_EQ(missing.result_int(), 404u);
  EXPECT_EQ(body_of(missing), (json{{"error", "not found"}}));
  auto wrong = connection.exchange(make_request(http::verb::delete_, "/v1/ping"));
  EXPECT_EQ(wrong.result_int(), 405u);
  EXPECT_EQ(wrong[http::field::allow], "GET, HEAD");
  // Routing errors keep the connection.
  EXPECT_EQ(connection.exchange(make_request(http::verb::get, "/v1/ping")).result_int(), 200u);
}

TEST(Server, HostRule) {
  ServerHarness harness;
  auto port = harness.start();
  auto suffix = ":" + std::to_string(port);
  for (std::string host : {"127.0.0.1" + suffix, "localhost" + suffix, "LocalHost" + suffix}) {
    RawConnection connection(port);
    auto request = make_request(http::verb::get, "/v1/ping");
    request.set(http::field::host, host);
    EXPECT_EQ(connection.exchange(request).result_int(), 200u) << host;
  }
  // A page served from a rebound DNS name reaches the port with its own name as Host.
  for (std::string host :
       {"rebound.example" + suffix, std::string("127.0.0.1"), std::string("localhost"),
        std::string("127.0.0.1:1"), "127.0.0.1" + suffix + "0", "localhost" + suffix + ".evil",
        "[::1]" + suffix, std::string("")}) {
    for (const char* token : {kToken, ""}) {
      RawConnection connection(port);
      auto request = make_request(http::verb::get, "/v1/ping", token);
      request.set(http::field::host, host);
      auto response = connection.exchange(request);
      EXPECT_EQ(response.result_int(), 403u) << host;
      EXPECT_EQ(body_of(response), (json{{"error", "host not allowed"}})) << host;
    }
  }
  std::string authorization = "Authorization: Bearer " + std::string(kToken) + "\r\n";
  for (std::string hosts :
       {std::string(""), "Host: 127.0.0.1" + suffix + "\r\nHost: 127.0.0.1" + suffix + "\r\n"}) {
    RawConnection connection(port);
    ASSERT_FALSE(
        connection.write_bytes("GET /v1/ping HTTP/1.1\r\n" + hosts + authorization + "\r\n"));
    http::response<http::string_body> response;
    ASSERT_FALSE(connection.read(response));
    EXPECT_EQ(response.result_int(), 400u) << hosts;
    EXPECT_TRUE(body_of(response)["error"].get<std::string>().find("Host header") !=
                std::string::npos)
        << response.body();
  }
  // The WebSocket upgrade goes through the same check.
  RawConnection upgrade(port);
  ASSERT_FALSE(upgrade.write_bytes(
      "GET /v1/events HTTP/1.1\r\nHost: rebound.example" + suffix + "\r\n" + authorization +
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
  http::response<http::string_body> refused;
  ASSERT_FALSE(upgrade.read(refused));
  EXPECT_EQ(refused.result_int(), 403u);
}

TEST(Server, HeadIsGetWithoutBody) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  auto get = connection.exchange(make_request(http::verb::get, "/v1/echo/x?q=1"));
  ASSERT_EQ(get.result_int(), 200u);
  ASSERT_FALSE(get.body().empty());

  auto head_request = make_request(http::verb::head, "/v1/echo/x?q=1");
  ASSERT_FALSE(connection.write(head_request));
  http::response<http::string_body> head;
  ASSERT_FALSE(connection.read(head, true));
  EXPECT_EQ(head.result_int(), 200u);
  EXPECT_EQ(head[http::field::content_length], std::to_string(get.body().size()));
  EXPECT_EQ(head[http::field::content_type], "application/json");
  EXPECT_TRUE(head.keep_alive());
  EXPECT_EQ(connection.buffered(), 0u);
  // Nothing followed the header: the next answer on the connection parses cleanly.
  auto after = connection.exchange(make_request(http::verb::get, "/v1/ping"));
  EXPECT_EQ(after.result_int(), 200u);
  EXPECT_EQ(body_of(after), (json{{"pong", true}}));

  struct Case {
    std::string target;
    std::string token;
    unsigned status;
  };
  for (const auto& [target, token, status] : std::vector<Case>{{"/v1/nothing", kToken, 404u},
                                                               {"/v1/echo", kToken, 405u},
                                                               {"/v1/events", kToken, 426u},
                                                               {"/v1/ping", "", 401u}}) {
    RawConnection other(port);
    auto request = make_request(http::verb::head, target, token);
    ASSERT_FALSE(other.write(request));
    http::response<http::string_body> response;
    ASSERT_FALSE(other.read(response, true)) << target;
    EXPECT_EQ(response.result_int(), status) << target;
    EXPECT_NE(response[http::field::content_length], "0") << target;
    EXPECT_EQ(other.buffered(), 0u) << target;
    if (status == 405u) {
      EXPECT_EQ(response[http::field::allow], "POST, PUT");
    }
  }
}

TEST(Server, MalformedJsonIs400) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  auto response = connection.exchange(make_request(http::verb::post, "/v1/echo", kToken, "{oops"));
  EXPECT_EQ(response.result_int(), 400u);
  auto error = body_of(response)["error"].get<std::string>();
  EXPECT_EQ(error.rfind("malformed JSON: ", 0), 0u) << error;
  auto overflow =
      connection.exchange(make_request(http::verb::post, "/v1/echo", kToken, R"({"n":1e999})"));
  EXPECT_EQ(overflow.result_int(), 400u);
  auto array = connection.exchange(make_request(http::verb::put, "/v1/echo", kToken, "[1,2]"));
  EXPECT_EQ(array.result_int(), 400u);
  EXPECT_EQ(body_of(array)["error"], "request body must be a JSON object");
  auto good = connection.exchange(make_request(http::verb::post, "/v1/echo", kToken, R"({"a":1})"));
  EXPECT_EQ(good.result_int(), 200u);
  EXPECT_EQ(body_of(good)["body"], (json{{"a", 1}}));
  auto empty = connection.exchange(make_request(http::verb::post, "/v1/echo"));
  EXPECT_EQ(empty.result_int(), 200u);
  EXPECT_TRUE(body_of(empty)["body"].is_null());
}

TEST(Server, BodyLimitIs413) {
  ServerConfig config;
  config.max_body_bytes = 1024;
  ServerHarness harness(config);
  auto port = harness.start();
  auto body_of_size = [](std::size_t size) {
    return R"({"s":")" + std::string(size - 8, 'x') + R"("})";
  };
  ASSERT_EQ(body_of_size(1024).size(), 1024u);
  RawConnection fits(port);
  EXPECT_EQ(fits.exchange(make_request(http::verb::post, "/v1/echo", kToken, body_of_size(1024)))
                .result_int(),
            200u);

  RawConnection too_big(port);
  auto response =
      too_big.exchange(make_request(http::verb::post, "/v1/echo", kToken, body_of_size(1025)));
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(body_of(response), (json{{"error", "request body too large"}}));
  EXPECT_FALSE(response.keep_alive());

  // Without a Content-Length up front, the limit applies while the chunks arrive.
  RawConnection chunked(port);
  auto request = make_request(http::verb::post, "/v1/echo", kToken, body_of_size(5000));
  request.chunked(true);
  EXPECT_EQ(chunked.exchange(request).result_int(), 413u);
}

TEST(Server, DecodesPathParametersAndQuery) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  auto response = connection.exchange(
      make_request(http::verb::get, "/v1/echo/a%20b+c%C3%A9?q=hello+world%21&amp=%26%3D&flag"));
  ASSERT_EQ(response.result_int(), 200u);
  auto body = body_of(response);
  EXPECT_EQ(body["path"], "/v1/echo/a b+c\xc3\xa9");
  EXPECT_EQ(body["params"], (json{{"name", "a b+c\xc3\xa9"}}));
  EXPECT_EQ(body["query"], (json{{"amp", "&="}, {"flag", ""}, {"q", "hello world!"}}));
  EXPECT_TRUE(body["body"].is_null());
}

TEST(Server, MalformedTargetIs400) {
  ServerHarness harness;
  auto port = harness.start();
  for (const char* target : {"/v1/echo/%zz", "/v1/echo/a%2Fb", "/v1/echo/%00"}) {
    RawConnection connection(port);
    auto response = connection.exchange(make_request(http::verb::get, target));
    EXPECT_EQ(response.result_int(), 400u) << target;
    EXPECT_EQ(body_of(response), (json{{"error", "malformed request target"}}));
  }
}

TEST(Server, MalformedHttpIs400) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  ASSERT_FALSE(connection.write_bytes("GET /v1/ping HTTP/1.1\r\nBad Header\r\n\r\n"));
  http::response<http::string_body> response;
  ASSERT_FALSE(connection.read(response));
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(body_of(response), (json{{"error", "malformed HTTP request"}}));
  EXPECT_TRUE(connection.closed_by_peer());
}

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  for (int i = 0; i < 5; ++i) {
    auto response =
        connection.exchange(make_request(http::verb::get, "/v1/echo/n" + std::to_string(i)));
    ASSERT_EQ(response.result_int(), 200u);
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(body_of(response)["params"]["name"], "n" + std::to_string(i));
  }
  EXPECT_EQ(harness.on_io([&] { return harness.server().connections(); }), 1u);
  // "Connection: close" is honoured.
  auto request = make_request(http::verb::get, "/v1/ping");
  request.keep_alive(false);
  auto last = connection.exchange(request);
  EXPECT_FALSE(last.keep_alive());
  EXPECT_TRUE(connection.closed_by_peer());
}

TEST(Server, ExpectContinue) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  std::string body = R"({"k":"v"})";
  std::string head = "POST /v1/echo HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nAuthorization: Bearer " + std::string(kToken) +
                     "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nExpect: 100-continue\r\n\r\n";
  ASSERT_FALSE(connection.write_bytes(head));
  http::response<http::string_body> interim;
  ASSERT_FALSE(connection.read(interim));
  EXPECT_EQ(interim.result_int(), 100u);
  ASSERT_FALSE(connection.write_bytes(body));
  http::response<http::string_body> final_response;
  ASSERT_FALSE(connection.read(final_response));
  EXPECT_EQ(final_response.result_int(), 200u);
  EXPECT_EQ(body_of(final_response)["body"], (json{{"k", "v"}}));
}

TEST(Server, HandlerExceptionIs500AndServerKeepsServing) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection connection(port);
  auto failed = connection.exchange(make_request(http::verb::get, "/v1/throw"));
  EXPECT_EQ(failed.result_int(), 500u);
  EXPECT_EQ(body_of(failed), (json{{"error", "internal error"}}));
  EXPECT_EQ(connection.exchange(make_request(http::verb::get, "/v1/ping")).result_int(), 200u);
  RawConnection another(port);
  EXPECT_EQ(another.exchange(make_request(http::verb::get, "/v1/ping")).result_int(), 200u);
}

TEST(Server, ConnectionLimit) {
  ServerConfig config;
  config.max_connections = 2;
  ServerHarness harness(config);
  auto port = harness.start();
  std::optional<RawConnection> first(std::in_place, port);
  RawConnection second(port);
  ASSERT_EQ(first->exchange(make_request(http::verb::get, "/v1/ping")).result_int(), 200u);
  ASSERT_EQ(second.exchange(make_request(http::verb::get, "/v1/ping")).result_int(), 200u);
  RawConnection third(port);
  EXPECT_TRUE(third.closed_by_peer());
  first.reset();
  ASSERT_TRUE(harness.wait_on_io([&] { return harness.server().connections() < 2; }));
  RawConnection fourth(port);
  EXPECT_EQ(fourth.exchange(make_request(http::verb::get, "/v1/ping")).result_int(), 200u);
}

TEST(Server, IdleConnectionIsClosed) {
  ServerConfig config;
  config.idle_timeout = std::chrono::seconds(1);
  ServerHarness harness(config);
  auto port = harness.start();
  RawConnection connection(port);
  EXPECT_TRUE(connection.closed_by_peer());  // well before kTestTimeout
}

TEST(Server, StopClosesEverythingAndRunReturns) {
  ServerHarness harness;
  auto port = harness.start();
  RawConnection idle(port);
  ASSERT_EQ(idle.exchange(make_request(http::verb::get, "/v1/ping")).result_int(), 200u);
  RawConnection fresh(port);  // accepted, no request yet
  ASSERT_TRUE(harness.wait_on_io([&] { return harness.server().connections() == 2; }));
  ASSERT_TRUE(harness.stop_and_join());
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_TRUE(fresh.closed_by_peer());
  // Nothing listens any more.
  EXPECT_THROW(RawConnection again(port), std::runtime_error);
}

TEST(Server, StartRefusesBadConfig) {
  asio::io_context io;
  Router router;
  EventHub events;
  for (const char* address : {"0.0.0.0", "192.168.1.10", "::", "not an address", ""}) {
    ServerConfig config;
    config.address = address;
    config.token = "t";
    Server server(io.get_executor(), config, router, events);
    auto started = server.start();
    ASSERT_FALSE(started) << address;
    EXPECT_EQ(started.error(), ApiError::not_loopback) << address;
  }
  Server no_token(io.get_executor(), ServerConfig{}, router, events);
  auto started = no_token.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error(), ApiError::empty_token);
}

TEST(Server, StartTwiceIsABug) {
  asio::io_context io;
  Router router;
  EventHub events;
  ServerConfig config;
  config.token = "t";
  Server server(io.get_executor(), config, router, events);
  ASSERT_TRUE(server.start());
  EXPECT_THROW((void)server.start(), std::logic_error);
  server.stop();
  io.run();  // returns: nothing is left running
}

}  // namespace
}  // namespace meshchat::api
