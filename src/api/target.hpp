// Request targets of the local API: origin-form paths with a query (RFC 9112 §3.2.1) and their
// percent-encoding (RFC 3986 §2.1; '+' in a query is a space, as HTML forms send it). Sans-IO.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace meshchat::api {

struct Target {
  std::string path;                          // percent-decoded; starts with '/'
  std::vector<std::string> segments;         // path split at '/', after the leading one
  std::map<std::string, std::string> query;  // decoded; a repeated key keeps its first value
};

// Fails with ApiError::malformed_target unless the target starts with '/', holds only visible
// ASCII without '#', and every '%' starts a two-hex-digit escape. An encoded '/' in the path is
// refused, so that `segments` is exactly `path` split at '/'; a decoded NUL is refused anywhere.
Result<Target> parse_target(std::string_view target);

// Splits a decoded path the way parse_target does: "/" → {""}, "/a/b" → {"a", "b"}.
std::vector<std::string> split_path(std::string_view path);

// Percent-encodes everything but RFC 3986 unreserved characters, for one path segment or one
// query key or value.
std::string encode_component(std::string_view text);

// `path` followed by "?k=v&..." with keys and values encoded; `path` alone when query is empty.
std::string with_query(std::string path, const std::map<std::string, std::string>& query);

}  // namespace meshchat::api
