// Routing of local API requests to handlers by method and path pattern ("/v1/contacts/{peer}"),
// and the Request and Response values handlers see. Transport-free: the Server feeds it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace meshchat::api {

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string path;                           // decoded path, no query
  std::map<std::string, std::string> query;   // percent-decoded query parameters
  std::map<std::string, std::string> params;  // path parameters from the route pattern
  nlohmann::json body;                        // parsed JSON body (null when empty)
};

struct Response {
  unsigned status = 200;
  nlohmann::json body;  // serialized as the response body
  // Extra response headers (e.g. Allow on a 405). The server sets Content-Type itself and
  // drops (and logs) a header whose name is not an HTTP token or whose value holds CR, LF, NUL.
  std::vector<std::pair<std::string, std::string>> headers;

  static Response error(unsigned status, std::string message);  // body {"error": message}
};

using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

struct RouteMatch {
  const Handler* handler = nullptr;  // null: no route for this method and path
  std::map<std::string, std::string> params;
  // When the path matches only other methods' routes: those methods, sorted (for 405's Allow;
  // HEAD is listed wherever GET is).
  std::vector<boost::beast::http::verb> allowed;
};

class Router {
 public:
  // `pattern` is a path whose segments are literals (matched against decoded segments) or
  // "{name}", which captures one non-empty segment into Request::params[name]. Where two
  // patterns match a path, the one with a literal at the first segment where they differ wins
  // ("/v1/contacts/me" before "/v1/contacts/{peer}"). Throws std::invalid_argument on a
  // malformed pattern and std::logic_error when the method already has a route of that shape.
  // Register every route before the server starts.
  void add(boost::beast::http::verb method, std::string pattern, Handler handler);

  RouteMatch match(boost::beast::http::verb method, const std::vector<std::string>& segments) const;

  // Runs the handler for request.method and request.path with request.params filled in (a HEAD
  // request runs the GET handler unless a HEAD route was added):
  // 404 {"error":"not found"} when no pattern matches the path, 405 when only other methods'
  // patterns do. Never throws: a handler's exception becomes 500 {"error":"internal error"}
  // and an error log line.
  boost::asio::awaitable<Response> dispatch(Request request) const;

 private:
  struct Segment {
    std::string text;  // the literal, or the capture's name
    bool capture = false;
  };
  struct Route {
    boost::beast::http::verb method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool matches(const Route& route, const std::vector<std::string>& segments);
  // HEAD is served by the GET route (RFC 9110 §9.3.2); the server leaves the body out.
  static bool serves(const Route& route, boost::beast::http::verb method);
  static bool more_specific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace meshchat::api
