// StoreWorker: the ChatStore on its own thread. Jobs queued while a batch runs form the next
// batch, committed in one transaction; awaiters complete on their own executors afterwards.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "chat/chat_store.hpp"
#include "core/result.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::chat {

// Larger batches amortize the commit further but hold every awaiter of the batch until the
// last job ran; 1024 small writes take a few tens of milliseconds.
inline constexpr std::size_t kMaxJobsPerBatch = 1024;

namespace detail {

// A queued job, type-erased so that one queue carries every result type. The worker calls
// execute() (again, inside a savepoint, if another job of the batch failed), then fail() if
// the commit failed, then complete().
class StoreJob {
 public:
  virtual ~StoreJob() = default;
  // Runs the job; false when it failed and its savepoint must be rolled back.
  virtual bool execute(ChatStore& store) noexcept = 0;
  // Replaces the job's result with `error` (the batch did not commit).
  virtual void fail(std::error_code error) noexcept = 0;
  // Posts the result to the job's executor.
  virtual void complete() = 0;
};

// Logs an exception a job threw and returns the error its awaiter gets (std::errc::io_error).
std::error_code report_job_exception(std::exception_ptr exception) noexcept;

// Runs `job`, turning an exception (a bug in the job) into an error: a daemon must not
// terminate because one job threw.
template <class T>
Result<T> run_guarded(const std::function<Result<T>(ChatStore&)>& job, ChatStore& store) noexcept {
  try {
    return job(store);
  } catch (...) {
    return tl::unexpected<std::error_code>(report_job_exception(std::current_exception()));
  }
}

template <class T, class Handler>
class HandlerJob final : public StoreJob {
 public:
  using Executor = boost::asio::associated_executor_t<Handler, boost::asio::any_io_executor>;

  HandlerJob(std::function<Result<T>(ChatStore&)> job, Handler handler,
             boost::asio::any_io_executor fallback)
      : job_(std::move(job)),
        handler_(std::move(handler)),
        work_(boost::asio::get_associated_executor(handler_, fallback)) {}

  bool execute(ChatStore& store) noexcept override {
    result_.emplace(run_guarded<T>(job_, store));
    return result_->has_value();
  }
  void fail(std::error_code error) noexcept override {
    result_.emplace(tl::unexpected<std::error_code>(error));
  }
  void complete() override {
    if (!result_) result_.emplace(tl::unexpected(std::make_error_code(std::errc::io_error)));
    Executor executor = work_.get_executor();
    // Posted, never run here: the handler belongs to the caller's thread.
    boost::asio::post(
        executor, [handler = std::move(handler_), result = std::move(*result_),
                   work = std::move(work_)]() mutable { std::move(handler)(std::move(result)); });
  }

 private:
  std::function<Result<T>(ChatStore&)> job_;
  Handler handler_;
  // Keeps the caller's io_context running until the result arrives.
  boost::asio::executor_work_guard<Executor> work_;
  std::optional<Result<T>> result_;
};

}  // namespace detail

class StoreWorker {
 public:
  // Opens the ChatStore at `path` for `self` on a new thread; returns when open (or its error).
  static Result<std::unique_ptr<StoreWorker>> start(std::filesystem::path path,
                                                    crypto::PeerId self);
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;
  // Finishes queued jobs, then joins the thread.
  ~StoreWorker();

  // Runs `job` on the worker thread and completes on the awaiting coroutine's executor.
  // Jobs queued while a batch runs form the next batch: the worker takes all queued jobs (up to
  // kMaxJobsPerBatch), runs them inside one BEGIN IMMEDIATE transaction and commits once; a job
  // returning an error is rolled back alone (the batch is redone with a SAVEPOINT per job, so
  // a job may run twice and must change nothing but the store), and only then completes the
  // awaiters (so a completed write is durable: synchronous=NORMAL in WAL survives a process kill).
  // If the commit fails every job of the batch gets the error. A job that throws gets
  // std::errc::io_error.
  template <class T>
  boost::asio::awaitable<Result<T>> run(std::function<Result<T>(ChatStore&)> job) {
    return async_run<T>(std::move(job), boost::asio::use_awaitable);
  }

  // Same, for callers not in a coroutine: `done` is posted to `executor`.
  template <class T>
  void post(std::function<Result<T>(ChatStore&)> job, boost::asio::any_io_executor executor,
            std::function<void(Result<T>)> done) {
    enqueue(std::make_unique<detail::HandlerJob<T, std::function<void(Result<T>)>>>(
        std::move(job), std::move(done), std::move(executor)));
  }

  // The general form behind run(): any Asio completion token with signature void(Result<T>).
  // The handler runs through its associated executor (its io_context if it has none).
  template <class T, class CompletionToken>
  auto async_run(std::function<Result<T>(ChatStore&)> job, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(Result<T>)>(Initiation<T>{this}, token,
                                                                         std::move(job));
  }

  struct Stats {
    std::uint64_t batches;
    std::uint64_t jobs;
  };
  Stats stats() const;

 private:
  template <class T>
  struct Initiation {
    StoreWorker* worker;
    template <class Handler>
    void operator()(Handler&& handler, std::function<Result<T>(ChatStore&)> job) const {
      // A handler without an executor of its own (a plain callback) gets the system executor.
      boost::asio::any_io_executor fallback = boost::asio::system_executor();
      worker->enqueue(std::make_unique<detail::HandlerJob<T, std::decay_t<Handler>>>(
          std::move(job), std::forward<Handler>(handler), std::move(fallback)));
    }
  };

  StoreWorker() = default;
  void enqueue(std::unique_ptr<detail::StoreJob> job);
  void thread_main(std::filesystem::path path, crypto::PeerId self,
                   std::promise<Result<void>> opened);
  void run_batch(ChatStore& store, std::deque<std::unique_ptr<detail::StoreJob>>& batch);
  // false (and nothing kept) when a job failed: the batch must run again with savepoints.
  bool run_without_savepoints(ChatStore& store,
                              std::deque<std::unique_ptr<detail::StoreJob>>& batch);
  void run_with_savepoints(ChatStore& store, std::deque<std::unique_ptr<detail::StoreJob>>& batch);

  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<detail::StoreJob>> queue_;  // guarded by mutex_
  bool stopping_ = false;                                // guarded by mutex_
  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> jobs_{0};
};

}  // namespace meshchat::chat
