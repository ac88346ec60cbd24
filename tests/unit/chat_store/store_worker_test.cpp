// StoreWorker: jobs run on the worker thread in batched transactions, complete on the caller's
// executor, fail in isolation, and are durable once completed.
#include "chat/store_worker.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "fixture.hpp"

namespace meshchat::chat {
namespace {

namespace asio = boost::asio;
using namespace testing;

std::unique_ptr<StoreWorker> start_worker(const TempDir& dir, const Identity& self = alice()) {
  auto worker = StoreWorker::start(dir.file("chat.db"), self.peer);
  if (!worker) throw std::runtime_error(worker.error().message());
  return std::move(*worker);
}

using VoidJob = std::function<Result<void>(ChatStore&)>;

VoidJob insert_job(Envelope envelope) {
  return [envelope = std::move(envelope)](ChatStore& store) -> Result<void> {
    if (auto r = store.insert_outgoing(envelope, bob().peer, 1); !r) return fail(r.error());
    return {};
  };
}

VoidJob preference_job(std::string key, bool then_fail) {
  return [key = std::move(key), then_fail](ChatStore& store) -> Result<void> {
    if (auto r = store.set_preference(key, "set"); !r) return r;
    if (then_fail) return fail(StoreError::unknown_message);
    return {};
  };
}

struct Tally {
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  std::atomic<int> on_wrong_thread{0};
};

// A free coroutine with parameters by value (GCC 12: no capturing coroutine lambdas).
asio::awaitable<void> insert_and_count(StoreWorker* worker, Envelope envelope, Tally* tally,
                                       std::thread::id io_thread) {
  VoidJob job = insert_job(std::move(envelope));
  Result<void> result = co_await worker->run<void>(std::move(job));
  if (!result) tally->failed++;
  if (std::this_thread::get_id() != io_thread) tally->on_wrong_thread++;
  tally->done++;
}

std::int64_t messages_on_disk(const TempDir& dir) {
  auto store = ChatStore::open(dir.file("chat.db"), alice().peer, 1);
  if (!store) throw std::runtime_error(store.error().message());
  return count_rows(*store, "SELECT count(*) FROM messages");
}

TEST(StoreWorker, StartFailsOnBadPathOrWrongIdentity) {
  TempDir dir;
  auto missing = StoreWorker::start(dir.file("no/such/dir/chat.db"), alice().peer);
  EXPECT_FALSE(missing);
  { auto worker = start_worker(dir); }
  auto other = StoreWorker::start(dir.file("chat.db"), bob().peer);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error(), StoreError::wrong_identity);
}

TEST(StoreWorker, ManyConcurrentAwaitersCompleteInBatchesOnTheCallersThread) {
  constexpr int kJobs = 10'000;
  std::vector<Envelope> envelopes;
  envelopes.reserve(kJobs);
  for (int i = 0; i < kJobs; ++i) {
    envelopes.push_back(
        text(alice(), bob(), "message " + std::to_string(i), at(static_cast<std::uint64_t>(i))));
  }

  TempDir dir;
  auto worker = start_worker(dir);
  asio::io_context io;
  Tally tally;
  std::thread::id io_thread;
  std::thread runner([&] {
    io_thread = std::this_thread::get_id();
    for (auto& e : envelopes) {
      asio::co_spawn(io, insert_and_count(worker.get(), std::move(e), &tally, io_thread),
                     asio::detached);
    }
    io.run();  // returns once every completion has arrived: the jobs hold work guards
  });
  runner.join();

  EXPECT_EQ(tally.done, kJobs);
  EXPECT_EQ(tally.failed, 0);
  EXPECT_EQ(tally.on_wrong_thread, 0);
  auto stats = worker->stats();
  EXPECT_EQ(stats.jobs, static_cast<std::uint64_t>(kJobs));
  EXPECT_LT(stats.batches, stats.jobs);
  std::printf("[          ] %d jobs in %llu batches\n", kJobs,
              static_cast<unsigned long long>(stats.batches));

  worker.reset();
  EXPECT_EQ(messages_on_disk(dir), kJobs);
}

// Holds the worker inside its first job until the test has queued the next ones, so that those
// form one batch.
struct Gate {
  std::promise<void> entered;
  std::promise<void> release;
};

TEST(StoreWorker, FailingJobIsRolledBackAlone) {
  TempDir dir;
  auto worker = start_worker(dir);
  asio::io_context io;
  auto gate = std::make_shared<Gate>();
  std::shared_future<void> released = gate->release.get_future().share();

  std::vector<std::optional<Result<void>>> results(5);
  auto record = [&](std::size_t i) {
    return [&results, i](Result<void> r) { results[i] = std::move(r); };
  };
  worker->post<void>(
      [gate, released](ChatStore&) -> Result<void> {
        gate->entered.set_value();
        released.wait();
        return {};
      },
      io.get_executor(), record(0));
  gate->entered.get_future().wait();
  const auto before = worker->stats();

  worker->post<void>(preference_job("a", false), io.get_executor(), record(1));
  worker->post<void>(preference_job("b", true), io.get_executor(), record(2));
  worker->post<void>(
      [](ChatStore& store) -> Result<void> {
        (void)store.set_preference("c", "set");
        throw std::runtime_error("a bug in a job");
      },
      io.get_executor(), record(3));
  worker->post<void>(preference_job("d", false), io.get_executor(), record(4));
  gate->release.set_value();
  io.run();

  for (const auto& r : results) ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(*results[0]);
  EXPECT_TRUE(*results[1]);
  ASSERT_FALSE(*results[2]);
  EXPECT_EQ(results[2]->error(), StoreError::unknown_message);
  ASSERT_FALSE(*results[3]);
  EXPECT_EQ(results[3]->error(), std::errc::io_error);
  EXPECT_TRUE(*results[4]);
  const auto after = worker->stats();
  EXPECT_EQ(after.jobs - before.jobs, 5u);        // the gate's job is counted once its batch ends
  EXPECT_EQ(after.batches - before.batches, 2u);  // the gate's batch, then the other four

  // Read through the worker: a and d committed, b and c rolled back.
  asio::io_context io2;
  std::vector<std::optional<std::string>> values;
  worker->post<std::vector<std::optional<std::string>>>(
      [](ChatStore& store) -> Result<std::vector<std::optional<std::string>>> {
        std::vector<std::optional<std::string>> out;
        for (const char* key : {"a", "b", "c", "d"}) {
          auto value = store.preference(key);
          if (!value) return fail(value.error());
          out.push_back(*value);
        }
        return out;
      },
      io2.get_executor(),
      [&values](Result<std::vector<std::optional<std::string>>> r) { values = r.value(); });
  io2.run();
  EXPECT_EQ(values,
            (std::vector<std::optional<std::string>>{"set", std::nullopt, std::nullopt, "set"}));
}

// A job before a failing one runs twice (the batch is redone with savepoints); the second run
// sees the store as it was before the batch, so its write lands once.
TEST(StoreWorker, JobsRedoneAfterAFailureSeeTheStoreUnchanged) {
  TempDir dir;
  auto worker = start_worker(dir);
  asio::io_context io;
  auto gate = std::make_shared<Gate>();
  std::shared_future<void> released = gate->release.get_future().share();
  worker->post<void>(
      [gate, released](ChatStore&) -> Result<void> {
        gate->entered.set_value();
        released.wait();
        return {};
      },
      io.get_executor(), [](Result<void>) {});
  gate->entered.get_future().wait();

  auto runs = std::make_shared<int>(0);
  std::optional<Result<void>> increment_result;
  worker->post<void>(
      [runs](ChatStore& store) -> Result<void> {
        ++*runs;
        auto value = store.preference("counter");
        if (!value) return fail(value.error());
        int next = *value ? std::stoi(**value) + 1 : 1;
        return store.set_preference("counter", std::to_string(next));
      },
      io.get_executor(), [&](Result<void> r) { increment_result = std::move(r); });
  worker->post<void>(preference_job("x", true), io.get_executor(), [](Result<void>) {});
  gate->release.set_value();
  io.run();

  ASSERT_TRUE(increment_result && *increment_result);
  EXPECT_EQ(*runs, 2);
  asio::io_context io2;
  std::optional<std::string> counter;
  worker->post<std::optional<std::string>>(
      [](ChatStore& store) { return store.preference("counter"); }, io2.get_executor(),
      [&counter](Result<std::optional<std::string>> r) { counter = r.value(); });
  io2.run();
  EXPECT_EQ(counter, "1");
}

TEST(StoreWorker, FailedCommitFailsTheWholeBatch) {
  TempDir dir;
  auto worker = start_worker(dir);
  asio::io_context io;
  auto gate = std::make_shared<Gate>();
  std::shared_future<void> released = gate->release.get_future().share();
  std::vector<std::optional<Result<void>>> results(3);
  auto record = [&](std::size_t i) {
    return [&results, i](Result<void> r) { results[i] = std::move(r); };
  };
  worker->post<void>(
      [gate, released](ChatStore&) -> Result<void> {
        gate->entered.set_value();
        released.wait();
        return {};
      },
      io.get_executor(), record(0));
  gate->entered.get_future().wait();

  worker->post<void>(preference_job("fine", false), io.get_executor(), record(1));
  // A foreign key violation deferred to COMMIT: the job succeeds, the commit does not.
  worker->post<void>(
      [](ChatStore& store) -> Result<void> {
        if (auto r = store.database().execute("PRAGMA defer_foreign_keys = ON"); !r) return r;
        return store.database().execute(
            "INSERT INTO outbox (message_seq, peer_id, next_attempt_at) VALUES (0, x'00', 0)");
      },
      io.get_executor(), record(2));
  gate->release.set_value();
  io.run();

  ASSERT_TRUE(results[0] && *results[0]);
  ASSERT_TRUE(results[1] && results[2]);
  ASSERT_FALSE(*results[1]);
  ASSERT_FALSE(*results[2]);
  EXPECT_EQ(results[1]->error(), results[2]->error());
  EXPECT_EQ(store::sqlite_primary_code(results[1]->error()), 19);  // SQLITE_CONSTRAINT

  // Nothing of the batch was kept, and the worker goes on.
  asio::io_context io2;
  std::optional<Result<std::optional<std::string>>> fine;
  worker->post<std::optional<std::string>>(
      [](ChatStore& store) { return store.preference("fine"); }, io2.get_executor(),
      [&fine](Result<std::optional<std::string>> r) { fine = std::move(r); });
  io2.run();
  ASSERT_TRUE(fine && *fine);
  EXPECT_EQ(**fine, std::nullopt);
}

asio::awaitable<void> typed_results(StoreWorker* worker, std::promise<std::string> out) {
  std::function<Result<int>(ChatStore&)> count = [](ChatStore& store) -> Result<int> {
    auto size = store.outbox_size();
    if (!size) return fail(size.error());
    return static_cast<int>(*size) + 41;
  };
  Result<int> number = co_await worker->run<int>(std::move(count));
  std::function<Result<std::string>(ChatStore&)> failing = [](ChatStore&) -> Result<std::string> {
    return fail(StoreError::unknown_conversation);
  };
  Result<std::string> error = co_await worker->run<std::string>(std::move(failing));
  out.set_value(std::to_string(number.value_or(-1)) + " " + error.error().message());
}

TEST(StoreWorker, RunCarriesValuesAndErrors) {
  TempDir dir;
  auto worker = start_worker(dir);
  asio::io_context io;
  std::promise<std::string> out;
  auto answer = out.get_future();
  asio::co_spawn(io, typed_results(worker.get(), std::move(out)), asio::detached);
  io.run();
  EXPECT_EQ(answer.get(), "41 conversation unknown or not shared with this peer");
}

TEST(StoreWorker, DestructorFinishesQueuedJobsDurably) {
  constexpr int kJobs = 300;
  TempDir dir;
  std::atomic<int> completed{0};
  asio::io_context io;
  {
    auto worker = start_worker(dir);
    for (int i = 0; i < kJobs; ++i) {
      worker->post<void>(insert_job(text(alice(), bob(), "m" + std::to_string(i),
                                         at(static_cast<std::uint64_t>(i)))),
                         io.get_executor(), [&completed](Result<void> r) {
                           if (r) completed++;
                         });
    }
  }  // destroyed with jobs still queued
  EXPECT_EQ(messages_on_disk(dir), kJobs);
  io.run();  // the completions were posted before the worker went away
  EXPECT_EQ(completed, kJobs);
}

// A completed write survives the process being killed right after its completion arrived: no
// destructor, no checkpoint, no further commit runs.
TEST(StoreWorker, CompletedWriteSurvivesSigkill) {
  TempDir dir;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto worker = StoreWorker::start(dir.file("chat.db"), alice().peer);
    if (!worker) ::_exit(2);
    asio::io_context io;
    bool stored = false;
    (*worker)->post<void>(insert_job(text(alice(), bob(), "kept", at(1))), io.get_executor(),
                          [&stored](Result<void> r) { stored = r.has_value(); });
    io.run();
    if (!stored) ::_exit(3);
    ::raise(SIGKILL);
    ::_exit(4);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit code " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_EQ(messages_on_disk(dir), 1);
}

}  // namespace
}  // namespace meshchat::chat
