// Request-target parsing: paths, segments, percent-decoding, '+' in queries, refusals, and a
// RapidCheck property that encoding then parsing gives back the components.
#include "api/target.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "api/error.hpp"

namespace meshchat::api {
namespace {

using Query = std::map<std::string, std::string>;
using Segments = std::vector<std::string>;

TEST(Target, SplitsPathIntoSegments) {
  auto target = parse_target("/v1/contacts/abc");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/v1/contacts/abc");
  EXPECT_EQ(target->segments, (Segments{"v1", "contacts", "abc"}));
  EXPECT_TRUE(target->query.empty());
}

TEST(Target, RootAndTrailingSlashKeepEmptySegments) {
  EXPECT_EQ(parse_target("/")->segments, (Segments{""}));
  EXPECT_EQ(parse_target("/v1/")->segments, (Segments{"v1", ""}));
  EXPECT_EQ(parse_target("/v1//x")->segments, (Segments{"v1", "", "x"}));
}

TEST(Target, DecodesPercentEscapesInPath) {
  auto target = parse_target("/v1/echo/a%20b%2bc+d%C3%A9");
  ASSERT_TRUE(target);
  // '+' is literal in a path; only the query treats it as a space.
  EXPECT_EQ(target->path, "/v1/echo/a b+c+d\xc3\xa9");
  EXPECT_EQ(target->segments.back(), "a b+c+d\xc3\xa9");
}

TEST(Target, DecodesQuery) {
  auto target = parse_target("/s?q=hello+world&amp=%26%3D&flag&=ignored&&x=1&x=2");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/s");
  EXPECT_EQ(target->query, (Query{{"q", "hello world"}, {"amp", "&="}, {"flag", ""}, {"x", "1"}}));
}

TEST(Target, EmptyQuery) {
  auto target = parse_target("/s?");
  ASSERT_TRUE(target);
  EXPECT_TRUE(target->query.empty());
}

TEST(Target, RefusesMalformedTargets) {
  for (std::string_view bad :
       {"", "v1/x", "*", "http://127.0.0.1/v1", "/a%", "/a%2", "/a%zz", "/a%2F", "/a%2fb", "/a%00",
        "/a?x=%00", "/a?x=%g1", "/a b", "/a#frag", "/a\x7f", "/\xc3\xa9"}) {
    auto target = parse_target(bad);
    ASSERT_FALSE(target) << bad;
    EXPECT_EQ(target.error(), ApiError::malformed_target) << bad;
  }
}

TEST(Target, EncodedSlashIsAllowedInQuery) {
  auto target = parse_target("/a?path=%2Fetc%2Fpasswd");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->query.at("path"), "/etc/passwd");
}

TEST(Target, EncodeComponentKeepsOnlyUnreserved) {
  EXPECT_EQ(encode_component("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(encode_component("a b/c?d&e=f+g%"), "a%20b%2Fc%3Fd%26e%3Df%2Bg%25");
  EXPECT_EQ(encode_component("\xc3\xa9"), "%C3%A9");
}

TEST(Target, WithQuery) {
  EXPECT_EQ(with_query("/v1/x", {}), "/v1/x");
  EXPECT_EQ(with_query("/v1/x", {{"a b", "1&2"}, {"c", ""}}), "/v1/x?a%20b=1%262&c=");
}

RC_GTEST_PROP(Target, EncodedComponentsParseBack, ()) {
  // Any bytes but NUL (refused anywhere) round-trip through encode_component.
  auto no_nul = [](const std::string& s) { return s.find('\0') == std::string::npos; };
  auto segments = *rc::gen::container<Segments>(
      rc::gen::suchThat(rc::gen::nonEmpty(rc::gen::arbitrary<std::string>()), no_nul));
  auto query = *rc::gen::container<Query>(
      rc::gen::suchThat(rc::gen::nonEmpty(rc::gen::arbitrary<std::string>()), no_nul),
      rc::gen::suchThat(rc::gen::arbitrary<std::string>(), no_nul));
  std::string path;
  std::string decoded_path;
  for (const auto& segment : segments) {
    path += "/" + encode_component(segment);
    decoded_path += "/" + segment;
  }
  if (segments.empty()) {
    path = "/";
    decoded_path = "/";
  }
  // A segment holding '/' is encoded as %2F, which parse_target refuses.
  bool has_slash = std::any_of(segments.begin(), segments.end(), [](const std::string& s) {
    return s.find('/') != std::string::npos;
  });
  auto target = parse_target(with_query(path, query));
  if (has_slash) {
    RC_ASSERT(!target);
    return;
  }
  RC_ASSERT(target.has_value());
  RC_ASSERT(target->path == decoded_path);
  RC_ASSERT(target->segments == (segments.empty() ? Segments{""} : segments));
  RC_ASSERT(target->query == query);
}

}  // namespace
}  // namespace meshchat::api
