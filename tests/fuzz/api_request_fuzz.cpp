// Feeds arbitrary bytes to the local API's request parsing: the request-target parser, route
// matching and the JSON body checks with the field accessors. Input: one method byte, the
// target up to the first '\n', the body after it. Aborts on an undocumented error, on a target
// whose re-encoding parses differently, or on a 400 from a helper that is not JSON {"error":…}.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "api/error.hpp"
#include "api/router.hpp"
#include "api/target.hpp"
#include "api/validation.hpp"

namespace api = meshchat::api;
using boost::beast::http::verb;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

boost::asio::awaitable<api::Response> unused_handler(api::Request) {
  co_return api::Response{};
}

void check_target(std::string_view text) {
  auto target = api::parse_target(text);
  if (!target) {
    check(target.error() == api::ApiError::malformed_target);
    return;
  }
  check(!target->path.empty() && target->path.front() == '/');
  check(target->segments == api::split_path(target->path));
  // decode, encode, decode gives the same components.
  std::string path;
  for (const auto& segment : target->segments) path += "/" + api::encode_component(segment);
  auto again = api::parse_target(api::with_query(path, target->query));
  check(again.has_value());
  check(again->path == target->path && again->segments == target->segments &&
        again->query == target->query);

  api::Router router;
  router.add(verb::get, "/v1/contacts/{peer}", unused_handler);
  router.add(verb::get, "/v1/contacts/me", unused_handler);
  router.add(verb::post, "/v1/conversations/{id}/messages", unused_handler);
  for (auto method : {verb::get, verb::post}) {
    auto found = router.match(method, target->segments);
    check(found.handler == nullptr || found.allowed.empty());
    for (const auto& [name, value] : found.params) check(!value.empty());
  }
}

void check_refusal(const std::optional<api::Response>& refusal) {
  if (!refusal) return;
  check(refusal->status == 400);
  check(refusal->body.is_object() && refusal->body["error"].is_string());
}

void check_body(verb method, std::string_view text) {
  nlohmann::json body;
  auto refusal = api::parse_json_body(method, text, body);
  check_refusal(refusal);
  if (refusal) {
    check(body.is_null());
    return;
  }
  (void)body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string text_field;
  std::int64_t number = 0;
  std::optional<std::int64_t> optional_number;
  std::optional<bool> flag;
  check_refusal(api::require_string(body, "text", text_field));
  check_refusal(api::require_int(body, "limit", 1, 500, number));
  check_refusal(api::optional_int(body, "before", std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max(), optional_number));
  check_refusal(api::optional_bool(body, "read", flag));
  check_refusal(api::reject_unknown_fields(body, {"text", "limit", "before", "read"}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr verb kMethods[] = {verb::get, verb::post, verb::put, verb::patch, verb::delete_};
  verb method = kMethods[data[0] % std::size(kMethods)];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto newline = rest.find('\n');
  check_target(rest.substr(0, newline));
  if (newline != std::string_view::npos) check_body(method, rest.substr(newline + 1));
  return 0;
}
