// The node's home directory: where its identity, profile and database live.
// Resolution order: --home, $MESHCHAT_HOME, $XDG_DATA_HOME/meshchat, ~/.local/share/meshchat.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace meshchat::node {

// The per-identity SQLite database (DESIGN.md §6).
inline constexpr const char* kDatabaseFileName = "meshchat.db";

std::filesystem::path resolve_home(const std::optional<std::string>& flag);

// Creates the directory (mode 0700) if missing.
Result<void> ensure_home(const std::filesystem::path& home);

}  // namespace meshchat::node
