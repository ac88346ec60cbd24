#include "node/home.hpp"

#include <cstdlib>
#include <system_error>

namespace meshchat::node {

std::filesystem::path resolve_home(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return *flag;
  if (const char* env = std::getenv("MESHCHAT_HOME"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "meshchat";
  }
  const char* user_home = std::getenv("HOME");
  return std::filesystem::path(user_home && *user_home ? user_home : ".") / ".local" / "share" /
         "meshchat";
}

Result<void> ensure_home(const std::filesystem::path& home) {
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec) return fail(ec);
  // Only the owner may read keys and messages.
  std::filesystem::permissions(home, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec) return fail(ec);
  return {};
}

}  // namespace meshchat::node
