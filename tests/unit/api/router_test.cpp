// Router: pattern matching, captures, literal-before-capture precedence, 404/405 with Allow,
// HEAD served by GET routes, handler exceptions as 500, and refusal of malformed or duplicate
// patterns.
#include "api/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <stdexcept>

namespace meshchat::api {
namespace {

namespace asio = boost::asio;
using boost::beast::http::verb;

// A handler answering with its name and the request's params, to see which route ran.
Handler named(std::string name) {
  struct Named {
    std::string name;
    asio::awaitable<Response> operator()(Request request) const {
      Response response;
      response.body = {{"route", name}, {"params", request.params}};
      co_return response;
    }
  };
  return Named{std::move(name)};
}

asio::awaitable<Response> throwing_handler(Request) {
  throw std::runtime_error("boom");
  co_return Response{};
}

asio::awaitable<Response> throwing_int_handler(Request) {
  throw 42;
  co_return Response{};
}

Response run(const Router& router, verb method, std::string path) {
  asio::io_context io;
  Request request;
  request.method = method;
  request.path = std::move(path);
  auto future = asio::co_spawn(io, router.dispatch(std::move(request)), asio::use_future);
  io.run();
  return future.get();
}

Router sample_router() {
  Router router;
  router.add(verb::get, "/v1/contacts", named("list"));
  router.add(verb::post, "/v1/contacts", named("add"));
  router.add(verb::get, "/v1/contacts/{peer}", named("get"));
  router.add(verb::get, "/v1/contacts/me", named("me"));
  router.add(verb::delete_, "/v1/contacts/{peer}", named("delete"));
  router.add(verb::get, "/v1/conversations/{id}/messages/{message}", named("message"));
  router.add(verb::get, "/", named("root"));
  return router;
}

TEST(Router, DispatchesByMethodAndPath) {
  auto router = sample_router();
  EXPECT_EQ(run(router, verb::get, "/v1/contacts").body["route"], "list");
  EXPECT_EQ(run(router, verb::post, "/v1/contacts").body["route"], "add");
  EXPECT_EQ(run(router, verb::get, "/").body["route"], "root");
}

TEST(Router, CapturesSegments) {
  auto router = sample_router();
  auto response = run(router, verb::get, "/v1/conversations/c 1/messages/m+2");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body["route"], "message");
  EXPECT_EQ(response.body["params"], (nlohmann::json{{"id", "c 1"}, {"message", "m+2"}}));
  EXPECT_EQ(run(router, verb::delete_, "/v1/contacts/QmPeer").body["params"]["peer"], "QmPeer");
}

TEST(Router, LiteralBeatsCapture) {
  auto router = sample_router();
  EXPECT_EQ(run(router, verb::get, "/v1/contacts/me").body["route"], "me");
  EXPECT_EQ(run(router, verb::get, "/v1/contacts/mee").body["route"], "get");
  // The literal only exists for GET: DELETE of "me" still reaches the capture.
  EXPECT_EQ(run(router, verb::delete_, "/v1/contacts/me").body["route"], "delete");
}

TEST(Router, UnknownPathIs404) {
  auto router = sample_router();
  for (const char* path : {"/v1", "/v1/contact", "/v1/contacts/", "/v1/contacts/a/b",
                           "/v2/contacts", "//", "/v1/conversations//messages/x"}) {
    auto response = run(router, verb::get, path);
    EXPECT_EQ(response.status, 404u) << path;
    EXPECT_EQ(response.body, (nlohmann::json{{"error", "not found"}})) << path;
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  auto router = sample_router();
  auto response = run(router, verb::put, "/v1/contacts/x");
  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(response.body["error"], "method not allowed");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "DELETE, GET, HEAD");
  EXPECT_EQ(run(router, verb::delete_, "/v1/contacts").headers[0].second, "GET, HEAD, POST");
  // No GET route, no HEAD either.
  Router posts_only;
  posts_only.add(verb::post, "/v1/echo", named("echo"));
  EXPECT_EQ(run(posts_only, verb::head, "/v1/echo").headers.at(0).second, "POST");
}

TEST(Router, HeadRunsTheGetRoute) {
  auto router = sample_router();
  auto response = run(router, verb::head, "/v1/contacts/x");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body["route"], "get");
  EXPECT_EQ(response.body["params"]["peer"], "x");
  EXPECT_EQ(run(router, verb::head, "/v1/contacts/me").body["route"], "me");
  EXPECT_EQ(run(router, verb::head, "/v1/nothing").status, 404u);
  // An explicit HEAD route wins over the GET one of the same shape.
  router.add(verb::head, "/v1/contacts/{peer}", named("head"));
  EXPECT_EQ(run(router, verb::head, "/v1/contacts/x").body["route"], "head");
  EXPECT_EQ(run(router, verb::get, "/v1/contacts/x").body["route"], "get");
}

TEST(Router, MatchReportsAllowedMethods) {
  auto router = sample_router();
  auto found = router.match(verb::patch, {"v1", "contacts", "me"});
  EXPECT_EQ(found.handler, nullptr);
  EXPECT_EQ(found.allowed, (std::vector<verb>{verb::delete_, verb::get, verb::head}));
  found = router.match(verb::get, {"v1", "contacts", "x"});
  ASSERT_NE(found.handler, nullptr);
  EXPECT_TRUE(found.allowed.empty());
  EXPECT_EQ(found.params.at("peer"), "x");
}

TEST(Router, HandlerExceptionIs500) {
  Router router;
  router.add(verb::get, "/throw", throwing_handler);
  router.add(verb::get, "/throw-int", throwing_int_handler);
  for (const char* path : {"/throw", "/throw-int"}) {
    auto response = run(router, verb::get, path);
    EXPECT_EQ(response.status, 500u);
    EXPECT_EQ(response.body, (nlohmann::json{{"error", "internal error"}}));
  }
}

TEST(Router, RefusesMalformedPatterns) {
  Router router;
  for (const char* pattern : {"", "v1", "/v1/{", "/v1/}", "/v1/{}", "/v1/{a}{b}", "/v1/x{a}",
                              "/v1/{a}/{a}", "/v1/{a{b}}"}) {
    EXPECT_THROW(router.add(verb::get, pattern, named("x")), std::invalid_argument) << pattern;
  }
  EXPECT_THROW(router.add(verb::get, "/x", Handler{}), std::invalid_argument);
}

TEST(Router, RefusesDuplicateRoutes) {
  Router router;
  router.add(verb::get, "/v1/contacts/{peer}", named("a"));
  EXPECT_THROW(router.add(verb::get, "/v1/contacts/{other}", named("b")), std::logic_error);
  EXPECT_NO_THROW(router.add(verb::post, "/v1/contacts/{peer}", named("c")));
  EXPECT_NO_THROW(router.add(verb::get, "/v1/contacts/me", named("d")));
}

TEST(Router, ErrorResponse) {
  auto response = Response::error(418, "short and stout");
  EXPECT_EQ(response.status, 418u);
  EXPECT_EQ(response.body, (nlohmann::json{{"error", "short and stout"}}));
}

}  // namespace
}  // namespace meshchat::api
