#include "store/home_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace meshchat::store {

namespace {
std::error_code last_errno() {
  return {errno, std::generic_category()};
}
}  // namespace

Result<HomeLock> HomeLock::acquire(const std::filesystem::path& home) {
  const auto file = home / kHomeLockFile;
  // The file is never deleted: unlinking a lock file races with a process that has just opened
  // it and would let two daemons hold locks on two different inodes.
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(last_errno());
  // flock (not fcntl) locks belong to the open file description, so a second open in this same
  // process is refused too, and closing an unrelated descriptor of the file cannot drop it.
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    auto ec = errno == EWOULDBLOCK ? make_error_code(Error::home_in_use) : last_errno();
    ::close(fd);
    return fail(ec);
  }
  // The holder's pid, for a person wondering which process to stop; the lock itself is the flock.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] auto written = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return HomeLock(fd, home);
}

HomeLock::HomeLock(HomeLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), home_(std::move(other.home_)) {}

HomeLock& HomeLock::operator=(HomeLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    home_ = std::move(other.home_);
  }
  return *this;
}

HomeLock::~HomeLock() {
  release();
}

void HomeLock::release() noexcept {
  if (fd_ < 0) return;
  // Closing the only descriptor of the description drops the flock.
  ::close(fd_);
  fd_ = -1;
}

std::string describe_lock_error(const std::error_code& ec, const std::filesystem::path& home) {
  if (ec == Error::home_in_use) return "another meshchat daemon is using " + home.string();
  return "cannot lock " + (home / kHomeLockFile).string() + ": " + ec.message();
}

}  // namespace meshchat::store
