// WalCheckpointer: copies a database's write-ahead log back into the file on its own thread and
// connection, so that the writer never stalls on a checkpoint's copying and fsync.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/result.hpp"
#include "store/database.hpp"

namespace meshchat::store {

// SQLite's own default threshold: a checkpoint is worth its fsync once the log holds this many
// pages (4 MiB at the default page size).
inline constexpr int kCheckpointPages = 1000;

class WalCheckpointer {
 public:
  // Opens a second connection to `path` and turns the automatic checkpoint off on `writer`
  // (whose commits run the checkpoint there otherwise); `writer` then tells this object how
  // long the log is after each commit. `writer` must outlive the checkpointer.
  static Result<std::unique_ptr<WalCheckpointer>> start(Database& writer);
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;
  // Runs a last checkpoint if one is due, then joins the thread.
  ~WalCheckpointer();

  std::uint64_t checkpoints() const;

 private:
  explicit WalCheckpointer(Database connection);
  void on_commit(int log_pages);
  void thread_main();

  Database connection_;  // used by the thread only
  Database* writer_ = nullptr;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;               // guarded by mutex_
  bool stopping_ = false;          // guarded by mutex_
  std::uint64_t checkpoints_ = 0;  // guarded by mutex_
};

}  // namespace meshchat::store
