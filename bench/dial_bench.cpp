// Time from dial to the first byte of a reply, in round trips: a client host dials a server host
// through a proxy that delays every chunk by a fixed one-way latency, opens an echo stream, sends
// one byte and waits for it to come back. Round trips = elapsed / (2 x latency), plus the TCP
// handshake, which the local proxy completes at once and so is added as one round trip.
#include <sodium.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <deque>

#include "node/node.hpp"
#include "p2p/host/echo_service.hpp"
#include "p2p/host/error.hpp"

namespace meshchat::bench {
namespace {

using namespace p2p;
using namespace std::chrono_literals;

constexpr Duration kOneWay = 25ms;

struct Pipe {
  explicit Pipe(const asio::any_io_executor& executor) : ready(executor) {}
  std::deque<std::pair<TimePoint, Bytes>> queue;
  Signal ready;
  bool closed = false;
};

asio::awaitable<void> pump_in(tcp::Socket* from, std::shared_ptr<Pipe> pipe) {
  std::array<std::uint8_t, 64 * 1024> buffer;
  for (;;) {
    auto [ec, n] = co_await from->async_read_some(asio::buffer(buffer), use_nothrow);
    if (ec) break;
    pipe->queue.emplace_back(Clock::now() + kOneWay, Bytes(buffer.begin(), buffer.begin() + n));
    pipe->ready.notify();
  }
  pipe->closed = true;
  pipe->ready.notify();
}

asio::awaitable<void> pump_out(tcp::Socket* to, std::shared_ptr<Pipe> pipe) {
  asio::steady_timer timer(to->get_executor());
  for (;;) {
    while (pipe->queue.empty() && !pipe->closed) co_await pipe->ready.wait();
    if (pipe->queue.empty()) break;
    auto [due, data] = std::move(pipe->queue.front());
    pipe->queue.pop_front();
    timer.expires_at(due);
    co_await timer.async_wait(use_nothrow);
    auto [ec, n] = co_await asio::async_write(*to, asio::buffer(data), use_nothrow);
    if (ec) break;
  }
  boost::system::error_code ignored;
  to->shutdown(tcp::Socket::shutdown_send, ignored);
}

asio::awaitable<void> proxy(std::shared_ptr<tcp::Listener> listener, Multiaddr target) {
  auto inbound = co_await listener->accept();
  auto outbound = co_await tcp::dial(target);
  if (!inbound || !outbound) co_return;
  auto executor = co_await asio::this_coro::executor;
  auto a = std::make_shared<tcp::Socket>(std::move(*inbound));
  auto b = std::make_shared<tcp::Socket>(std::move(*outbound));
  auto up = std::make_shared<Pipe>(executor);
  auto down = std::make_shared<Pipe>(executor);
  asio::co_spawn(executor, pump_in(a.get(), up), asio::detached);
  asio::co_spawn(executor, pump_out(b.get(), up), asio::detached);
  asio::co_spawn(executor, pump_in(b.get(), down), asio::detached);
  co_await pump_out(a.get(), down);
}

asio::awaitable<Result<Duration>> first_byte(Host* client, Multiaddr address) {
  auto start = Clock::now();
  auto connection = co_await client->connect(address);
  if (!connection) co_return fail(connection.error());
  std::vector<std::string> protocols{kEchoProtocol};
  // A client that knows its peer runs the protocol (a contact's node) selects it optimistically.
  auto stream =
      co_await client->new_stream(*connection, std::move(protocols), Negotiation::optimistic);
  if (!stream) co_return fail(stream.error());
  Bytes byte{42};
  if (auto w = co_await (*stream)->write(byte); !w) co_return fail(w.error());
  std::array<std::uint8_t, 1> reply;
  if (auto r = co_await read_exactly(**stream, reply); !r) co_return fail(r.error());
  co_return Clock::now() - start;
}

}  // namespace
}  // namespace meshchat::bench

int main() {
  using namespace meshchat;
  using namespace meshchat::p2p;
  if (sodium_init() < 0) return 1;
  asio::io_context io;
  crypto::SystemRng rng;
  Host server(io.get_executor(), crypto::PrivateKey::generate_ed25519(),
              node::default_host_config(), rng);
  server.set_handler(kEchoProtocol, std::make_shared<EchoService>());
  auto loopback = *Multiaddr::parse("/ip4/127.0.0.1/tcp/0");
  auto bound = server.listen({loopback});
  auto listener =
      std::make_shared<tcp::Listener>(*tcp::Listener::bind(io.get_executor(), loopback));
  asio::co_spawn(io, bench::proxy(listener, bound->front()), asio::detached);
  Host client(io.get_executor(), crypto::PrivateKey::generate_ed25519(),
              node::default_host_config(), rng);
  auto target = listener->address().encapsulate(*Multiaddr::p2p(server.peer_id().bytes()));
  Result<Duration> elapsed = fail(HostError::connection_closed);
  asio::co_spawn(io, bench::first_byte(&client, target),
                 [&](std::exception_ptr, Result<Duration> r) {
                   elapsed = r;
                   client.close();
                   server.close();
                   listener->close();
                 });
  io.run_for(std::chrono::seconds(30));
  if (!elapsed) {
    std::fprintf(stderr, "dial failed: %s\n", elapsed.error().message().c_str());
    return 1;
  }
  double rtt_ms = std::chrono::duration<double, std::milli>(2 * bench::kOneWay).count();
  double ms = std::chrono::duration<double, std::milli>(*elapsed).count();
  std::printf(
      "{\"rtt_ms\":%.1f,\"first_byte_ms\":%.1f,\"round_trips_after_tcp\":%.2f,"
      "\"round_trips_with_tcp\":%.2f}\n",
      rtt_ms, ms, ms / rtt_ms, ms / rtt_ms + 1);
  return 0;
}
