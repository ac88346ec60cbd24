#include "p2pd/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "core/protobuf.hpp"
#include "core/varint.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/tcp/interfaces.hpp"
#include "p2p/tcp/transport.hpp"
#include "p2pd/dht_requests.hpp"

namespace meshchat::p2pd {

namespace {

using p2p::use_nothrow;

// After an error response the client gets this long to read it before the socket closes
// (closing a TCP socket with unread input would reset it and could discard the response).
constexpr auto kLingerTimeout = std::chrono::seconds(1);
// Control connections open at once (each may pipe a stream); more are closed on accept. Far
// above what a test harness or application drives, low enough to bound sockets and buffers.
constexpr std::size_t kMaxControlConnections = 1024;
// Socket reads while waiting for a request; the request itself is bounded by kMaxMessageBytes.
constexpr std::size_t kReadChunk = 16 * 1024;

// Errors that mean the client sent bytes that are not a valid request.
bool is_malformed(const std::error_code& ec) {
  if (ec == Error::truncated) return false;  // the client went away mid-request
  return ec.category() == error_category() || ec.category() == protobuf::error_category() ||
         ec.category() == varint::error_category();
}

// The path of a bare /unix/PATH address.
std::optional<std::string> unix_path(const Multiaddr& address) {
  const auto& parts = address.components();
  if (parts.size() != 1 || parts[0].protocol != Protocol::unix_socket) return std::nullopt;
  return std::string(as_string(parts[0].value));
}

asio::awaitable<Result<std::optional<Request>>> read_request(std::shared_ptr<Duplex> client,
                                                             FrameReader* reader) {
  std::vector<std::uint8_t> buffer(kReadChunk);
  for (;;) {
    auto body = reader->next();
    if (!body) co_return fail(body.error());
    if (*body) {
      auto request = decode_request(**body);
      if (!request) co_return fail(request.error());
      co_return std::optional<Request>(std::move(*request));
    }
    auto n = co_await client->read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) {
      if (reader->in_message()) co_return fail(Error::truncated);
      co_return std::optional<Request>{};
    }
    if (auto fed = reader->feed(ByteView(buffer.data(), *n)); !fed) co_return fail(fed.error());
  }
}

asio::awaitable<Result<void>> drain(std::shared_ptr<Duplex> client) {
  std::vector<std::uint8_t> buffer(kReadChunk);
  for (;;) {
    auto n = co_await client->read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return Result<void>{};
  }
}

asio::awaitable<Result<std::shared_ptr<p2p::Stream>>> open_stream(
    p2p::Host* host, crypto::PeerId peer, std::vector<std::string> protocols) {
  auto connection = co_await host->connect(std::move(peer));
  if (!connection) co_return fail(connection.error());
  co_return co_await host->new_stream(std::move(*connection), std::move(protocols));
}

StreamInfo stream_info(p2p::Stream& stream) {
  return StreamInfo{stream.remote_peer().bytes(), stream.connection().info().remote_address.bytes(),
                    stream.protocol()};
}

// Forwards one inbound stream to the STREAM_HANDLER client registered for its protocol.
asio::awaitable<void> forward(std::shared_ptr<std::map<std::string, Multiaddr>> handlers,
                              Duration dial_timeout, std::shared_ptr<p2p::Stream> stream) {
  auto it = handlers->find(stream->protocol());
  if (it == handlers->end()) {
    stream->reset();
    co_return;
  }
  Multiaddr target = it->second;  // a later STREAM_HANDLER may replace the entry meanwhile
  auto client = co_await p2p::with_timeout(dial_client(target), dial_timeout);
  if (!client) {
    spdlog::debug("p2pd: handler {} unreachable: {}", target.to_string(), client.error().message());
    stream->reset();
    co_return;
  }
  auto hello = frame(encode(stream_info(*stream)));
  if (auto w = co_await (*client)->write(hello); !w) {
    stream->reset();
    (*client)->abort();
    co_return;
  }
  co_await pipe(std::make_shared<StreamDuplex>(std::move(stream)), std::move(*client));
}

}  // namespace

class Server::Forwarder final : public p2p::StreamHandler {
 public:
  Forwarder(std::shared_ptr<std::map<std::string, Multiaddr>> handlers, Duration dial_timeout)
      : handlers_(std::move(handlers)), dial_timeout_(dial_timeout) {}
  asio::awaitable<void> handle(std::shared_ptr<p2p::Stream> stream) override {
    return forward(handlers_, dial_timeout_, std::move(stream));
  }

 private:
  std::shared_ptr<std::map<std::string, Multiaddr>> handlers_;
  Duration dial_timeout_;
};

asio::awaitable<Result<std::shared_ptr<Duplex>>> dial_client(Multiaddr address) {
  if (auto path = unix_path(address)) {
    if (path->size() >= sizeof(sockaddr_un::sun_path)) co_return fail(Error::path_too_long);
    asio::local::stream_protocol::socket socket(co_await asio::this_coro::executor);
    auto [ec] =
        co_await socket.async_connect(asio::local::stream_protocol::endpoint(*path), use_nothrow);
    if (ec) co_return fail(std::error_code(ec));
    co_return std::make_shared<UnixDuplex>(std::move(socket));
  }
  if (!address.tcp_address()) co_return fail(Error::bad_endpoint);
  auto socket = co_await p2p::tcp::dial(std::move(address));
  if (!socket) co_return fail(socket.error());
  co_return std::make_shared<TcpDuplex>(std::move(*socket));
}

Server::Server(p2p::Host& host, ServerOptions options)
    : host_(host),
      options_(options),
      handlers_(std::make_shared<std::map<std::string, Multiaddr>>()),
      forwarder_(std::make_shared<Forwarder>(handlers_, options.handler_dial_timeout)) {}

Server::~Server() {
  close();
}

Result<std::shared_ptr<Server>> Server::start(p2p::Host& host, const Multiaddr& endpoint,
                                              ServerOptions options) {
  std::shared_ptr<Server> server(new Server(host, options));
  if (auto bound = server->bind(endpoint); !bound) return fail(bound.error());
  if (server->unix_acceptor_) {
    asio::co_spawn(host.executor(), accept_unix(server), asio::detached);
  } else {
    asio::co_spawn(host.executor(), accept_tcp(server), asio::detached);
  }
  return server;
}

Result<void> Server::bind(const Multiaddr& endpoint) {
  boost::system::error_code ec;
  if (auto path = unix_path(endpoint)) {
    if (path->empty()) return fail(Error::bad_endpoint);
    if (path->size() >= sizeof(sockaddr_un::sun_path)) return fail(Error::path_too_long);
    asio::local::stream_protocol::endpoint local(*path);
    struct stat info {};
    if (::lstat(path->c_str(), &info) == 0) {
      if (!S_ISSOCK(info.st_mode)) return fail(Error::not_a_socket);
      // A socket someone still accepts on is not stale: leave it to its daemon.
      asio::local::stream_protocol::socket probe(host_.executor());
      probe.connect(local, ec);
      if (!ec) return fail(std::make_error_code(std::errc::address_in_use));
      ::unlink(path->c_str());
    }
    UnixAcceptor acceptor(host_.executor());
    acceptor.open(local.protocol(), ec);
    // The umask makes bind() create the socket file as 0600: only this user may drive the node.
    mode_t previous = ::umask(0177);
    if (!ec) acceptor.bind(local, ec);
    ::umask(previous);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail(std::error_code(ec));
    socket_path_ = *path;
    unix_acceptor_.emplace(std::move(acceptor));
    address_ = endpoint;
    return {};
  }
  if (!endpoint.tcp_address()) return fail(Error::bad_endpoint);
  auto tcp_endpoint = p2p::tcp::to_endpoint(endpoint);
  if (!tcp_endpoint) return fail(Error::bad_endpoint);  // a DNS name or a trailing /p2p
  if (!tcp_endpoint->address().is_loopback()) return fail(Error::not_loopback);
  TcpAcceptor acceptor(host_.executor());
  acceptor.open(tcp_endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*tcp_endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(std::error_code(ec));
  address_ = p2p::tcp::to_multiaddr(acceptor.local_endpoint());
  tcp_acceptor_.emplace(std::move(acceptor));
  return {};
}

std::vector<Multiaddr> Server::host_addresses() const {
  std::vector<Multiaddr> out;
  for (const auto& address : host_.listen_addresses()) {
    for (auto& expanded : p2p::tcp::expand_wildcard(address)) out.push_back(std::move(expanded));
  }
  return out;
}

void Server::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  if (unix_acceptor_) unix_acceptor_->close(ignored);
  if (tcp_acceptor_) tcp_acceptor_->close(ignored);
  if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
  for (auto& weak : clients_) {
    if (auto client = weak.lock()) client->abort();
  }
  clients_.clear();
}

void Server::track(const std::shared_ptr<Duplex>& client) {
  std::erase_if(clients_, [](const std::weak_ptr<Duplex>& w) { return w.expired(); });
  clients_.push_back(client);
}

asio::awaitable<void> Server::accept_unix(std::shared_ptr<Server> self) {
  while (!self->closed_) {
    auto [ec, socket] = co_await self->unix_acceptor_->async_accept(use_nothrow);
    if (ec) {
      if (self->closed_ || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("p2pd: accept failed: {}", ec.message());
      continue;
    }
    auto client = std::make_shared<UnixDuplex>(std::move(socket));
    self->track(client);
    if (self->clients_.size() > kMaxControlConnections) {
      client->abort();
      continue;
    }
    asio::co_spawn(self->host_.executor(), serve(self, client), asio::detached);
  }
}

asio::awaitable<void> Server::accept_tcp(std::shared_ptr<Server> self) {
  while (!self->closed_) {
    auto [ec, socket] = co_await self->tcp_acceptor_->async_accept(use_nothrow);
    if (ec) {
      if (self->closed_ || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("p2pd: accept failed: {}", ec.message());
      continue;
    }
    auto client = std::make_shared<TcpDuplex>(std::move(socket));
    self->track(client);
    if (self->clients_.size() > kMaxControlConnections) {
      client->abort();
      continue;
    }
    asio::co_spawn(self->host_.executor(), serve(self, client), asio::detached);
  }
}

asio::awaitable<void> Server::reject(std::shared_ptr<Duplex> client, std::string message) {
  auto response = frame(encode(error_response(std::move(message))));
  if (auto w = co_await client->write(response); w) {
    client->close_write();
    co_await p2p::with_timeout(drain(client), kLingerTimeout);
  }
  client->abort();
}

// Requests are served in turn until the client closes (as p2pd does; the js and Go clients
// send one per connection); STREAM_OPEN turns the connection into the stream.
asio::awaitable<void> Server::serve(std::shared_ptr<Server> self, std::shared_ptr<Duplex> client) {
  FrameReader reader;
  for (;;) {
    auto request =
        co_await p2p::with_timeout(read_request(client, &reader), self->options_.request_timeout);
    if (!request) {
      if (is_malformed(request.error())) {
        co_await reject(client, "malformed request: " + request.error().message());
      } else {
        spdlog::debug("p2pd: control connection dropped: {}", request.error().message());
        client->abort();
      }
      co_return;
    }
    if (!*request) break;  // the client closed after its last request
    const Request& r = **request;
    Response response;
    // Answers of more than one message (DHT results) replace `response`.
    std::optional<std::vector<Bytes>> bodies;
    std::shared_ptr<p2p::Stream> stream;
    switch (r.type) {
      case RequestType::identify:
        response = self->identify();
        break;
      case RequestType::connect:
        if (!r.connect) {
          response = error_response(kMissingParameters);
        } else {
          response = co_await self->connect(*r.connect);
        }
        break;
      case RequestType::disconnect:
        response =
            r.disconnect ? self->disconnect(*r.disconnect) : error_response(kMissingParameters);
        break;
      case RequestType::list_peers:
        response = self->list_peers();
        break;
      case RequestType::stream_handler:
        response = r.stream_handler ? self->stream_handler(*r.stream_handler)
                                    : error_response(kMissingParameters);
        break;
      case RequestType::stream_open:
        if (!r.stream_open) {
          response = error_response(kMissingParameters);
        } else {
          auto opened = co_await self->stream_open(*r.stream_open);
          response = std::move(opened.first);
          stream = std::move(opened.second);
        }
        break;
      case RequestType::dht: {
        auto* server = self.get();
        auto timeout_of = [server](std::optional<std::int64_t> seconds) {
          return server->timeout_of(seconds);
        };
        auto answer = serve_dht_request(server->dht_, r.dht.value_or(Bytes{}), timeout_of);
        bodies = co_await std::move(answer);
        break;
      }
      case RequestType::connmanager:
      case RequestType::pubsub:
      case RequestType::peerstore:
        response = error_response(std::string(to_string(r.type)) + " requests are not supported");
        break;
    }
    Bytes out;
    if (bodies) {
      for (const auto& body : *bodies) {
        auto framed = frame(body);
        out.insert(out.end(), framed.begin(), framed.end());
      }
    } else {
      out = frame(encode(response));
    }
    if (auto w = co_await client->write(out); !w) {
      if (stream) stream->reset();
      client->abort();
      co_return;
    }
    if (stream) {
      // Bytes the client sent right behind its request belong to the stream.
      auto early = reader.take_remaining();
      if (!early.empty()) {
        if (auto w = co_await stream->write(early); !w) {
          stream->reset();
          client->abort();
          co_return;
        }
      }
      co_await pipe(client, std::make_shared<StreamDuplex>(std::move(stream)));
      co_return;
    }
  }
  client->abort();
}

std::optional<Duration> Server::timeout_of(std::optional<std::int64_t> seconds) const {
  if (!seconds || *seconds <= 0) return options_.default_operation_timeout;  // as p2pd
  if (*seconds > kMaxTimeoutSeconds) return std::nullopt;
  return std::chrono::seconds(*seconds);
}

Response Server::identify() {
  IdentifyResponse identify{host_.peer_id().bytes(), {}};
  for (const auto& address : host_addresses()) identify.addrs.push_back(address.bytes());
  Response response = ok_response();
  response.identify = std::move(identify);
  return response;
}

asio::awaitable<Response> Server::connect(ConnectRequest request) {
  auto timeout = timeout_of(request.timeout);
  if (!timeout) co_return error_response("timeout above 3600 seconds");
  auto peer = crypto::PeerId::from_bytes(request.peer);
  if (!peer) co_return error_response("invalid peer id: " + peer.error().message());
  if (*peer == host_.peer_id()) co_return error_response("dial to self attempted");
  std::vector<Multiaddr> addresses;
  for (const auto& bytes : request.addrs) {
    auto address = Multiaddr::from_bytes(bytes);
    if (!address) co_return error_response("invalid address: " + address.error().message());
    addresses.push_back(address->without_peer_id());
  }
  host_.peer_store().add_addresses(*peer, addresses);
  auto connection = co_await p2p::with_timeout(host_.connect(*peer), *timeout);
  if (!connection) co_return error_response(connection.error().message());
  co_return ok_response();
}

Response Server::disconnect(const DisconnectRequest& request) {
  auto peer = crypto::PeerId::from_bytes(request.peer);
  if (!peer) return error_response("invalid peer id: " + peer.error().message());
  for (const auto& connection : host_.connections()) {
    if (connection->info().remote_peer == *peer) connection->close();
  }
  return ok_response();
}

Response Server::list_peers() {
  Response response = ok_response();
  for (const auto& connection : host_.connections()) {
    if (!connection->is_open()) continue;
    const auto& info = connection->info();
    auto it = std::find_if(response.peers.begin(), response.peers.end(),
                           [&](const PeerInfo& p) { return p.id == info.remote_peer.bytes(); });
    if (it == response.peers.end()) {
      response.peers.push_back(PeerInfo{info.remote_peer.bytes(), {}});
      it = std::prev(response.peers.end());
    }
    it->addrs.push_back(info.remote_address.bytes());
  }
  return response;
}

Response Server::stream_handler(const StreamHandlerRequest& request) {
  auto address = Multiaddr::from_bytes(request.addr);
  if (!address) return error_response("invalid address: " + address.error().message());
  if (!unix_path(*address) && !address->tcp_address()) {
    return error_response("handler address must be /unix/PATH or a TCP address");
  }
  if (request.protos.empty()) return error_response(kMissingParameters);
  for (const auto& protocol : request.protos) {
    (*handlers_)[protocol] = *address;
    host_.set_handler(protocol, forwarder_);
  }
  return ok_response();
}

asio::awaitable<std::pair<Response, std::shared_ptr<p2p::Stream>>> Server::stream_open(
    StreamOpenRequest request) {
  using Outcome = std::pair<Response, std::shared_ptr<p2p::Stream>>;
  auto timeout = timeout_of(request.timeout);
  if (!timeout) co_return Outcome{error_response("timeout above 3600 seconds"), nullptr};
  auto peer = crypto::PeerId::from_bytes(request.peer);
  if (!peer)
    co_return Outcome{error_response("invalid peer id: " + peer.error().message()), nullptr};
  if (request.protos.empty()) co_return Outcome{error_response(kMissingParameters), nullptr};
  auto stream = co_await p2p::with_timeout(
      open_stream(&host_, std::move(*peer), std::move(request.protos)), *timeout);
  if (!stream) co_return Outcome{error_response(stream.error().message()), nullptr};
  Response response = ok_response();
  response.stream_info = stream_info(**stream);
  co_return Outcome{std::move(response), std::move(*stream)};
}

}  // namespace meshchat::p2pd
