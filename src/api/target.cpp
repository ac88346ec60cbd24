#include "api/target.hpp"

#include <optional>

#include "api/error.hpp"

namespace meshchat::api {

namespace {

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// Bytes a target may hold before decoding: visible ASCII; '#' would start a fragment, which
// clients never send.
bool is_target_char(char c) {
  return c > 0x20 && c < 0x7f && c != '#';
}

enum class Part { path, query };

// Decodes one path or query component; nullopt on a bad escape, a NUL, or (in the path) an
// encoded '/'.
std::optional<std::string> decode(std::string_view text, Part part) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && part == Part::query) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (text.size() - i < 3) return std::nullopt;  // '%' needs two hex digits after it
    auto high = hex_value(text[i + 1]);
    auto low = hex_value(text[i + 2]);
    if (!high || !low) return std::nullopt;
    char decoded = static_cast<char>(*high * 16 + *low);
    if (decoded == '\0') return std::nullopt;
    if (decoded == '/' && part == Part::path) return std::nullopt;
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

Result<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return fail(ApiError::malformed_target);
  for (char c : target) {
    if (!is_target_char(c)) return fail(ApiError::malformed_target);
  }
  auto question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  Target out;
  auto path = decode(raw_path, Part::path);
  if (!path) return fail(ApiError::malformed_target);
  out.path = std::move(*path);
  out.segments = split_path(out.path);
  if (question == std::string_view::npos) return out;

  std::string_view raw_query = target.substr(question + 1);
  while (!raw_query.empty()) {
    auto amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"
    auto equals = pair.find('=');
    auto key = decode(pair.substr(0, equals), Part::query);
    auto value =
        decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
               Part::query);
    if (!key || !value) return fail(ApiError::malformed_target);
    if (key->empty()) continue;  // "=x" names nothing
    out.query.emplace(std::move(*key), std::move(*value));
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::string encode_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c)) {
      out.push_back(c);
      continue;
    }
    auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  return out;
}

std::string with_query(std::string path, const std::map<std::string, std::string>& query) {
  char separator = '?';
  for (const auto& [key, value] : query) {
    path.push_back(separator);
    path += encode_component(key);
    path.push_back('=');
    path += encode_component(value);
    separator = '&';
  }
  return path;
}

}  // namespace meshchat::api
