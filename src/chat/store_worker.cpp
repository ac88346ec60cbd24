#include "chat/store_worker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <stdexcept>

#include "store/database.hpp"
#include "store/transaction.hpp"
#include "store/wal_checkpointer.hpp"

namespace meshchat::chat {

namespace detail {

std::error_code report_job_exception(std::exception_ptr exception) noexcept {
  try {
    std::rethrow_exception(exception);
  } catch (const std::exception& e) {
    spdlog::error("store: job threw: {}", e.what());
  } catch (...) {
    spdlog::error("store: job threw a non-standard exception");
  }
  return std::make_error_code(std::errc::io_error);
}

}  // namespace detail

namespace {

// Each job's own savepoint; a failing job rolls back to it and the batch goes on.
constexpr std::string_view kJobSavepoint = "SAVEPOINT store_job";
constexpr std::string_view kJobRelease = "RELEASE store_job";
constexpr std::string_view kJobRollback = "ROLLBACK TO store_job";

// The batch's new text goes into the search index in one statement, then everything commits.
Result<void> commit_batch(ChatStore& store, store::Transaction& transaction) {
  if (auto r = store.index_pending_text(); !r) return r;
  return transaction.commit();
}

Result<void> run_sql(store::Database& db, std::string_view sql) {
  auto statement = db.prepare(sql);
  if (!statement) return fail(statement.error());
  return statement->run();
}

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Result<std::unique_ptr<StoreWorker>> StoreWorker::start(std::filesystem::path path,
                                                        crypto::PeerId self) {
  std::unique_ptr<StoreWorker> worker(new StoreWorker());
  std::promise<Result<void>> opened;
  auto open_result = opened.get_future();
  worker->thread_ = std::thread(&StoreWorker::thread_main, worker.get(), std::move(path),
                                std::move(self), std::move(opened));
  auto result = open_result.get();
  if (!result) {
    // The thread has returned after reporting; join before the worker goes away.
    worker->thread_.join();
    return fail(result.error());
  }
  return worker;
}

StoreWorker::~StoreWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

StoreWorker::Stats StoreWorker::stats() const {
  return {batches_.load(std::memory_order_relaxed), jobs_.load(std::memory_order_relaxed)};
}

void StoreWorker::enqueue(std::unique_ptr<detail::StoreJob> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void StoreWorker::thread_main(std::filesystem::path path, crypto::PeerId self,
                              std::promise<Result<void>> opened) {
  // The identity's creation time is the one timestamp the store takes from the wall clock:
  // nothing reads it back except people debugging.
  Result<ChatStore> store = fail(std::make_error_code(std::errc::io_error));
  try {
    store = ChatStore::open(path, self, wall_clock_ms());
  } catch (const std::exception& e) {
    spdlog::error("store: cannot open {}: {}", path.string(), e.what());
  }
  if (!store) {
    opened.set_value(fail(store.error()));
    return;
  }
  opened.set_value({});
  // Declared after the store: it stops before the connection it watches closes.
  auto checkpointer = store::WalCheckpointer::start(store->database());
  if (!checkpointer) {
    spdlog::warn("store: no background checkpoints ({}); commits checkpoint themselves",
                 checkpointer.error().message());
  }

  std::deque<std::unique_ptr<detail::StoreJob>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued job has run
      while (!queue_.empty() && batch.size() < kMaxJobsPerBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(*store, batch);
    batch.clear();
  }
}

void StoreWorker::run_batch(ChatStore& store,
                            std::deque<std::unique_ptr<detail::StoreJob>>& batch) {
  // Jobs almost never fail, and a savepoint per job costs more than many jobs themselves
  // (SQLite truncates its in-memory sub-journal on every release). So a batch first runs
  // without savepoints; only when a job fails is it rolled back whole and run again with one
  // savepoint per job, which is why jobs must not change anything but the store.
  if (!run_without_savepoints(store, batch)) run_with_savepoints(store, batch);

  batches_.fetch_add(1, std::memory_order_relaxed);
  jobs_.fetch_add(batch.size(), std::memory_order_relaxed);
  for (auto& job : batch) {
    try {
      job->complete();
    } catch (const std::exception& e) {
      // Posting allocates; without memory there is nobody left to tell.
      spdlog::error("store: cannot complete a job: {}", e.what());
    }
  }
}

bool StoreWorker::run_without_savepoints(ChatStore& store,
                                         std::deque<std::unique_ptr<detail::StoreJob>>& batch) {
  store::Database& db = store.database();
  auto transaction = store::Transaction::begin(db);
  if (!transaction) {
    spdlog::error("store: cannot begin a batch: {} ({})", transaction.error().message(),
                  db.last_error_message());
    for (auto& job : batch) job->fail(transaction.error());
    return true;
  }
  for (auto& job : batch) {
    if (!job->execute(store)) {
      transaction->rollback();
      return false;
    }
  }
  if (auto r = commit_batch(store, *transaction); !r) {
    spdlog::error("store: batch commit failed: {} ({})", r.error().message(),
                  db.last_error_message());
    transaction->rollback();
    for (auto& job : batch) job->fail(r.error());
  }
  return true;
}

void StoreWorker::run_with_savepoints(ChatStore& store,
                                      std::deque<std::unique_ptr<detail::StoreJob>>& batch) {
  store::Database& db = store.database();
  auto fail_all = [&](std::error_code error) {
    for (auto& job : batch) job->fail(error);
  };
  auto transaction = store::Transaction::begin(db);
  if (!transaction) {
    spdlog::error("store: cannot begin a batch: {} ({})", transaction.error().message(),
                  db.last_error_message());
    return fail_all(transaction.error());
  }
  std::optional<std::error_code> broken;
  for (auto& job : batch) {
    if (broken) {
      job->fail(*broken);
      continue;
    }
    if (auto r = run_sql(db, kJobSavepoint); !r) {
      broken = r.error();
      job->fail(r.error());
      continue;
    }
    const bool ok = job->execute(store);
    if (!ok) {
      // SQLite may have rolled back everything after an I/O error; then the batch is lost.
      if (!db.in_transaction()) {
        broken = std::make_error_code(std::errc::io_error);
        continue;
      }
      if (auto r = run_sql(db, kJobRollback); !r) broken = r.error();
    }
    if (!broken) {
      if (auto r = run_sql(db, kJobRelease); !r) broken = r.error();
    }
  }
  if (broken) {
    spdlog::error("store: batch aborted: {} ({})", broken->message(), db.last_error_message());
    transaction->rollback();
    fail_all(*broken);
  } else if (auto r = commit_batch(store, *transaction); !r) {
    spdlog::error("store: batch commit failed: {} ({})", r.error().message(),
                  db.last_error_message());
    transaction->rollback();
    fail_all(r.error());
  }
}

}  // namespace meshchat::chat
