// Request validation for API handlers: JSON body parsing and typed field and query accessors.
// Each returns nullopt on success, else the 400 Response to send back as it is.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/router.hpp"

namespace meshchat::api {

// Nesting allowed in a request body. The API's bodies are flat objects; the bound keeps
// recursive consumers (serializers, handlers) far from the stack's end.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Parses a request body into `out`: empty text gives null. Malformed JSON or nesting deeper
// than kMaxJsonDepth gives 400 {"error":"malformed JSON: ..."}; a non-empty body that is not a
// JSON object gives 400 for POST, PUT, PATCH and DELETE, whose bodies carry named fields.
std::optional<Response> parse_json_body(boost::beast::http::verb method, std::string_view text,
                                        nlohmann::json& out);

// Usage: `if (auto bad = require_string(request.body, "text", text)) co_return *bad;`
// A body that is not an object fails every accessor. For the optional_* forms an absent field
// or a JSON null leaves `out` empty.
std::optional<Response> require_object(const nlohmann::json& body);
std::optional<Response> require_string(const nlohmann::json& body, std::string_view key,
                                       std::string& out);
std::optional<Response> optional_string(const nlohmann::json& body, std::string_view key,
                                        std::optional<std::string>& out);
// Integers only (1.0 is refused), within [min, max].
std::optional<Response> require_int(const nlohmann::json& body, std::string_view key,
                                    std::int64_t min, std::int64_t max, std::int64_t& out);
std::optional<Response> optional_int(const nlohmann::json& body, std::string_view key,
                                     std::int64_t min, std::int64_t max,
                                     std::optional<std::int64_t>& out);
std::optional<Response> require_bool(const nlohmann::json& body, std::string_view key, bool& out);
std::optional<Response> optional_bool(const nlohmann::json& body, std::string_view key,
                                      std::optional<bool>& out);
// 400 naming the first field of `body` that is not in `known`.
std::optional<Response> reject_unknown_fields(const nlohmann::json& body,
                                              std::initializer_list<std::string_view> known);

// Query parameters. query_int leaves `out` (the caller's default) alone when the key is absent;
// the value must be a plain decimal integer within [min, max].
std::optional<Response> require_query(const Request& request, std::string_view key,
                                      std::string& out);
std::optional<Response> query_int(const Request& request, std::string_view key, std::int64_t min,
                                  std::int64_t max, std::int64_t& out);

}  // namespace meshchat::api
