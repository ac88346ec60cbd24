// Test helper: runs a child process with captured stdout/stderr, reads its output with
// deadlines, signals it and reaps it. Every wait is bounded, and children never outlive the test
// binary (Linux: they get SIGKILL when it dies, even by SIGKILL).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace meshchat::test {

class Process {
 public:
  // argv[0] is a path (no PATH search). Start processes from the thread that also ends them:
  // the child is killed when the thread that forked it exits.
  explicit Process(std::vector<std::string> argv);
  ~Process();  // SIGKILLs and reaps a child still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // The next stdout line, or nullopt at EOF or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void signal(int sig);
  // Exit status (or 128 + signal), or nullopt if still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Everything written to stderr so far (non-blocking drain).
  std::string stderr_text();
  pid_t pid() const { return pid_; }

 private:
  void drain_stderr();
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string stdout_buffer_;
  std::string stderr_buffer_;
  std::optional<int> status_;
};

struct RunResult {
  int status;
  std::string out;
  std::string err;
};

// Runs a command to completion (killed after `timeout`, status then 137).
RunResult run(std::vector<std::string> argv,
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace meshchat::test
