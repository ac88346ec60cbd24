// Direct-message throughput and latency between two nodes on loopback, durable on both ends:
// each node has its own io thread, SQLite store thread and database file; a message counts as
// delivered when the sender has stored the recipient's acknowledgement.
//   bench_chat [messages] [rate]   defaults 50000 messages (throughput), 1000/s for 5 s (latency)
#include <unistd.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include "chat/conversation.hpp"
#include "node/chat/json.hpp"
#include "node/chat/messenger.hpp"
#include "node/node.hpp"

namespace meshchat::bench {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// One node on its own thread: host, store worker, messenger.
class BenchNode {
 public:
  BenchNode(const std::filesystem::path& dir, std::function<void(const nlohmann::json&)> on_event)
      : key_(crypto::PrivateKey::generate_ed25519()),
        peer_(crypto::PeerId::from_public_key(key_.public_key())),
        on_event_(std::move(on_event)) {
    std::filesystem::create_directories(dir);
    store_ = std::move(*chat::StoreWorker::start(dir / "meshchat.db", peer_));
    node_ = std::make_unique<node::Node>(io_.get_executor(), key_);
    node::MessengerConfig config;
    config.sync_on_connect = false;
    messenger_ = std::make_unique<node::Messenger>(
        node_->host(), *store_,
        on_event_ ? node::Messenger::EventSink([this](nlohmann::json event) { on_event_(event); })
                  : node::Messenger::EventSink(),
        config);
    address_ = node_->start({*Multiaddr::parse("/ip4/127.0.0.1/tcp/0")})->at(0);
    thread_ = std::thread([this] {
      auto guard = asio::make_work_guard(io_);
      io_.run();
    });
    run([this]() -> asio::awaitable<void> { (void)co_await messenger_->start(); });
  }
  ~BenchNode() {
    asio::post(io_, [this] {
      messenger_->stop();
      node_->stop();
    });
    std::this_thread::sleep_for(200ms);
    io_.stop();
    thread_.join();
  }

  // Runs `task` on the node's thread and waits for it.
  void run(std::function<asio::awaitable<void>()> task) {
    std::promise<void> done;
    asio::post(io_, [&] {
      asio::co_spawn(io_, task(), [&done](std::exception_ptr) { done.set_value(); });
    });
    done.get_future().wait();
  }
  asio::io_context& io() { return io_; }
  node::Messenger& messenger() { return *messenger_; }
  const crypto::PeerId& peer() const { return peer_; }
  Multiaddr address() const { return address_.encapsulate(*Multiaddr::p2p(peer_.bytes())); }

 private:
  asio::io_context io_;
  crypto::PrivateKey key_;
  crypto::PeerId peer_;
  std::function<void(const nlohmann::json&)> on_event_;
  std::unique_ptr<chat::StoreWorker> store_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<node::Messenger> messenger_;
  Multiaddr address_;
  std::thread thread_;
};

struct Tracker {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t delivered = 0;
  std::unordered_map<std::string, Clock::time_point> sent_at;
  std::vector<double> latencies_ms;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

}  // namespace
}  // namespace meshchat::bench

int main(int argc, char** argv) {
  using namespace meshchat;
  using namespace meshchat::bench;
  std::size_t messages = argc > 1 ? std::stoul(argv[1]) : 50000;
  std::size_t rate = argc > 2 ? std::stoul(argv[2]) : 1000;
  auto dir =
      std::filesystem::temp_directory_path() / ("meshchat-bench-" + std::to_string(getpid()));

  Tracker tracker;
  auto on_sender_event = [&tracker](const nlohmann::json& event) {
    if (event.value("type", "") != "receipt" || event.value("status", "") != "delivered") return;
    auto now = Clock::now();
    std::lock_guard lock(tracker.mutex);
    ++tracker.delivered;
    if (auto it = tracker.sent_at.find(event["id"].get<std::string>());
        it != tracker.sent_at.end()) {
      tracker.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(now - it->second).count());
      tracker.sent_at.erase(it);
    }
    tracker.changed.notify_all();
  };
  {
    BenchNode alice(dir / "alice", on_sender_event);
    BenchNode bob(dir / "bob", nullptr);  // like a daemon with no client watching events
    auto bob_peer = bob.peer();
    auto bob_address = bob.address();
    alice.run([&]() -> boost::asio::awaitable<void> {
      chat::ContactRecord contact{
          bob_peer, "bob", std::nullopt, 0, {bob_address.without_peer_id()}};
      (void)co_await alice.messenger().add_contact(contact);
    });
    bob.run([&]() -> boost::asio::awaitable<void> {
      chat::ContactRecord contact{alice.peer(), "alice", std::nullopt, 0, {}};
      (void)co_await bob.messenger().add_contact(contact);
    });

    auto wait_delivered = [&](std::size_t target) {
      std::unique_lock lock(tracker.mutex);
      return tracker.changed.wait_for(lock, 120s, [&] { return tracker.delivered >= target; });
    };

    // Throughput, sustained: the sender keeps writing while at most kMaxUndelivered of its
    // messages wait for their acknowledgement, as a client streaming messages would.
    constexpr std::size_t kMaxUndelivered = 4096;
    constexpr std::size_t kChunk = 256;
    auto start = Clock::now();
    for (std::size_t sent = 0; sent < messages;) {
      {
        std::unique_lock lock(tracker.mutex);
        tracker.changed.wait_for(lock, 10s,
                                 [&] { return sent < tracker.delivered + kMaxUndelivered; });
      }
      std::size_t chunk = std::min(kChunk, messages - sent);
      boost::asio::post(alice.io(), [&alice, bob_peer, first = sent, chunk] {
        for (std::size_t i = first; i < first + chunk; ++i) {
          boost::asio::co_spawn(
              alice.io(),
              [](node::Messenger* m, crypto::PeerId peer,
                 std::size_t i) -> boost::asio::awaitable<void> {
                auto text = "benchmark message number " + std::to_string(i);
                (void)co_await m->send_text(peer, std::move(text));
              }(&alice.messenger(), bob_peer, i),
              boost::asio::detached);
        }
      });
      sent += chunk;
    }
    bool done = wait_delivered(messages);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf(
        "chat throughput: %zu messages sent->delivered (durable both ends) in %.2f s = %.0f "
        "msg/s%s (target >= 20000)\n",
        messages, seconds, static_cast<double>(tracker.delivered) / seconds,
        done ? "" : " [TIMED OUT]");

    // Latency at a fixed rate.
    std::size_t total = rate * 5;
    {
      std::lock_guard lock(tracker.mutex);
      tracker.delivered = 0;
      tracker.latencies_ms.clear();
    }
    auto interval = std::chrono::nanoseconds(1'000'000'000 / rate);
    auto next = Clock::now();
    for (std::size_t i = 0; i < total; ++i) {
      std::this_thread::sleep_until(next);
      next += interval;
      boost::asio::post(alice.io(), [&, i] {
        boost::asio::co_spawn(
            alice.io(),
            [](node::Messenger* m, crypto::PeerId peer, std::size_t i,
               Tracker* tracker) -> boost::asio::awaitable<void> {
              auto sent_at = Clock::now();
              auto sent = co_await m->send_text(peer, "latency probe " + std::to_string(i));
              if (!sent) co_return;
              std::lock_guard lock(tracker->mutex);
              tracker->sent_at[to_hex(sent->id)] = sent_at;
            }(&alice.messenger(), bob_peer, i, &tracker),
            boost::asio::detached);
      });
    }
    done = wait_delivered(total);
    std::lock_guard lock(tracker.mutex);
    std::printf(
        "chat latency at %zu msg/s: %zu samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms%s (target "
        "p99 <= 5 ms)\n",
        rate, tracker.latencies_ms.size(), percentile(tracker.latencies_ms, 0.50),
        percentile(tracker.latencies_ms, 0.99), percentile(tracker.latencies_ms, 1.0),
        done ? "" : " [TIMED OUT]");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
