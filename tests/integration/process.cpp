#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
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
  // Everything the child needs is prepared before fork: between fork and exec it may only make
  // async-signal-safe calls (the test binary has other threads, whose locks the copy inherits).
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // A test binary that crashes or is killed takes its daemons with it (Linux only). The
    // signal follows the death of the forking thread; the tests start processes on their main
    // thread. If the parent died before prctl, nothing would ever send it: leave now.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0) {
      ::_exit(127);
    }
    ::execve(args[0], args.data(), environ);
    ::_exit(127);
  }
  int fork_errno = errno;
  ::close(out[1]);
  ::close(err[1]);
  if (pid_ < 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::runtime_error("fork failed for " + argv[0] + ": " + std::strerror(fork_errno));
  }
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
