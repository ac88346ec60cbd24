// <home>/api.json: where the running daemon's local API listens and its bearer token, written
// by the daemon at start (mode 0600) and read by the CLI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace meshchat::api {

inline constexpr const char* kApiFileName = "api.json";

struct ApiEndpoint {
  std::uint16_t port = 0;
  std::string token;
};

// Writes {"port": N, "token": "...", "pid": getpid()} atomically (a temporary file, renamed):
// readers see the old file or the new one, never a part. The file is created with mode 0600,
// so the token is never readable by others, not even briefly.
Result<void> write_api_file(const std::filesystem::path& home, const ApiEndpoint& endpoint);

// Fails with ApiError::not_running when the file does not exist, ApiError::bad_api_file when
// it is not what write_api_file writes, or the I/O error.
Result<ApiEndpoint> read_api_file(const std::filesystem::path& home);

// Removes api.json if present (on daemon exit); errors are ignored.
void remove_api_file(const std::filesystem::path& home);

// 32 random bytes from the system CSPRNG as 64 lower-case hex digits.
std::string generate_token();

}  // namespace meshchat::api
