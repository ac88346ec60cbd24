// Presence between two Messengers over real hosts on 127.0.0.1: a status set before the contact
// connects reaches it on connection, changes reach it at once (one event per change), the
// stored choice survives, and a graceful stop's offline notice arrives while the link is open.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <iostream>

#include "../store/temp_dir.hpp"
#include "node/chat/messenger.hpp"
#include "node/node.hpp"

namespace meshchat::node {
namespace {

namespace asio = boost::asio;
namespace wire = chat::wire;
using namespace std::chrono_literals;
using nlohmann::json;

// Every wait gives up after this: the work takes milliseconds on a loaded machine.
constexpr auto kWaitLimit = 20s;

struct Side {
  Side(asio::io_context& io, const store::testing::TempDir& home, const char* name)
      : key(crypto::PrivateKey::generate_ed25519()),
        store(*chat::StoreWorker::start(home.file(name),
                                        crypto::PeerId::from_public_key(key.public_key()))),
        node(io.get_executor(), key),
        messenger(node.host(), *store, [this](json event) { events.push_back(std::move(event)); }) {
  }

  // The statuses of `peer`'s presence events, in order.
  std::vector<std::string> presence_events(const crypto::PeerId& peer) const {
    std::vector<std::string> out;
    for (const auto& event : events) {
      if (event["type"] == "presence" && event["peer"] == peer.to_base58())
        out.push_back(event["status"]);
    }
    return out;
  }

  crypto::PrivateKey key;
  std::unique_ptr<chat::StoreWorker> store;
  Node node;
  std::vector<json> events;
  Messenger messenger;
};

asio::awaitable<bool> wait_for(std::function<bool()> condition) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto deadline = Clock::now() + kWaitLimit;
  while (!condition()) {
    if (Clock::now() >= deadline) co_return false;
    timer.expires_after(5ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return true;
}

struct Outcome {
  std::vector<std::string> failures;
  bool finished = false;
  std::optional<std::string> stored;

  bool check(bool ok, const char* what) {
    if (!ok) failures.push_back(what);
    return ok;
  }
};

bool is_status(const Messenger* observer, crypto::PeerId peer, wire::PresenceStatus status) {
  return observer->presence_of(peer) == status;
}

// Waits until `bob` sees `status` for `alice`.
asio::awaitable<bool> bob_sees(const Side* bob, crypto::PeerId alice, wire::PresenceStatus status) {
  // Named: a capturing lambda must not share an expression with co_await (GCC 12).
  std::function<bool()> condition = std::bind(is_status, &bob->messenger, alice, status);
  co_return co_await wait_for(std::move(condition));
}

asio::awaitable<void> scenario(Side* alice, Side* bob, Outcome* out) {
  const auto alice_id = alice->node.peer_id();
  const auto bob_id = bob->node.peer_id();
  auto alice_started = co_await alice->messenger.start();
  auto bob_started = co_await bob->messenger.start();
  if (!out->check(alice_started && bob_started, "both start")) co_return;
  // Set while nobody is connected: Bob must hear it when they connect.
  auto away = co_await alice->messenger.set_presence(wire::PresenceStatus::away);
  if (!out->check(away.has_value(), "away")) co_return;
  auto offline = co_await alice->messenger.set_presence(wire::PresenceStatus::offline);
  out->check(!offline && offline.error() == std::errc::invalid_argument, "offline is refused");

  // Only Alice dials; Bob knows her without an address.
  chat::ContactRecord alice_card{alice_id, "alice", std::nullopt, 0, {}};
  auto added_alice = co_await bob->messenger.add_contact(std::move(alice_card));
  chat::ContactRecord bob_card{bob_id, "bob", std::nullopt, 0, bob->node.host().listen_addresses()};
  auto added_bob = co_await alice->messenger.add_contact(std::move(bob_card));
  if (!out->check(added_alice && added_bob, "contacts added")) co_return;

  bool seen = co_await bob_sees(bob, alice_id, wire::PresenceStatus::away);
  out->check(seen, "away reaches bob on connection");
  out->check(bob->messenger.online(alice_id), "connected");

  auto online = co_await alice->messenger.set_presence(wire::PresenceStatus::online);
  out->check(online.has_value(), "online");
  seen = co_await bob_sees(bob, alice_id, wire::PresenceStatus::online);
  out->check(seen, "online reaches bob");
  // Setting the same status again sends nothing (the event count below shows it).
  online = co_await alice->messenger.set_presence(wire::PresenceStatus::online);
  out->check(online.has_value(), "online again");
  away = co_await alice->messenger.set_presence(wire::PresenceStatus::away);
  out->check(away.has_value(), "away again");
  seen = co_await bob_sees(bob, alice_id, wire::PresenceStatus::away);
  out->check(seen, "away reaches bob");

  auto before = Clock::now();
  co_await alice->messenger.announce_offline();
  // Bounded by offline_notice_limit (200 ms); 5 s only catches a wait that never ends.
  out->check(Clock::now() - before < 5s, "announce_offline returns");
  seen = co_await bob_sees(bob, alice_id, wire::PresenceStatus::offline);
  out->check(seen, "offline reaches bob");
  // The notice, not the connection closing, told him.
  out->check(bob->messenger.online(alice_id), "still connected after the notice");
  out->check(bob->presence_events(alice_id) ==
                 std::vector<std::string>{"online", "away", "online", "away", "offline"},
             "one event per change");

  // The user's choice is stored, not the offline notice.
  auto stored_job = alice->store->run<std::optional<std::string>>(
      [](chat::ChatStore& store) { return store.preference("presence"); });
  auto stored = co_await std::move(stored_job);
  if (stored) out->stored = *stored;
  out->check(alice->messenger.presence() == wire::PresenceStatus::away, "alice still away");
  out->finished = true;
}

TEST(MessengerPresence, StatusReachesContactsAndOfflineNoticeArrivesBeforeTheClose) {
  store::testing::TempDir home;
  asio::io_context io(1);
  Side alice(io, home, "alice.db");
  Side bob(io, home, "bob.db");
  ASSERT_TRUE(alice.node.start({*Multiaddr::parse("/ip4/127.0.0.1/tcp/0")}));
  ASSERT_TRUE(bob.node.start({*Multiaddr::parse("/ip4/127.0.0.1/tcp/0")}));
  Outcome outcome;
  asio::co_spawn(io, scenario(&alice, &bob, &outcome), [&](std::exception_ptr failure) {
    if (failure) outcome.failures.push_back("the scenario threw");
    alice.messenger.stop();
    bob.messenger.stop();
    alice.node.stop();
    bob.node.stop();
    io.stop();
  });
  io.run_for(60s);
  EXPECT_TRUE(outcome.finished);
  EXPECT_EQ(outcome.failures, std::vector<std::string>{});
  EXPECT_EQ(outcome.stored, std::optional<std::string>("away"));
  if (!outcome.failures.empty()) {
    for (const auto& event : bob.events) std::cerr << "bob event: " << event.dump() << "\n";
  }
}

TEST(MessengerPresence, AnnounceOfflineWithoutContactsReturnsAtOnce) {
  store::testing::TempDir home;
  asio::io_context io(1);
  Side alone(io, home, "alone.db");
  bool returned = false;
  asio::co_spawn(
      io,
      [](Side* side, bool* done) -> asio::awaitable<void> {
        if (!co_await side->messenger.start()) co_return;
        co_await side->messenger.announce_offline();
        *done = true;
      }(&alone, &returned),
      [&](std::exception_ptr) {
        alone.messenger.stop();
        alone.node.stop();
        io.stop();
      });
  io.run_for(10s);
  EXPECT_TRUE(returned);
}

}  // namespace
}  // namespace meshchat::node
