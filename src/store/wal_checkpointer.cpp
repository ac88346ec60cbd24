#include "store/wal_checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace meshchat::store {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(Database& writer) {
  auto connection = Database::open(writer.path());
  if (!connection) return fail(connection.error());
  if (auto r = writer.execute("PRAGMA wal_autocheckpoint = 0"); !r) return fail(r.error());
  std::unique_ptr<WalCheckpointer> checkpointer(new WalCheckpointer(std::move(*connection)));
  checkpointer->writer_ = &writer;
  writer.set_wal_hook([self = checkpointer.get()](int log_pages) { self->on_commit(log_pages); });
  checkpointer->thread_ = std::thread(&WalCheckpointer::thread_main, checkpointer.get());
  return checkpointer;
}

WalCheckpointer::WalCheckpointer(Database connection) : connection_(std::move(connection)) {}

WalCheckpointer::~WalCheckpointer() {
  writer_->set_wal_hook(nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::uint64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

void WalCheckpointer::on_commit(int log_pages) {
  if (log_pages < kCheckpointPages) return;
  {
    std::lock_guard lock(mutex_);
    if (due_) return;
    due_ = true;
  }
  wake_.notify_one();
}

void WalCheckpointer::thread_main() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || due_; });
      if (!due_) return;  // stopping; closing the last connection checkpoints anyway
    }
    // PASSIVE never waits for the writer: pages it cannot copy yet wait for the next round.
    int log_pages = 0;
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &log_pages, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      spdlog::warn("store: checkpoint of {} failed: {}", connection_.path().string(),
                   sqlite3_errmsg(connection_.handle()));
    }
    std::lock_guard lock(mutex_);
    due_ = false;
    ++checkpoints_;
  }
}

}  // namespace meshchat::store
