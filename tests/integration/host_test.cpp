// The libp2p host in process, two hosts over real TCP on 127.0.0.1: many streams, large
// transfers, protocol refusal, limits, and hostile peers (stalled handshakes, bad frames).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "node/node.hpp"
#include "p2p/host/echo_service.hpp"
#include "p2p/host/error.hpp"
#include "p2p/host/host.hpp"
#include "p2p/host/identify_service.hpp"
#include "p2p/host/upgrader.hpp"
#include "p2p/multistream/error.hpp"
#include "p2p/yamux/frame.hpp"

namespace meshchat::p2p {
namespace {

using namespace std::chrono_literals;

const Multiaddr kLoopback = *Multiaddr::parse("/ip4/127.0.0.1/tcp/0");

// Runs `op` on `io` until it finishes; every test bounds its own waits with timeouts.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> op) {
  std::optional<T> out;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(op), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) out = std::move(value);
  });
  io.restart();
  while (!out && !failure && io.run_one_for(30s) > 0) {
  }
  if (failure) std::rethrow_exception(failure);
  if (!out) throw std::runtime_error("operation did not finish");
  return std::move(*out);
}

class HostPair : public ::testing::Test {
 protected:
  void SetUp() override { make_server(node::default_host_config()); }

  void make_server(HostConfig config) {
    if (server_) {
      server_->close();
      io_.restart();
      io_.run_for(500ms);  // let the old host's coroutines finish before it is destroyed
    }
    server_ = std::make_unique<Host>(io_.get_executor(), crypto::PrivateKey::generate_ed25519(),
                                     std::move(config), rng_);
    server_->set_handler(kEchoProtocol, std::make_shared<EchoService>());
    auto bound = server_->listen({kLoopback});
    ASSERT_TRUE(bound) << bound.error().message();
    server_address_ = bound->front().encapsulate(*Multiaddr::p2p(server_->peer_id().bytes()));
    if (client_) return;
    client_ = std::make_unique<Host>(io_.get_executor(), crypto::PrivateKey::generate_ed25519(),
                                     node::default_host_config(), rng_);
  }

  void TearDown() override {
    client_->close();
    server_->close();
    io_.restart();
    io_.run_for(2s);
  }

  asio::io_context io_;
  crypto::SystemRng rng_;
  std::unique_ptr<Host> server_;
  std::unique_ptr<Host> client_;
  Multiaddr server_address_;
};

asio::awaitable<Result<std::shared_ptr<Stream>>> open(Host* host, Multiaddr address,
                                                      std::string protocol,
                                                      Negotiation negotiation = Negotiation::full) {
  auto connection = co_await host->connect(address);
  if (!connection) co_return fail(connection.error());
  std::vector<std::string> protocols{std::move(protocol)};
  co_return co_await host->new_stream(*connection, std::move(protocols), negotiation);
}

// Writes `payload`, half-closes, reads the echo to the end and compares.
asio::awaitable<Result<bool>> echo_roundtrip(Host* host, Multiaddr address, Bytes payload) {
  auto stream = co_await open(host, address, kEchoProtocol);
  if (!stream) co_return fail(stream.error());
  auto writer = [](std::shared_ptr<Stream> stream, Bytes payload) -> asio::awaitable<void> {
    if (co_await stream->write(payload)) stream->close_write();
  };
  asio::co_spawn(host->executor(), writer(*stream, payload), asio::detached);
  auto echoed = co_await read_to_end(**stream, payload.size() + 1, HostError::message_too_large);
  if (!echoed) co_return fail(echoed.error());
  co_return *echoed == payload;
}

TEST_F(HostPair, EchoesManyConcurrentStreams) {
  constexpr int kStreams = 64;
  auto many = [](Host* host, Multiaddr address) -> asio::awaitable<Result<int>> {
    std::vector<std::optional<Result<bool>>> results(kStreams);
    int done = 0;
    Signal finished(host->executor());
    auto one = [](Host* host, Multiaddr address, int index,
                  std::vector<std::optional<Result<bool>>>* results, int* done,
                  Signal* finished) -> asio::awaitable<void> {
      Bytes payload(1000 + static_cast<std::size_t>(index) * 37, static_cast<std::uint8_t>(index));
      (*results)[static_cast<std::size_t>(index)] = co_await echo_roundtrip(host, address, payload);
      ++*done;
      finished->notify();
    };
    for (int i = 0; i < kStreams; ++i) {
      asio::co_spawn(host->executor(), one(host, address, i, &results, &done, &finished),
                     asio::detached);
    }
    while (done < kStreams) co_await finished.wait();
    int good = 0;
    for (auto& r : results) good += (r && *r && **r) ? 1 : 0;
    co_return good;
  };
  auto good = run(io_, many(client_.get(), server_address_));
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, kStreams);
  EXPECT_EQ(client_->connections().size(), 1u) << "streams should share one connection";
}

TEST_F(HostPair, LargeTransferArrivesIntact) {
  Bytes payload(32 * 1024 * 1024);
  crypto::SeededRng(1).fill(payload);
  auto ok = run(io_, echo_roundtrip(client_.get(), server_address_, payload));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_TRUE(*ok);
}

TEST_F(HostPair, UnsupportedProtocolIsRefused) {
  auto stream = run(io_, open(client_.get(), server_address_, "/not/here/1.0.0"));
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error(), multistream::Error::protocol_not_supported);
  EXPECT_EQ(stream.error().message(), "protocol not supported");
}

TEST_F(HostPair, OptimisticSelectionSavesTheWaitAndStillDetectsRefusal) {
  auto attempt = [](Host* host, Multiaddr address,
                    std::string protocol) -> asio::awaitable<Result<Bytes>> {
    auto stream = co_await open(host, address, protocol, Negotiation::optimistic);
    if (!stream) co_return fail(stream.error());
    // Data follows the proposal before any answer came back.
    if (auto w = co_await (*stream)->write(to_bytes("ping?")); !w) co_return fail(w.error());
    (*stream)->close_write();
    co_return co_await read_to_end(**stream, 64, HostError::message_too_large);
  };
  auto echoed = run(io_, attempt(client_.get(), server_address_, kEchoProtocol));
  ASSERT_TRUE(echoed) << echoed.error().message();
  EXPECT_EQ(as_string(*echoed), "ping?");
  auto refused = run(io_, attempt(client_.get(), server_address_, "/not/here/1.0.0"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), multistream::Error::protocol_not_supported);
}

TEST_F(HostPair, IdentifyFillsThePeerStore) {
  auto request = [](Host* host, Multiaddr address) -> asio::awaitable<Result<identify::Identify>> {
    auto connection = co_await host->connect(address);
    if (!connection) co_return fail(connection.error());
    co_return co_await host->identify().request(*connection);
  };
  auto record = run(io_, request(client_.get(), server_address_));
  ASSERT_TRUE(record) << record.error().message();
  const PeerRecord* stored = client_->peer_store().find(server_->peer_id());
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->agent_version, node::agent_version());
  EXPECT_TRUE(stored->public_key.has_value());
  EXPECT_FALSE(stored->addresses.empty());
}

TEST_F(HostPair, NewProtocolsReachConnectedPeersByIdentifyPush) {
  auto request = [](Host* host, Multiaddr address) -> asio::awaitable<Result<identify::Identify>> {
    auto connection = co_await host->connect(address);
    if (!connection) co_return fail(connection.error());
    co_return co_await host->identify().request(*connection);
  };
  ASSERT_TRUE(run(io_, request(client_.get(), server_address_)));
  server_->set_handler("/test/late/1.0.0", std::make_shared<EchoService>());
  auto has_late = [&] {
    const PeerRecord* record = client_->peer_store().find(server_->peer_id());
    return record && std::find(record->protocols.begin(), record->protocols.end(),
                               "/test/late/1.0.0") != record->protocols.end();
  };
  for (int i = 0; i < 200 && !has_late(); ++i) {
    io_.restart();
    io_.run_for(25ms);
  }
  EXPECT_TRUE(has_late());
}

TEST_F(HostPair, ConnectionLimitRefusesExtraPeers) {
  auto config = node::default_host_config();
  config.limits.max_connections = 1;
  make_server(config);
  ASSERT_TRUE(run(io_, echo_roundtrip(client_.get(), server_address_, to_bytes("first"))).value());
  crypto::SystemRng rng;
  Host second(io_.get_executor(), crypto::PrivateKey::generate_ed25519(),
              node::default_host_config(), rng);
  auto refused = run(io_, echo_roundtrip(&second, server_address_, to_bytes("second")));
  EXPECT_FALSE(refused && *refused);
  second.close();
  io_.restart();
  io_.run_for(200ms);
}

TEST_F(HostPair, WorksOverIpv6) {
  auto config = node::default_host_config();
  crypto::SystemRng rng;
  Host v6(io_.get_executor(), crypto::PrivateKey::generate_ed25519(), config, rng);
  v6.set_handler(kEchoProtocol, std::make_shared<EchoService>());
  auto bound = v6.listen({*Multiaddr::parse("/ip6/::1/tcp/0")});
  if (!bound) GTEST_SKIP() << "no IPv6 loopback: " << bound.error().message();
  EXPECT_EQ(bound->front().to_string().rfind("/ip6/::1/tcp/", 0), 0u);
  auto address = bound->front().encapsulate(*Multiaddr::p2p(v6.peer_id().bytes()));
  auto ok = run(io_, echo_roundtrip(client_.get(), address, to_bytes("over v6")));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_TRUE(*ok);
  v6.close();
  io_.restart();
  io_.run_for(200ms);
}

TEST_F(HostPair, StreamsPastTheLimitAreReset) {
  auto config = node::default_host_config();
  config.yamux.max_streams = 4;
  make_server(config);
  // Hold streams open (nothing written) so they count against the server's limit.
  auto hold = [](Host* host, Multiaddr address) -> asio::awaitable<Result<int>> {
    std::vector<std::shared_ptr<Stream>> held;
    int refused = 0;
    for (int i = 0; i < 10; ++i) {
      auto stream = co_await open(host, address, kEchoProtocol);
      if (stream) {
        held.push_back(*stream);
      } else {
        ++refused;
      }
    }
    co_return refused;
  };
  auto refused = run(io_, hold(client_.get(), server_address_));
  ASSERT_TRUE(refused);
  // The server's identify stream may hold one slot at the time; at most 4 are admitted.
  EXPECT_GE(*refused, 6);
  // The connection survives the refusals.
  auto ok = run(io_, echo_roundtrip(client_.get(), server_address_, to_bytes("still fine")));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_TRUE(*ok);
}

// Raw TCP: returns true once the server closes the connection (EOF or reset).
asio::awaitable<bool> wait_for_close(tcp::Socket& socket, Duration limit) {
  auto read_until_closed = [](tcp::Socket* socket) -> asio::awaitable<Result<bool>> {
    std::array<std::uint8_t, 1024> buffer;
    for (;;) {
      auto [ec, n] = co_await socket->async_read_some(asio::buffer(buffer), use_nothrow);
      if (ec) co_return true;
    }
  };
  auto closed = co_await with_timeout(read_until_closed(&socket), limit);
  co_return closed.has_value();
}

TEST_F(HostPair, StalledHandshakeIsDropped) {
  auto config = node::default_host_config();
  config.limits.handshake_timeout = 300ms;
  make_server(config);
  auto stall = [](Multiaddr address) -> asio::awaitable<bool> {
    auto socket = co_await tcp::dial(address);
    if (!socket) co_return false;
    // Say nothing at all.
    co_return co_await wait_for_close(*socket, 20s);
  };
  EXPECT_TRUE(run(io_, stall(server_address_.without_peer_id())));
}

TEST_F(HostPair, GarbageBeforeHandshakeClosesOnlyThatConnection) {
  auto garbage = [](Multiaddr address) -> asio::awaitable<bool> {
    auto socket = co_await tcp::dial(address);
    if (!socket) co_return false;
    Bytes junk(4096, 0xff);
    co_await asio::async_write(*socket, asio::buffer(junk), use_nothrow);
    co_return co_await wait_for_close(*socket, 20s);
  };
  EXPECT_TRUE(run(io_, garbage(server_address_.without_peer_id())));
  auto ok = run(io_, echo_roundtrip(client_.get(), server_address_, to_bytes("after garbage")));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_TRUE(*ok);
}

// A Noise-authenticated peer that then sends a malformed yamux frame.
asio::awaitable<bool> send_bad_yamux(Host* client, Multiaddr address, Bytes frame) {
  auto socket = co_await tcp::dial(address);
  if (!socket) co_return false;
  struct NullObserver final : ConnectionObserver {
    void on_inbound_stream(std::shared_ptr<Stream>) override {}
    void on_connection_closed(const std::shared_ptr<Connection>&, std::error_code) override {}
  } observer;
  UpgradeContext context{client->identity(), client->rng(), {}, observer};
  auto channel = co_await secure_channel(*socket, Direction::outbound, std::nullopt, context);
  if (!channel) co_return false;
  Bytes wire;
  if (!channel->cipher.encrypt(frame, wire)) co_return false;
  co_await asio::async_write(*socket, asio::buffer(wire), use_nothrow);
  co_return co_await wait_for_close(*socket, 20s);
}

TEST_F(HostPair, MalformedYamuxFramesCloseTheConnection) {
  Bytes bad_version = {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_TRUE(run(io_, send_bad_yamux(client_.get(), server_address_, bad_version)));
  Bytes bad_type = {0, 9, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_TRUE(run(io_, send_bad_yamux(client_.get(), server_address_, bad_type)));
  // Data beyond the 256 KiB window on a fresh stream.
  Bytes oversized(yamux::kHeaderSize);
  yamux::Header header{yamux::Type::data, yamux::Flags{yamux::Flags::kSyn}, yamux::StreamId{1},
                       1u << 30};
  auto encoded = yamux::encode(header);
  std::copy(encoded.begin(), encoded.end(), oversized.begin());
  EXPECT_TRUE(run(io_, send_bad_yamux(client_.get(), server_address_, oversized)));
  // The server is still serving others.
  auto ok = run(io_, echo_roundtrip(client_.get(), server_address_, to_bytes("still here")));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_TRUE(*ok);
}

TEST_F(HostPair, UnreadStreamBuffersAtMostItsWindow) {
  // A handler that accepts a stream and never reads it.
  struct Sink final : StreamHandler {
    std::shared_ptr<Stream> held;
    asio::awaitable<void> handle(std::shared_ptr<Stream> stream) override {
      held = std::move(stream);
      co_return;
    }
  };
  auto sink = std::make_shared<Sink>();
  server_->set_handler("/test/sink/1.0.0", sink);
  auto flood = [](Host* host, Multiaddr address) -> asio::awaitable<Result<bool>> {
    auto stream = co_await open(host, address, "/test/sink/1.0.0");
    if (!stream) co_return fail(stream.error());
    Bytes chunk(64 * 1024 * 1024, 0);
    auto wrote = co_await with_timeout((*stream)->write(chunk), std::chrono::milliseconds(1500));
    co_return wrote.has_value();
  };
  auto finished = run(io_, flood(client_.get(), server_address_));
  ASSERT_TRUE(finished);
  EXPECT_FALSE(*finished) << "a 64 MiB write cannot complete into a peer that never reads";
  ASSERT_NE(sink->held, nullptr);
  EXPECT_LE(sink->held->buffered(), std::size_t{16} * 1024 * 1024);
  EXPECT_GT(sink->held->buffered(), 0u);
}

}  // namespace
}  // namespace meshchat::p2p
