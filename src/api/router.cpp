#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "api/target.hpp"

namespace meshchat::api {

namespace http = boost::beast::http;

namespace {
std::string_view method_name(http::verb method) {
  return std::string_view(http::to_string(method));
}
}  // namespace

Response Response::error(unsigned status, std::string message) {
  Response response;
  response.status = status;
  response.body = {{"error", std::move(message)}};
  return response;
}

void Router::add(http::verb method, std::string pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  if (!handler) throw std::invalid_argument("route without a handler: " + pattern);
  Route route{method, pattern, {}, std::move(handler)};
  std::set<std::string> names;
  for (auto& text : split_path(pattern)) {
    bool opens = !text.empty() && text.front() == '{';
    bool closes = !text.empty() && text.back() == '}';
    if (opens && closes && text.size() > 2) {
      std::string name = text.substr(1, text.size() - 2);
      if (name.find_first_of("{}") != std::string::npos || !names.insert(name).second) {
        throw std::invalid_argument("bad or repeated capture in route pattern: " + pattern);
      }
      route.segments.push_back({std::move(name), true});
    } else if (text.find_first_of("{}") == std::string::npos) {
      route.segments.push_back({std::move(text), false});
    } else {
      throw std::invalid_argument("unbalanced braces in route pattern: " + pattern);
    }
  }
  for (const auto& existing : routes_) {
    bool same_shape =
        existing.method == method &&
        std::equal(existing.segments.begin(), existing.segments.end(), route.segments.begin(),
                   route.segments.end(), [](const Segment& a, const Segment& b) {
                     return a.capture == b.capture && (a.capture || a.text == b.text);
                   });
    if (same_shape) {
      throw std::logic_error("route " + pattern + " duplicates " + existing.pattern + " for " +
                             std::string(method_name(method)));
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::matches(const Route& route, const std::vector<std::string>& segments) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& pattern = route.segments[i];
    if (pattern.capture ? segments[i].empty() : pattern.text != segments[i]) return false;
  }
  return true;
}

bool Router::serves(const Route& route, http::verb method) {
  return route.method == method || (method == http::verb::head && route.method == http::verb::get);
}

bool Router::more_specific(const Route& a, const Route& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].capture != b.segments[i].capture) return !a.segments[i].capture;
  }
  return false;
}

RouteMatch Router::match(http::verb method, const std::vector<std::string>& segments) const {
  RouteMatch out;
  const Route* best = nullptr;
  for (const auto& route : routes_) {
    if (!matches(route, segments)) continue;
    if (route.method == http::verb::get) out.allowed.push_back(http::verb::head);
    if (!serves(route, method)) {
      out.allowed.push_back(route.method);
      continue;
    }
    if (best == nullptr || more_specific(route, *best) ||
        (!more_specific(*best, route) && route.method == method)) {
      best = &route;
    }
  }
  if (best == nullptr) {
    std::sort(out.allowed.begin(), out.allowed.end());
    out.allowed.erase(std::unique(out.allowed.begin(), out.allowed.end()), out.allowed.end());
    return out;
  }
  out.allowed.clear();
  out.handler = &best->handler;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->segments[i].capture) out.params[best->segments[i].text] = segments[i];
  }
  return out;
}

boost::asio::awaitable<Response> Router::dispatch(Request request) const {
  auto found = match(request.method, split_path(request.path));
  if (found.handler == nullptr) {
    if (found.allowed.empty()) co_return Response::error(404, "not found");
    Response response = Response::error(405, "method not allowed");
    std::string allow;
    for (auto method : found.allowed) {
      if (!allow.empty()) allow += ", ";
      allow += method_name(method);
    }
    response.headers.emplace_back("Allow", std::move(allow));
    co_return response;
  }
  request.params = std::move(found.params);
  // The copy keeps the handler's callable (and anything it captured) alive while it runs.
  Handler handler = *found.handler;
  auto method = request.method;
  std::string path = request.path;
  try {
    co_return co_await handler(std::move(request));
  } catch (const std::exception& e) {
    spdlog::error("api: handler for {} {} failed: {}", method_name(method), path, e.what());
  } catch (...) {
    spdlog::error("api: handler for {} {} failed with a non-standard exception",
                  method_name(method), path);
  }
  co_return Response::error(500, "internal error");
}

}  // namespace meshchat::api
