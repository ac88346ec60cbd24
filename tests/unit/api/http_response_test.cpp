// Serialization of handler responses: JSON body and headers, bodiless statuses, invalid status
// codes, and refusal of unsafe extra headers.
#include "api/http_response.hpp"

#include <gtest/gtest.h>

namespace meshchat::api {
namespace {

namespace http = boost::beast::http;

TEST(ToHttp, JsonBodyAndHeaders) {
  Response response;
  response.status = 201;
  response.body = {{"id", "m1"}};
  response.headers.emplace_back("Location", "/v1/messages/m1");
  auto out = to_http(response, 11, true);
  EXPECT_EQ(out.result_int(), 201u);
  EXPECT_EQ(out[http::field::content_type], "application/json");
  EXPECT_EQ(out[http::field::cache_control], "no-store");
  EXPECT_EQ(out[http::field::location], "/v1/messages/m1");
  EXPECT_EQ(out.count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(out.body(), R"({"id":"m1"})");
  EXPECT_EQ(out[http::field::content_length], "11");
  EXPECT_TRUE(out.keep_alive());
  EXPECT_FALSE(to_http(response, 11, false).keep_alive());
}

TEST(ToHttp, NoContentHasNoBody) {
  Response response;
  response.status = 204;
  response.body = {{"ignored", true}};
  EXPECT_TRUE(to_http(response, 11, true).body().empty());
}

TEST(ToHttp, InvalidStatusBecomes500) {
  for (unsigned status : {0u, 99u, 600u, 1000u}) {
    Response response;
    response.status = status;
    response.body = {{"secret", "detail"}};
    response.headers.emplace_back("X-Leak", "1");
    auto out = to_http(response, 11, true);
    EXPECT_EQ(out.result_int(), 500u);
    EXPECT_EQ(out.body(), R"({"error":"internal error"})");
    EXPECT_EQ(out.count("X-Leak"), 0u);
  }
}

TEST(ToHttp, DropsUnsafeHeaders) {
  Response response;
  response.headers.emplace_back("X-Ok", "fine");
  response.headers.emplace_back("X-Split", "a\r\nSet-Cookie: evil=1");
  response.headers.emplace_back("Bad Name", "x");
  response.headers.emplace_back("", "x");
  response.headers.emplace_back("X-Nul", std::string("a\0b", 3));
  auto out = to_http(response, 11, true);
  EXPECT_EQ(out["X-Ok"], "fine");
  EXPECT_EQ(out.count("X-Split"), 0u);
  EXPECT_EQ(out.count(http::field::set_cookie), 0u);
  EXPECT_EQ(out.count("Bad Name"), 0u);
  EXPECT_EQ(out.count("X-Nul"), 0u);
}

TEST(ToHttp, InvalidUtf8InBodyIsReplaced) {
  Response response;
  response.body = {{"s", std::string("\xc3")}};
  EXPECT_EQ(to_http(response, 11, true).body(), "{\"s\":\"\xef\xbf\xbd\"}");
}

}  // namespace
}  // namespace meshchat::api
