#include "api/validation.hpp"

#include <fmt/format.h>
#include <charconv>

namespace meshchat::api {

namespace http = boost::beast::http;

namespace {

Response bad_request(std::string message) {
  return Response::error(400, std::move(message));
}

// Deepest nesting of arrays and objects in `text`, or kMaxJsonDepth + 1 once it goes past the
// limit. Only brackets outside strings count; validity is left to the parser.
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxJsonDepth) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; clients need the rest.
std::string without_exception_id(std::string_view what) {
  if (!what.empty() && what.front() == '[') {
    auto end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return std::string(what);
}

bool carries_fields(http::verb method) {
  return method == http::verb::post || method == http::verb::put || method == http::verb::patch ||
         method == http::verb::delete_;
}

// The field's value in an object body, or nullptr when absent.
const nlohmann::json* find_field(const nlohmann::json& body, std::string_view key) {
  auto it = body.find(key);
  return it == body.end() ? nullptr : &*it;
}

std::string range_message(std::string_view what, std::string_view key, std::int64_t min,
                          std::int64_t max) {
  return fmt::format("{} '{}' must be an integer from {} to {}", what, key, min, max);
}

}  // namespace

std::optional<Response> parse_json_body(http::verb method, std::string_view text,
                                        nlohmann::json& out) {
  out = nullptr;
  if (text.empty()) return std::nullopt;
  if (nesting_depth(text) > kMaxJsonDepth) {
    return bad_request(fmt::format("malformed JSON: nested deeper than {}", kMaxJsonDepth));
  }
  try {
    out = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range (number overflow)
    out = nullptr;
    return bad_request("malformed JSON: " + without_exception_id(e.what()));
  }
  if (carries_fields(method) && !out.is_object()) {
    out = nullptr;
    return bad_request("request body must be a JSON object");
  }
  return std::nullopt;
}

std::optional<Response> require_object(const nlohmann::json& body) {
  if (body.is_object()) return std::nullopt;
  return bad_request("request body must be a JSON object");
}

std::optional<Response> require_string(const nlohmann::json& body, std::string_view key,
                                       std::string& out) {
  std::optional<std::string> value;
  if (auto bad = optional_string(body, key, value)) return bad;
  if (!value) return bad_request(fmt::format("missing field '{}'", key));
  out = std::move(*value);
  return std::nullopt;
}

std::optional<Response> optional_string(const nlohmann::json& body, std::string_view key,
                                        std::optional<std::string>& out) {
  if (auto bad = require_object(body)) return bad;
  const auto* field = find_field(body, key);
  if (field == nullptr || field->is_null()) {
    out.reset();
    return std::nullopt;
  }
  if (!field->is_string()) return bad_request(fmt::format("field '{}' must be a string", key));
  out = field->get<std::string>();
  return std::nullopt;
}

std::optional<Response> require_int(const nlohmann::json& body, std::string_view key,
                                    std::int64_t min, std::int64_t max, std::int64_t& out) {
  std::optional<std::int64_t> value;
  if (auto bad = optional_int(body, key, min, max, value)) return bad;
  if (!value) return bad_request(fmt::format("missing field '{}'", key));
  out = *value;
  return std::nullopt;
}

std::optional<Response> optional_int(const nlohmann::json& body, std::string_view key,
                                     std::int64_t min, std::int64_t max,
                                     std::optional<std::int64_t>& out) {
  if (auto bad = require_object(body)) return bad;
  const auto* field = find_field(body, key);
  if (field == nullptr || field->is_null()) {
    out.reset();
    return std::nullopt;
  }
  bool in_range = false;
  std::int64_t value = 0;
  if (field->is_number_unsigned()) {
    auto unsigned_value = field->get<std::uint64_t>();
    // Compare unsigned first: values above INT64_MAX never fit.
    if (max >= 0 && unsigned_value <= static_cast<std::uint64_t>(max)) {
      value = static_cast<std::int64_t>(unsigned_value);
      in_range = value >= min;
    }
  } else if (field->is_number_integer()) {
    value = field->get<std::int64_t>();
    in_range = value >= min && value <= max;
  }
  if (!in_range) return bad_request(range_message("field", key, min, max));
  out = value;
  return std::nullopt;
}

std::optional<Response> require_bool(const nlohmann::json& body, std::string_view key, bool& out) {
  std::optional<bool> value;
  if (auto bad = optional_bool(body, key, value)) return bad;
  if (!value) return bad_request(fmt::format("missing field '{}'", key));
  out = *value;
  return std::nullopt;
}

std::optional<Response> optional_bool(const nlohmann::json& body, std::string_view key,
                                      std::optional<bool>& out) {
  if (auto bad = require_object(body)) return bad;
  const auto* field = find_field(body, key);
  if (field == nullptr || field->is_null()) {
    out.reset();
    return std::nullopt;
  }
  if (!field->is_boolean()) return bad_request(fmt::format("field '{}' must be a boolean", key));
  out = field->get<bool>();
  return std::nullopt;
}

std::optional<Response> reject_unknown_fields(const nlohmann::json& body,
                                              std::initializer_list<std::string_view> known) {
  if (auto bad = require_object(body)) return bad;
  for (const auto& [name, value] : body.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return bad_request(fmt::format("unknown field '{}'", name));
    }
  }
  return std::nullopt;
}

std::optional<Response> require_query(const Request& request, std::string_view key,
                                      std::string& out) {
  auto it = request.query.find(std::string(key));
  if (it == request.query.end()) {
    return bad_request(fmt::format("missing query parameter '{}'", key));
  }
  out = it->second;
  return std::nullopt;
}

std::optional<Response> query_int(const Request& request, std::string_view key, std::int64_t min,
                                  std::int64_t max, std::int64_t& out) {
  auto it = request.query.find(std::string(key));
  if (it == request.query.end()) return std::nullopt;
  const std::string& text = it->second;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    return bad_request(range_message("query parameter", key, min, max));
  }
  out = value;
  return std::nullopt;
}

}  // namespace meshchat::api
