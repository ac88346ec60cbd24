// Request validation: JSON body parsing (malformed, too deep, non-object) and the typed field
// and query accessors with their 400 messages.
#include "api/validation.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace meshchat::api {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

std::string error_of(const std::optional<Response>& response) {
  if (!response) return "<accepted>";
  EXPECT_EQ(response->status, 400u);
  return response->body.value("error", "<no error field>");
}

TEST(ParseJsonBody, EmptyIsNull) {
  json out = 5;
  EXPECT_FALSE(parse_json_body(verb::post, "", out));
  EXPECT_TRUE(out.is_null());
}

TEST(ParseJsonBody, ParsesObjects) {
  json out;
  EXPECT_FALSE(parse_json_body(verb::post, R"({"text":"hi","n":[1,2]})", out));
  EXPECT_EQ(out, (json{{"text", "hi"}, {"n", {1, 2}}}));
}

TEST(ParseJsonBody, MalformedJson) {
  json out;
  // The last one overflows a double: nlohmann reports that as out_of_range, not parse_error.
  for (std::string_view bad : {"{", "{bad}", "[1,]", "\"unterminated", "{\"a\":1}x", "nul",
                               "{\"s\":\"\xff\"}", "{\"n\":1E400}"}) {
    auto message = error_of(parse_json_body(verb::post, bad, out));
    EXPECT_EQ(message.rfind("malformed JSON: ", 0), 0u) << bad << " → " << message;
    EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
    EXPECT_TRUE(out.is_null());
  }
}

TEST(ParseJsonBody, NonObjectRefusedForMethodsWithFields) {
  json out;
  for (auto method : {verb::post, verb::put, verb::patch, verb::delete_}) {
    for (std::string_view body : {"[1]", "\"text\"", "3", "null", "true"}) {
      EXPECT_EQ(error_of(parse_json_body(method, body, out)), "request body must be a JSON object")
          << body;
    }
  }
  EXPECT_FALSE(parse_json_body(verb::get, "[1]", out));
  EXPECT_EQ(out, json::array({1}));
}

TEST(ParseJsonBody, DepthLimit) {
  json out;
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_FALSE(parse_json_body(verb::get, ok, out));
  std::string deep = "[" + ok + "]";
  EXPECT_EQ(error_of(parse_json_body(verb::get, deep, out)),
            "malformed JSON: nested deeper than 64");
  // Brackets inside strings do not count, escaped quotes included.
  std::string in_string = "{\"s\":\"\\\"" + std::string(1000, '[') + "\"}";
  EXPECT_FALSE(parse_json_body(verb::post, in_string, out));
  // A megabyte of nesting is refused without recursing through it.
  std::string huge(1 << 20, '[');
  EXPECT_NE(error_of(parse_json_body(verb::post, huge, out)), "<accepted>");
}

TEST(Accessors, RequireString) {
  std::string out = "unchanged";
  EXPECT_FALSE(require_string(json{{"text", "hi"}}, "text", out));
  EXPECT_EQ(out, "hi");
  EXPECT_EQ(error_of(require_string(json{{"other", 1}}, "text", out)), "missing field 'text'");
  EXPECT_EQ(error_of(require_string(json{{"text", nullptr}}, "text", out)), "missing field 'text'");
  EXPECT_EQ(error_of(require_string(json{{"text", 5}}, "text", out)),
            "field 'text' must be a string");
  EXPECT_EQ(error_of(require_string(json(), "text", out)), "request body must be a JSON object");
  EXPECT_EQ(error_of(require_string(json::array(), "text", out)),
            "request body must be a JSON object");
  EXPECT_EQ(out, "hi");
}

TEST(Accessors, OptionalString) {
  std::optional<std::string> out = "stale";
  EXPECT_FALSE(optional_string(json::object(), "name", out));
  EXPECT_FALSE(out);
  EXPECT_FALSE(optional_string(json{{"name", "x"}}, "name", out));
  EXPECT_EQ(out, "x");
  EXPECT_EQ(error_of(optional_string(json{{"name", true}}, "name", out)),
            "field 'name' must be a string");
}

TEST(Accessors, IntegersInRange) {
  std::int64_t out = 0;
  EXPECT_FALSE(require_int(json{{"n", 7}}, "n", 1, 10, out));
  EXPECT_EQ(out, 7);
  EXPECT_FALSE(require_int(json{{"n", -3}}, "n", -5, 5, out));
  EXPECT_EQ(out, -3);
  const std::string range = "field 'n' must be an integer from 1 to 10";
  EXPECT_EQ(error_of(require_int(json{{"n", 11}}, "n", 1, 10, out)), range);
  EXPECT_EQ(error_of(require_int(json{{"n", 0}}, "n", 1, 10, out)), range);
  EXPECT_EQ(error_of(require_int(json{{"n", 5.0}}, "n", 1, 10, out)), range);
  EXPECT_EQ(error_of(require_int(json{{"n", "5"}}, "n", 1, 10, out)), range);
  EXPECT_EQ(error_of(require_int(json{{"n", std::numeric_limits<std::uint64_t>::max()}}, "n", 1, 10,
                                 out)),
            range);
  EXPECT_EQ(error_of(require_int(json::object(), "n", 1, 10, out)), "missing field 'n'");
  EXPECT_EQ(out, -3);
  // The unsigned branch: a large positive value within a wide range.
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(require_int(json{{"n", std::uint64_t(kMax)}}, "n", 0, kMax, out));
  EXPECT_EQ(out, kMax);
  EXPECT_NE(error_of(require_int(json{{"n", 3u}}, "n", -10, -1, out)), "<accepted>");
}

TEST(Accessors, OptionalInt) {
  std::optional<std::int64_t> out = 9;
  EXPECT_FALSE(optional_int(json{{"n", nullptr}}, "n", 0, 5, out));
  EXPECT_FALSE(out);
  EXPECT_FALSE(optional_int(json{{"n", 5}}, "n", 0, 5, out));
  EXPECT_EQ(out, 5);
  EXPECT_NE(error_of(optional_int(json{{"n", 6}}, "n", 0, 5, out)), "<accepted>");
}

TEST(Accessors, Booleans) {
  bool out = false;
  EXPECT_FALSE(require_bool(json{{"b", true}}, "b", out));
  EXPECT_TRUE(out);
  EXPECT_EQ(error_of(require_bool(json{{"b", 1}}, "b", out)), "field 'b' must be a boolean");
  EXPECT_EQ(error_of(require_bool(json::object(), "b", out)), "missing field 'b'");
  std::optional<bool> maybe;
  EXPECT_FALSE(optional_bool(json::object(), "b", maybe));
  EXPECT_FALSE(maybe);
  EXPECT_FALSE(optional_bool(json{{"b", false}}, "b", maybe));
  EXPECT_EQ(maybe, false);
}

TEST(Accessors, RejectUnknownFields) {
  EXPECT_FALSE(reject_unknown_fields(json{{"a", 1}, {"b", 2}}, {"a", "b", "c"}));
  EXPECT_EQ(error_of(reject_unknown_fields(json{{"a", 1}, {"zz", 2}}, {"a"})),
            "unknown field 'zz'");
  EXPECT_EQ(error_of(reject_unknown_fields(json(), {"a"})), "request body must be a JSON object");
}

TEST(Accessors, QueryParameters) {
  Request request;
  request.query = {{"limit", "25"}, {"bad", "12x"}, {"neg", "-4"},
                   {"plus", "+4"},  {"empty", ""},  {"huge", "99999999999999999999"},
                   {"q", "text"}};
  std::int64_t limit = 50;
  EXPECT_FALSE(query_int(request, "absent", 1, 100, limit));
  EXPECT_EQ(limit, 50);
  EXPECT_FALSE(query_int(request, "limit", 1, 100, limit));
  EXPECT_EQ(limit, 25);
  EXPECT_FALSE(query_int(request, "neg", -10, 0, limit));
  EXPECT_EQ(limit, -4);
  for (const char* key : {"bad", "plus", "empty", "huge", "q"}) {
    EXPECT_EQ(error_of(query_int(request, key, -100, 100, limit)),
              std::string("query parameter '") + key + "' must be an integer from -100 to 100");
  }
  EXPECT_EQ(error_of(query_int(request, "limit", 1, 10, limit)),
            "query parameter 'limit' must be an integer from 1 to 10");
  EXPECT_EQ(limit, -4);

  std::string q;
  EXPECT_FALSE(require_query(request, "q", q));
  EXPECT_EQ(q, "text");
  EXPECT_EQ(error_of(require_query(request, "missing", q)), "missing query parameter 'missing'");
}

}  // namespace
}  // namespace meshchat::api
