#include "api/access.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace meshchat::api {

namespace http = boost::beast::http;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

bool has_token(const std::string& expected, std::string_view authorization) {
  auto presented = bearer_token(authorization);
  return presented && token_equal(*presented, expected);
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() ||
      !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  std::string_view rest = authorization.substr(kScheme.size());
  auto start = rest.find_first_not_of(' ');
  if (start == 0 || start == std::string_view::npos) return std::nullopt;  // "Bearerx", "Bearer "
  rest.remove_prefix(start);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  return rest;
}

bool token_equal(std::string_view presented, std::string_view expected) {
  if (presented.size() != expected.size()) return false;
  if (expected.empty()) return false;  // no token configured: nothing may pass
  return sodium_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

bool origin_allowed(std::string_view origin, std::uint16_t port) {
  std::string suffix = ":" + std::to_string(port);
  return origin == "http://127.0.0.1" + suffix || origin == "http://localhost" + suffix;
}

bool host_allowed(std::string_view host, std::uint16_t port) {
  std::string suffix = ":" + std::to_string(port);
  return iequals(host, "127.0.0.1" + suffix) || iequals(host, "localhost" + suffix);
}

std::optional<Response> check_access(const http::request_header<>& header, const Target& target,
                                     bool websocket_upgrade, const AccessPolicy& policy) {
  // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2); two could disagree about the target.
  auto hosts = header.count(http::field::host);
  if (hosts == 0) return Response::error(400, "missing Host header");
  if (hosts > 1) return Response::error(400, "repeated Host header");
  if (!host_allowed(std::string_view(header[http::field::host]), policy.port)) {
    return Response::error(403, "host not allowed");
  }
  // A second Origin header could smuggle a foreign origin past a check of the first.
  auto origins = header.count(http::field::origin);
  if (origins > 1 || (origins == 1 && !origin_allowed(std::string_view(header[http::field::origin]),
                                                      policy.port))) {
    return Response::error(403, "origin not allowed");
  }
  bool authorized = false;
  if (header.count(http::field::authorization) == 1) {
    authorized = has_token(policy.token, std::string_view(header[http::field::authorization]));
  }
  if (!authorized && websocket_upgrade) {
    auto it = target.query.find("token");
    authorized = it != target.query.end() && token_equal(it->second, policy.token);
  }
  if (!authorized) {
    Response response = Response::error(401, "missing or wrong bearer token");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  return std::nullopt;
}

}  // namespace meshchat::api
