// Throughput figures for the batched hot paths: printed for the record, never asserted (the
// machine running the tests is shared). The checks only make sure the work was done.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include <boost/asio/io_context.hpp>

#include "chat/store_worker.hpp"
#include "fixture.hpp"
#include "store/transaction.hpp"

namespace meshchat::chat {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Process CPU time: on a machine shared with other builds, wall time alone says little.
double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

TEST(ChatStoreThroughput, OutgoingAndReceiptsInOneTransaction) {
  constexpr int kMessages = 20'000;
  std::vector<Envelope> envelopes;
  envelopes.reserve(kMessages);
  for (int i = 0; i < kMessages; ++i) {
    envelopes.push_back(text(alice(), bob(), "message number " + std::to_string(i),
                             at(static_cast<std::uint64_t>(i))));
  }
  std::vector<MessageId> ids;
  for (const auto& e : envelopes) ids.push_back(e.id());

  TempDir dir;
  auto store = open_store(dir);
  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  {
    auto tx = store::Transaction::begin(store.database());
    ASSERT_TRUE(tx);
    for (const auto& e : envelopes) ASSERT_TRUE(store.insert_outgoing(e, bob().peer, 1));
    ASSERT_TRUE(tx->commit());
  }
  const double insert_seconds = seconds_since(start);
  const double insert_cpu = cpu_seconds() - cpu_start;

  start = Clock::now();
  cpu_start = cpu_seconds();
  {
    auto tx = store::Transaction::begin(store.database());
    ASSERT_TRUE(tx);
    // Receipts arrive in acknowledgement frames of a few hundred ids.
    for (std::size_t i = 0; i < ids.size(); i += 256) {
      std::vector<MessageId> frame(
          ids.begin() + static_cast<std::ptrdiff_t>(i),
          ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + 256)));
      ASSERT_TRUE(store.apply_receipts(bob().peer, frame, store::ReceiptState::delivered, 2));
    }
    ASSERT_TRUE(tx->commit());
  }
  const double receipt_seconds = seconds_since(start);
  const double receipt_cpu = cpu_seconds() - cpu_start;
  EXPECT_EQ(store.outbox_size(), 0);
  std::printf(
      "[          ] insert_outgoing: %.0f messages/s (%.0f per CPU second);"
      " apply_receipts: %.0f messages/s (%.0f per CPU second)\n",
      kMessages / insert_seconds, kMessages / insert_cpu, kMessages / receipt_seconds,
      kMessages / receipt_cpu);
  std::printf("[          ] together: %.0f messages/s (%.0f per CPU second)\n",
              kMessages / (insert_seconds + receipt_seconds),
              kMessages / (insert_cpu + receipt_cpu));
  auto cache = store.database().cache_stats();
  std::printf("[          ] statement cache: %zu statements, %llu hits, %llu misses\n", cache.size,
              static_cast<unsigned long long>(cache.hits),
              static_cast<unsigned long long>(cache.misses));
}

// The daemon's path: one job per message through the worker, each in its own savepoint, then
// one job per acknowledgement frame.
TEST(ChatStoreThroughput, OutgoingAndReceiptsThroughTheWorker) {
  constexpr int kMessages = 20'000;
  std::vector<Envelope> envelopes;
  envelopes.reserve(kMessages);
  for (int i = 0; i < kMessages; ++i) {
    envelopes.push_back(text(alice(), bob(), "message number " + std::to_string(i),
                             at(static_cast<std::uint64_t>(i))));
  }
  TempDir dir;
  auto started = StoreWorker::start(dir.file("chat.db"), alice().peer);
  ASSERT_TRUE(started);
  auto worker = std::move(*started);
  boost::asio::io_context io;
  int failures = 0;
  auto count_failure = [&failures](Result<void> r) {
    if (!r) ++failures;
  };

  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  for (const Envelope& e : envelopes) {
    worker->post<void>(
        [&e](ChatStore& store) -> Result<void> {
          if (auto r = store.insert_outgoing(e, bob().peer, 1); !r) return fail(r.error());
          return {};
        },
        io.get_executor(), count_failure);
  }
  io.run();
  const double insert_seconds = seconds_since(start);
  const double insert_cpu = cpu_seconds() - cpu_start;

  io.restart();
  start = Clock::now();
  cpu_start = cpu_seconds();
  for (std::size_t i = 0; i < envelopes.size(); i += 256) {
    std::vector<MessageId> frame;
    for (std::size_t j = i; j < std::min(envelopes.size(), i + 256); ++j) {
      frame.push_back(envelopes[j].id());
    }
    worker->post<void>(
        [frame = std::move(frame)](ChatStore& store) -> Result<void> {
          auto r = store.apply_receipts(bob().peer, frame, store::ReceiptState::delivered, 2);
          if (!r) return fail(r.error());
          return {};
        },
        io.get_executor(), count_failure);
  }
  io.run();
  const double receipt_seconds = seconds_since(start);
  const double receipt_cpu = cpu_seconds() - cpu_start;
  EXPECT_EQ(failures, 0);

  std::int64_t left = -1;
  worker->post<std::int64_t>([](ChatStore& store) { return store.outbox_size(); },
                             io.get_executor(), [&left](Result<std::int64_t> r) { left = *r; });
  io.restart();
  io.run();
  EXPECT_EQ(left, 0);
  std::printf(
      "[          ] worker: insert_outgoing %.0f messages/s (%.0f per CPU second),"
      " apply_receipts %.0f messages/s, %llu batches\n",
      kMessages / insert_seconds, kMessages / insert_cpu, kMessages / receipt_seconds,
      static_cast<unsigned long long>(worker->stats().batches));
  std::printf("[          ] worker: together %.0f messages/s (%.0f per CPU second)\n",
              kMessages / (insert_seconds + receipt_seconds),
              kMessages / (insert_cpu + receipt_cpu));
}

TEST(ChatStoreThroughput, SyncItemsOfALargeConversation) {
  constexpr int kRows = 100'000;
  TempDir dir;
  auto store = open_store(dir);
  const ConversationId conversation = *store.ensure_direct_conversation(bob().peer, 1);
  // Rows written directly: signing 100k envelopes would measure Ed25519, not the store.
  {
    auto tx = store::Transaction::begin(store.database());
    ASSERT_TRUE(tx);
    auto insert = store.database().prepare(
        "INSERT INTO messages (id, conversation_id, author, hlc_wall_ms, hlc_counter, type, body,"
        " envelope, direction, state) VALUES (?, ?, ?, ?, ?, 1, 'x', x'00', 0, 2)");
    ASSERT_TRUE(insert);
    for (int i = 0; i < kRows; ++i) {
      MessageId id{};
      for (int b = 0; b < 4; ++b)
        id[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(i >> (8 * b));
      insert->reset();
      insert->bind_blob(1, ByteView(id.data(), id.size()))
          .bind_blob(2, ByteView(conversation.data(), conversation.size()))
          .bind_blob(3, bob().peer.bytes())
          .bind_int64(4, static_cast<std::int64_t>(kBaseWallMs) + i / 3)
          .bind_int64(5, i % 3);
      ASSERT_TRUE(insert->run());
    }
    ASSERT_TRUE(tx->commit());
  }
  auto start = Clock::now();
  auto items = store.sync_items(conversation);
  const double seconds = seconds_since(start);
  ASSERT_TRUE(items);
  EXPECT_EQ(items->size(), static_cast<std::size_t>(kRows));
  EXPECT_TRUE(std::is_sorted(items->begin(), items->end()));
  std::printf("[          ] sync_items: %d rows in %.1f ms\n", kRows, seconds * 1000);

  // The plan must use an index, not scan the table.
  auto plan = store.database().prepare(
      "EXPLAIN QUERY PLAN SELECT hlc_wall_ms, hlc_counter, id FROM messages"
      " WHERE conversation_id = ?");
  ASSERT_TRUE(plan);
  ASSERT_TRUE(plan->step());
  EXPECT_NE(plan->column_text(3).find("COVERING INDEX messages_timeline"), std::string::npos)
      << plan->column_text(3);
}

}  // namespace
}  // namespace meshchat::chat
