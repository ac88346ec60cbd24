// Access control: bearer-token parsing and comparison, allowed hosts and origins, and the combined
// check the server runs on each request header.
#include "api/access.hpp"

#include <gtest/gtest.h>

namespace meshchat::api {
namespace {

namespace http = boost::beast::http;

TEST(BearerToken, ParsesScheme) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");
  EXPECT_EQ(bearer_token("BEARER   abc  "), "abc");
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer "));
  EXPECT_FALSE(bearer_token("Bearerabc"));
  EXPECT_FALSE(bearer_token("Basic abc"));
  EXPECT_FALSE(bearer_token("Bearer a b"));
  EXPECT_FALSE(bearer_token("abc"));
  EXPECT_FALSE(bearer_token(""));
}

TEST(TokenEqual, ComparesWholeStrings) {
  EXPECT_TRUE(token_equal("secret", "secret"));
  EXPECT_FALSE(token_equal("secreT", "secret"));
  EXPECT_FALSE(token_equal("secret", "secret2"));
  EXPECT_FALSE(token_equal("", "secret"));
  EXPECT_FALSE(token_equal("", ""));  // no configured token lets nothing in
}

TEST(Origin, OnlyOwnOrigins) {
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:8080", 8080));
  EXPECT_TRUE(origin_allowed("http://localhost:8080", 8080));
  for (const char* origin :
       {"http://127.0.0.1:8081", "http://localhost:80", "http://127.0.0.1",
        "https://127.0.0.1:8080", "http://evil.example", "http://localhost.evil.example:8080",
        "null", "", "http://127.0.0.1:8080/", "http://LOCALHOST:8080", "http://[::1]:8080"}) {
    EXPECT_FALSE(origin_allowed(origin, 8080)) << origin;
  }
}

TEST(Host, OnlyLoopbackNamesWithThePort) {
  EXPECT_TRUE(host_allowed("127.0.0.1:8080", 8080));
  EXPECT_TRUE(host_allowed("localhost:8080", 8080));
  EXPECT_TRUE(host_allowed("LOCALHOST:8080", 8080));
  for (const char* host :
       {"127.0.0.1", "localhost", "127.0.0.1:8081", "localhost:80", "127.0.0.1:80800",
        "evil.example:8080", "localhost.evil.example:8080", "127.0.0.2:8080", " 127.0.0.1:8080",
        "127.0.0.1:8080 ", "[::1]:8080", ""}) {
    EXPECT_FALSE(host_allowed(host, 8080)) << host;
  }
}

class CheckAccess : public ::testing::Test {
 protected:
  CheckAccess() { header_.set(http::field::host, "127.0.0.1:4000"); }

  http::request_header<> header_;
  AccessPolicy policy_{"t0ken", 4000};
  Target target_ = *parse_target("/v1/events?token=t0ken");
  Target plain_ = *parse_target("/v1/x");

  std::optional<unsigned> status(const Target& target, bool websocket) {
    auto refused = check_access(header_, target, websocket, policy_);
    if (!refused) return std::nullopt;
    return refused->status;
  }
};

TEST_F(CheckAccess, HeaderTokenPasses) {
  header_.set(http::field::authorization, "Bearer t0ken");
  EXPECT_EQ(status(plain_, false), std::nullopt);
  EXPECT_EQ(status(plain_, true), std::nullopt);
}

TEST_F(CheckAccess, MissingOrWrongTokenIs401) {
  EXPECT_EQ(status(plain_, false), 401u);
  header_.set(http::field::authorization, "Bearer t0kem");
  EXPECT_EQ(status(plain_, false), 401u);
  auto refused = check_access(header_, plain_, false, policy_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->headers.at(0).first, "WWW-Authenticate");
}

TEST_F(CheckAccess, QueryTokenOnlyForWebSocket) {
  EXPECT_EQ(status(target_, true), std::nullopt);
  EXPECT_EQ(status(target_, false), 401u);
  auto wrong = *parse_target("/v1/events?token=nope");
  EXPECT_EQ(status(wrong, true), 401u);
}

TEST_F(CheckAccess, OriginRule) {
  header_.set(http::field::authorization, "Bearer t0ken");
  header_.set(http::field::origin, "http://localhost:4000");
  EXPECT_EQ(status(plain_, false), std::nullopt);
  header_.set(http::field::origin, "http://evil.example");
  EXPECT_EQ(status(plain_, false), 403u);
  auto refused = check_access(header_, plain_, false, policy_);
  EXPECT_EQ(refused->body, (nlohmann::json{{"error", "origin not allowed"}}));
  // A foreign origin is refused even without a token, and before it.
  header_.erase(http::field::authorization);
  EXPECT_EQ(status(plain_, false), 403u);
}

TEST_F(CheckAccess, RepeatedOriginIs403) {
  header_.set(http::field::authorization, "Bearer t0ken");
  header_.insert(http::field::origin, "http://127.0.0.1:4000");
  header_.insert(http::field::origin, "http://127.0.0.1:4000");
  EXPECT_EQ(status(plain_, false), 403u);
}

TEST_F(CheckAccess, HostRule) {
  header_.set(http::field::authorization, "Bearer t0ken");
  header_.set(http::field::host, "localhost:4000");
  EXPECT_EQ(status(plain_, false), std::nullopt);
  header_.set(http::field::host, "rebound.example:4000");
  EXPECT_EQ(status(plain_, false), 403u);
  EXPECT_EQ(status(target_, true), 403u);
  EXPECT_EQ(check_access(header_, plain_, false, policy_)->body,
            (nlohmann::json{{"error", "host not allowed"}}));
  // Refused before the token is looked at, and before the origin.
  header_.erase(http::field::authorization);
  header_.set(http::field::origin, "http://127.0.0.1:4000");
  EXPECT_EQ(status(plain_, false), 403u);
  header_.erase(http::field::host);
  EXPECT_EQ(status(plain_, false), 400u);
  header_.insert(http::field::host, "127.0.0.1:4000");
  header_.insert(http::field::host, "127.0.0.1:4000");
  EXPECT_EQ(status(plain_, false), 400u);
}

TEST_F(CheckAccess, RepeatedAuthorizationIs401) {
  header_.insert(http::field::authorization, "Bearer t0ken");
  header_.insert(http::field::authorization, "Bearer other");
  EXPECT_EQ(status(plain_, false), 401u);
}

}  // namespace
}  // namespace meshchat::api
