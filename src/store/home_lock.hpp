// HomeLock: an exclusive flock on <home>/meshchat.lock, so that two daemons never share one
// home directory (and its database). Released when the HomeLock is destroyed or the process dies.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>

#include "core/result.hpp"
#include "store/error.hpp"

namespace meshchat::store {

inline constexpr const char* kHomeLockFile = "meshchat.lock";

class HomeLock {
 public:
  // Error::home_in_use when any other open file description holds the lock, including one in
  // this process; errno codes when the file cannot be opened.
  static Result<HomeLock> acquire(const std::filesystem::path& home);

  HomeLock(HomeLock&& other) noexcept;
  HomeLock& operator=(HomeLock&& other) noexcept;
  HomeLock(const HomeLock&) = delete;
  HomeLock& operator=(const HomeLock&) = delete;
  ~HomeLock();

  const std::filesystem::path& home() const { return home_; }

 private:
  HomeLock(int fd, std::filesystem::path home) : fd_(fd), home_(std::move(home)) {}
  void release() noexcept;

  int fd_ = -1;
  std::filesystem::path home_;
};

// The text to show for an acquire() failure, naming the directory:
// "another meshchat daemon is using /path/to/home".
std::string describe_lock_error(const std::error_code& ec, const std::filesystem::path& home);

}  // namespace meshchat::store
