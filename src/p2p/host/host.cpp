#include "p2p/host/host.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "p2p/host/error.hpp"
#include "p2p/host/identify_service.hpp"
#include "p2p/host/negotiate.hpp"

namespace meshchat::p2p {

namespace {
constexpr Duration kAcceptRetryDelay = std::chrono::milliseconds(100);
}

struct Host::PendingDial {
  explicit PendingDial(const asio::any_io_executor& executor) : done(executor) {}
  Signal done;
  bool finished = false;
  Result<std::shared_ptr<Connection>> result = fail(HostError::connection_closed);
};

Host::Host(asio::any_io_executor executor, crypto::PrivateKey identity, HostConfig config, Rng& rng)
    : executor_(std::move(executor)),
      identity_(std::move(identity)),
      peer_id_(crypto::PeerId::from_public_key(identity_.public_key())),
      config_(std::move(config)),
      rng_(rng),
      identify_(std::make_unique<IdentifyService>(*this)) {
  identify_->install();
}

Host::~Host() = default;

Result<std::vector<Multiaddr>> Host::listen(const std::vector<Multiaddr>& addresses) {
  std::vector<Multiaddr> bound;
  for (const auto& address : addresses) {
    auto listener = tcp::Listener::bind(executor_, address);
    if (!listener) return fail(listener.error());
    auto shared = std::make_shared<tcp::Listener>(std::move(*listener));
    bound.push_back(shared->address());
    listeners_.push_back(shared);
    asio::co_spawn(executor_, accept_loop(this, shared), asio::detached);
  }
  return bound;
}

std::vector<Multiaddr> Host::listen_addresses() const {
  std::vector<Multiaddr> out;
  for (const auto& listener : listeners_) out.push_back(listener->address());
  return out;
}

void Host::set_handler(std::string protocol, std::shared_ptr<StreamHandler> handler) {
  bool added = handlers_.count(protocol) == 0;
  handlers_[std::move(protocol)] = std::move(handler);
  // Connected peers learn about a new protocol through identify push.
  if (added && !connections_.empty()) identify_->push_all();
}

std::vector<std::string> Host::protocols() const {
  std::vector<std::string> out;
  for (const auto& [protocol, handler] : handlers_) out.push_back(protocol);
  return out;
}

asio::awaitable<void> Host::accept_loop(Host* self, std::shared_ptr<tcp::Listener> listener) {
  // The listener outlives the host's close(); check it, not the host, once accept fails.
  for (;;) {
    auto socket = co_await listener->accept();
    if (!listener->is_open()) co_return;
    if (!socket) {
      spdlog::warn("accept on {} failed: {}", listener->address().to_string(),
                   socket.error().message());
      // Out of descriptors and similar: back off instead of spinning on the error.
      asio::steady_timer pause(self->executor_);
      pause.expires_after(kAcceptRetryDelay);
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    if (self->pending_handshakes_ >= self->config_.limits.max_pending_handshakes ||
        self->connections_.size() >= self->config_.limits.max_connections) {
      spdlog::debug("refusing inbound connection: limit reached");
      continue;  // the socket closes as it goes out of scope
    }
    asio::co_spawn(self->executor_, handle_inbound(self, std::move(*socket)), asio::detached);
  }
}

asio::awaitable<void> Host::handle_inbound(Host* self, tcp::Socket socket) {
  ++self->pending_handshakes_;
  auto remote = socket.remote_endpoint().address().to_string();
  auto connection = co_await with_timeout(
      upgrade(std::move(socket), Direction::inbound, std::nullopt, self->upgrade_context()),
      self->config_.limits.handshake_timeout);
  --self->pending_handshakes_;
  if (!connection) {
    spdlog::info("inbound handshake from {} failed: {}", remote, connection.error().message());
    co_return;
  }
  if (auto admitted = self->admit(*connection); !admitted) {
    spdlog::info("dropping inbound connection: {}", admitted.error().message());
  }
}

Result<void> Host::admit(const std::shared_ptr<Connection>& connection) {
  if (closed_) return fail(HostError::shutting_down);
  if (connections_.size() >= config_.limits.max_connections) {
    return fail(HostError::too_many_connections);
  }
  const auto& info = connection->info();
  bool first = connection_to(info.remote_peer) == nullptr;
  connections_.emplace(info.remote_peer, connection);
  auto& record = peer_store_.record(info.remote_peer);
  record.public_key = info.remote_key;
  if (info.direction == Direction::outbound) {
    peer_store_.add_addresses(info.remote_peer, {info.remote_address});
  }
  connection->start();
  spdlog::debug("connected to {} via {}", info.remote_peer.to_base58(),
                info.remote_address.to_string());
  if (first) {
    for (auto* observer : observers_) observer->on_peer_connected(info.remote_peer);
  }
  identify_->on_connection(connection);
  return {};
}

asio::awaitable<Result<std::shared_ptr<Connection>>> Host::connect(Multiaddr address) {
  std::optional<crypto::PeerId> peer;
  if (auto multihash = address.peer_id_multihash()) {
    auto parsed = crypto::PeerId::from_bytes(*multihash);
    if (!parsed) co_return fail(parsed.error());
    peer = *parsed;
    if (auto existing = connection_to(*peer)) co_return existing;
  }
  co_return co_await dial(address.without_peer_id(), peer);
}

asio::awaitable<Result<std::shared_ptr<Connection>>> Host::connect(crypto::PeerId peer) {
  if (auto existing = connection_to(peer)) co_return existing;
  const PeerRecord* record = peer_store_.find(peer);
  if (!record || record->addresses.empty()) co_return fail(HostError::no_addresses);
  auto addresses = record->addresses;
  Result<std::shared_ptr<Connection>> last = fail(HostError::no_addresses);
  for (const auto& address : addresses) {
    if (!tcp::is_tcp_address(address)) continue;
    last = co_await dial(address, peer);
    if (last) co_return last;
  }
  co_return last;
}

asio::awaitable<Result<std::shared_ptr<Connection>>> Host::dial(
    Multiaddr address, std::optional<crypto::PeerId> peer) {
  if (closed_) co_return fail(HostError::shutting_down);
  // Coalesce concurrent dials to one peer so that it ends up with one connection.
  std::shared_ptr<PendingDial> pending;
  if (peer) {
    if (auto it = pending_dials_.find(*peer); it != pending_dials_.end()) {
      auto waiting = it->second;
      while (!waiting->finished) co_await waiting->done.wait();
      if (auto existing = connection_to(*peer)) co_return existing;
      co_return waiting->result;
    }
    pending = std::make_shared<PendingDial>(executor_);
    pending_dials_[*peer] = pending;
  }
  if (connections_.size() >= config_.limits.max_connections) {
    co_return fail(HostError::too_many_connections);
  }
  auto attempt = [](Host* self, Multiaddr address, std::optional<crypto::PeerId> peer)
      -> asio::awaitable<Result<std::shared_ptr<Connection>>> {
    auto socket = co_await tcp::dial(address);
    if (!socket) co_return fail(socket.error());
    co_return co_await upgrade(std::move(*socket), Direction::outbound, std::move(peer),
                               self->upgrade_context());
  };
  auto result = co_await with_timeout(attempt(this, address, peer), config_.limits.dial_timeout);
  if (result) {
    if (auto admitted = admit(*result); !admitted) result = fail(admitted.error());
  }
  if (pending) {
    pending->result = result;
    pending->finished = true;
    pending->done.notify();
    pending_dials_.erase(*peer);
  }
  co_return result;
}

asio::awaitable<Result<std::shared_ptr<Stream>>> Host::new_stream(
    std::shared_ptr<Connection> connection, std::vector<std::string> protocols,
    Negotiation negotiation) {
  auto stream = connection->open_stream();
  if (!stream) co_return fail(stream.error());
  if (protocols.size() == 1 && negotiation == Negotiation::automatic) {
    const PeerRecord* record = peer_store_.find(connection->info().remote_peer);
    bool known = record && std::find(record->protocols.begin(), record->protocols.end(),
                                     protocols.front()) != record->protocols.end();
    negotiation = known ? Negotiation::optimistic : Negotiation::full;
  }
  if (protocols.size() == 1 && negotiation == Negotiation::optimistic) {
    std::string protocol = protocols.front();
    multistream::Dialer dialer(std::move(protocols), multistream::Mode::lazy);
    if (auto sent = co_await start_lazy_negotiation(**stream, dialer); !sent) {
      (*stream)->reset();
      co_return fail(sent.error());
    }
    (*stream)->set_protocol(std::move(protocol));
    (*stream)->expect_lazy_confirmation(std::move(dialer));
    co_return *stream;
  }
  auto negotiate = [](std::shared_ptr<Stream> stream,
                      std::vector<std::string> protocols) -> asio::awaitable<Result<std::string>> {
    co_return co_await negotiate_outbound(*stream, std::move(protocols));
  };
  auto protocol = co_await with_timeout(negotiate(*stream, std::move(protocols)),
                                        config_.limits.negotiation_timeout);
  if (!protocol) {
    (*stream)->reset();
    co_return fail(protocol.error());
  }
  (*stream)->set_protocol(*protocol);
  co_return *stream;
}

void Host::on_inbound_stream(std::shared_ptr<Stream> stream) {
  asio::co_spawn(executor_, serve_stream(this, std::move(stream)), asio::detached);
}

asio::awaitable<void> Host::serve_stream(Host* self, std::shared_ptr<Stream> stream) {
  auto negotiate = [](Host* self,
                      std::shared_ptr<Stream> stream) -> asio::awaitable<Result<std::string>> {
    co_return co_await negotiate_inbound(*stream, [self](std::string_view protocol) {
      return self->handlers_.count(std::string(protocol)) > 0;
    });
  };
  auto protocol =
      co_await with_timeout(negotiate(self, stream), self->config_.limits.negotiation_timeout);
  if (!protocol) {
    spdlog::debug("inbound stream from {}: {}", stream->remote_peer().to_base58(),
                  protocol.error().message());
    stream->reset();
    co_return;
  }
  auto it = self->handlers_.find(*protocol);
  if (it == self->handlers_.end()) {
    stream->reset();
    co_return;
  }
  stream->set_protocol(*protocol);
  auto handler = it->second;  // keeps the handler alive even if it is replaced meanwhile
  co_await handler->handle(std::move(stream));
}

std::shared_ptr<Connection> Host::connection_to(const crypto::PeerId& peer) const {
  auto [begin, end] = connections_.equal_range(peer);
  std::shared_ptr<Connection> best;
  for (auto it = begin; it != end; ++it) {
    if (!it->second->is_open()) continue;
    if (!best || it->second->info().opened < best->info().opened) best = it->second;
  }
  return best;
}

std::vector<std::shared_ptr<Connection>> Host::connections() const {
  std::vector<std::shared_ptr<Connection>> out;
  for (const auto& [peer, connection] : connections_) {
    if (connection->is_open()) out.push_back(connection);
  }
  return out;
}

void Host::on_connection_closed(const std::shared_ptr<Connection>& connection,
                                std::error_code reason) {
  const auto& peer = connection->info().remote_peer;
  auto [begin, end] = connections_.equal_range(peer);
  for (auto it = begin; it != end; ++it) {
    if (it->second == connection) {
      connections_.erase(it);
      break;
    }
  }
  identify_->forget(*connection);
  spdlog::debug("connection to {} closed: {}", peer.to_base58(), reason.message());
  if (!connection_to(peer)) {
    for (auto* observer : observers_) observer->on_peer_disconnected(peer);
  }
}

void Host::close() {
  if (closed_) return;
  closed_ = true;
  for (auto& listener : listeners_) listener->close();
  auto all = connections();
  for (auto& connection : all) connection->close();
}

}  // namespace meshchat::p2p
