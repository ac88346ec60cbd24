#include "api/http_response.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace meshchat::api {

namespace http = boost::beast::http;

namespace {

// RFC 9110 §5.6.2 token characters: anything else would corrupt the header block.
bool is_header_name(std::string_view name) {
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kSymbols.find(c) != std::string_view::npos;
  });
}

// CR, LF or NUL in a value would split or end the header.
bool is_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool has_no_body(unsigned status) {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace

http::response<http::string_body> to_http(const Response& response, unsigned version,
                                          bool keep_alive) {
  unsigned status = response.status;
  const nlohmann::json* body = &response.body;
  Response internal;
  if (status < 100 || status > 599) {
    spdlog::error("api: handler returned HTTP status {}", status);
    internal = Response::error(500, "internal error");
    status = internal.status;
    body = &internal.body;
  }
  http::response<http::string_body> out(static_cast<http::status>(status), version);
  out.set(http::field::content_type, "application/json");
  out.set(http::field::cache_control, "no-store");
  out.set("X-Content-Type-Options", "nosniff");
  if (&response.body == body) {
    for (const auto& [name, value] : response.headers) {
      if (!is_header_name(name) || !is_header_value(value)) {
        spdlog::error("api: dropped a malformed response header");
        continue;
      }
      out.set(name, value);
    }
  }
  if (!has_no_body(status)) {
    out.body() = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

}  // namespace meshchat::api
