#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace meshchat::test {

namespace {
using namespace std::chrono;

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Reads what is available; false at EOF.
bool read_available(int fd, std::string& into) {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EINTR;
  }
}

int decode_status(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return -1;
}
}  // namespace

Process::Process(std::vector<std::string> argv) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) throw std::runtime_error("posix_spawn failed for " + argv[0]);
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  set_nonblocking(stdout_fd_);
  set_nonblocking(stderr_fd_);
}

Process::~Process() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    wait(seconds(10));
  }
  ::close(stdout_fd_);
  ::close(stderr_fd_);
}

std::optional<std::string> Process::read_line(milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  bool open = true;
  for (;;) {
    if (auto nl = stdout_buffer_.find('\n'); nl != std::string::npos) {
      std::string line = stdout_buffer_.substr(0, nl);
      stdout_buffer_.erase(0, nl + 1);
      return line;
    }
    if (!open) return std::nullopt;
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
    ::poll(fds, 2, static_cast<int>(left.count()));
    drain_stderr();
    open = read_available(stdout_fd_, stdout_buffer_);
  }
}

void Process::drain_stderr() {
  read_available(stderr_fd_, stderr_buffer_);
}

std::string Process::stderr_text() {
  drain_stderr();
  return stderr_buffer_;
}

void Process::signal(int sig) {
  if (!status_) ::kill(pid_, sig);
}

std::optional<int> Process::wait(milliseconds timeout) {
  if (status_) return status_;
  auto deadline = steady_clock::now() + timeout;
  for (;;) {
    int raw = 0;
    pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
      status_ = decode_status(raw);
      return status_;
    }
    if (steady_clock::now() >= deadline) return std::nullopt;
    drain_stderr();
    ::usleep(5000);
  }
}

RunResult run(std::vector<std::string> argv, milliseconds timeout) {
  Process process(std::move(argv));
  std::string out;
  auto deadline = steady_clock::now() + timeout;
  while (auto line =
             process.read_line(duration_cast<milliseconds>(deadline - steady_clock::now()))) {
    out += *line + "\n";
  }
  auto status =
      process.wait(duration_cast<milliseconds>(deadline - steady_clock::now()) + milliseconds(100));
  if (!status) {
    process.signal(SIGKILL);
    status = process.wait(seconds(10));
  }
  return {status.value_or(-1), out, process.stderr_text()};
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "meshchat-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace meshchat::test
