// The chat store's share of a direct message, without network or signing: what the sender's
// store does per message (insert + outbox, later the delivered receipt) and what the receiver's
// does (insert a verified envelope), in transactions batched the way StoreWorker batches them.
// Prints CPU microseconds per message for each step. Figures only.
//   bench_store [messages]   default 20000
#include <sys/resource.h>

#include <unistd.h>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "chat/chat_store.hpp"
#include "chat/conversation.hpp"
#include "chat/envelope.hpp"
#include "store/transaction.hpp"

namespace meshchat::bench {
namespace {

// The receiver stores bursts of this many messages and acknowledges them in one receipt frame.
constexpr std::size_t kBurst = 512;
constexpr std::int64_t kStartMs = 1'760'000'000'000;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class Step>
void timed(const char* what, std::size_t messages, std::size_t batch, Step step) {
  auto start = thread_cpu_seconds();
  for (std::size_t at = 0; at < messages; at += batch) {
    std::size_t end = std::min(messages, at + batch);
    step(at, end);
  }
  auto seconds = thread_cpu_seconds() - start;
  std::printf("  %-44s %7.1f us/message (%zu messages, batches of %zu)\n", what,
              seconds * 1e6 / static_cast<double>(messages), messages, batch);
}

chat::ChatStore open_store(const std::filesystem::path& path, const crypto::PeerId& self,
                           const crypto::PeerId& other) {
  auto store = chat::ChatStore::open(path, self, kStartMs);
  if (!store) throw std::runtime_error("cannot open " + path.string());
  chat::ContactRecord contact{other, "peer", std::nullopt, 0, {}};
  if (!store->add_contact(contact, kStartMs)) throw std::runtime_error("cannot add contact");
  return std::move(*store);
}

void check(const Result<void>& r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message());
}

}  // namespace
}  // namespace meshchat::bench

int main(int argc, char** argv) {
  using namespace meshchat;
  using namespace meshchat::bench;
  std::size_t messages = argc > 1 ? std::stoul(argv[1]) : 20000;
  auto dir =
      std::filesystem::temp_directory_path() / ("meshchat-store-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  auto alice_key = crypto::PrivateKey::generate_ed25519();
  auto bob_key = crypto::PrivateKey::generate_ed25519();
  auto alice = crypto::PeerId::from_public_key(alice_key.public_key());
  auto bob = crypto::PeerId::from_public_key(bob_key.public_key());
  auto conversation = chat::direct_conversation_id(alice, bob);

  std::printf("signing %zu envelopes (not timed)\n", messages);
  std::vector<chat::Envelope> envelopes;
  envelopes.reserve(messages);
  for (std::size_t i = 0; i < messages; ++i) {
    auto text = "benchmark message number " + std::to_string(i);
    auto envelope = chat::Envelope::create(
        alice_key, conversation,
        {static_cast<std::uint64_t>(kStartMs) + i / 16, static_cast<std::uint32_t>(i % 16)}, {},
        chat::ContentType::text, chat::Envelope::text_body(text));
    envelopes.push_back(std::move(*envelope));
  }

  try {
    auto sender = open_store(dir / "alice.db", alice, bob);
    auto receiver = open_store(dir / "bob.db", bob, alice);
    std::printf("store cost per direct message, CPU time of the store thread:\n");
    timed("sender: insert message + outbox", messages, 1024, [&](std::size_t at, std::size_t end) {
      auto transaction = store::Transaction::begin(sender.database());
      for (std::size_t i = at; i < end; ++i) {
        if (!sender.insert_outgoing(envelopes[i], bob, kStartMs)) {
          throw std::runtime_error("insert_outgoing");
        }
      }
      check(transaction->commit(), "commit");
    });
    timed("sender: read the outbox", messages, kBurst, [&](std::size_t, std::size_t) {
      auto entries = sender.outbox_for(bob, kBurst);
      if (!entries || entries->size() != kBurst) throw std::runtime_error("outbox_for");
    });
    timed("receiver: insert verified envelopes", messages, kBurst,
          [&](std::size_t at, std::size_t end) {
            auto transaction = store::Transaction::begin(receiver.database());
            for (std::size_t i = at; i < end; ++i) {
              if (!receiver.insert_incoming(envelopes[i], alice, kStartMs)) {
                throw std::runtime_error("insert_incoming");
              }
            }
            check(transaction->commit(), "commit");
          });
    timed(
        "sender: apply delivered receipts", messages, kBurst, [&](std::size_t at, std::size_t end) {
          std::vector<chat::MessageId> ids;
          for (std::size_t i = at; i < end; ++i) ids.push_back(envelopes[i].id());
          auto transaction = store::Transaction::begin(sender.database());
          auto updates = sender.apply_receipts(bob, ids, store::ReceiptState::delivered, kStartMs);
          if (!updates || updates->size() != ids.size()) {
            throw std::runtime_error("apply_receipts");
          }
          check(transaction->commit(), "commit");
        });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_store: %s\n", e.what());
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
