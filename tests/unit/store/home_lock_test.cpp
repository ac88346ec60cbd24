#include "store/home_lock.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "temp_dir.hpp"

namespace meshchat::store {
namespace {

using testing::TempDir;

TEST(HomeLock, SecondLockInSameProcessFails) {
  TempDir dir;
  auto first = HomeLock::acquire(dir.path());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "meshchat.lock"));

  auto second = HomeLock::acquire(dir.path());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), Error::home_in_use);
  EXPECT_EQ(describe_lock_error(second.error(), dir.path()),
            "another meshchat daemon is using " + dir.path().string());
}

TEST(HomeLock, OtherProcessIsRefused) {
  TempDir dir;
  auto held = HomeLock::acquire(dir.path());
  ASSERT_TRUE(held);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = HomeLock::acquire(dir.path());
    ::_exit(!lock && lock.error() == Error::home_in_use ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(HomeLock, ReleasedOnDestruction) {
  TempDir dir;
  {
    auto held = HomeLock::acquire(dir.path());
    ASSERT_TRUE(held);
  }
  auto again = HomeLock::acquire(dir.path());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->home(), dir.path());
}

TEST(HomeLock, MoveTransfersOwnership) {
  TempDir dir;
  auto held = HomeLock::acquire(dir.path());
  ASSERT_TRUE(held);
  HomeLock moved = std::move(*held);
  EXPECT_FALSE(HomeLock::acquire(dir.path()));
  { HomeLock sink = std::move(moved); }
  EXPECT_TRUE(HomeLock::acquire(dir.path()));
}

TEST(HomeLock, RecordsHolderPid) {
  TempDir dir;
  auto held = HomeLock::acquire(dir.path());
  ASSERT_TRUE(held);
  std::ifstream in(dir.path() / "meshchat.lock");
  std::string pid;
  in >> pid;
  EXPECT_EQ(pid, std::to_string(::getpid()));
}

TEST(HomeLock, MissingDirectoryIsAnErrnoError) {
  TempDir dir;
  auto lock = HomeLock::acquire(dir.path() / "absent");
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error(), std::errc::no_such_file_or_directory);
  EXPECT_NE(describe_lock_error(lock.error(), dir.path() / "absent").find("meshchat.lock"),
            std::string::npos);
}

}  // namespace
}  // namespace meshchat::store
