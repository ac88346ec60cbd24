// The daemon control server (go-libp2p-daemon specs/CONTROL.md) over a p2p::Host: accepts
// control connections on /unix/PATH or a loopback TCP address and serves requests on each.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/multiaddr.hpp"
#include "node/dht/dht.hpp"
#include "p2p/host/host.hpp"
#include "p2pd/control.hpp"
#include "p2pd/pipe.hpp"

namespace meshchat::p2pd {

struct ServerOptions {
  // A client that has not sent a complete request this long after connecting (or after the
  // previous response) is dropped, so stalled clients cannot pin sockets and buffers.
  Duration request_timeout = std::chrono::seconds(10);
  // CONNECT and STREAM_OPEN without a timeout field: p2pd's DefaultTimeout.
  Duration default_operation_timeout = std::chrono::seconds(60);
  // Dialing a STREAM_HANDLER client for an inbound stream; the client runs on this machine, so
  // a slow connect means it is gone and the remote peer should see a reset soon.
  Duration handler_dial_timeout = std::chrono::seconds(10);
};

// Request timeouts above this are refused: no operation legitimately takes an hour, and the
// bound keeps the seconds-to-Duration conversion far from overflow.
inline constexpr std::int64_t kMaxTimeoutSeconds = 3600;

// Server error messages that clients may match on (p2pd's texts where it has one).
inline constexpr const char* kMissingParameters = "Malformed request; missing parameters";

class Server : public std::enable_shared_from_this<Server> {
 public:
  // Binds the control endpoint and starts accepting. /unix/PATH: a stale socket file is
  // replaced and the new one is created with mode 0600; a TCP endpoint must be loopback.
  static Result<std::shared_ptr<Server>> start(p2p::Host& host, const Multiaddr& endpoint,
                                               ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound endpoint (with the real port if the request said port 0).
  const Multiaddr& address() const { return address_; }
  // What IDENTIFY reports: the host's listen addresses, wildcards expanded.
  std::vector<Multiaddr> host_addresses() const;
  // Stops accepting, removes the socket file and aborts every open control connection.
  void close();
  // DHT requests go to `dht` (it must outlive the server); without one they get an error.
  void set_dht(node::dht::Dht* dht) { dht_ = dht; }

 private:
  class Forwarder;
  Server(p2p::Host& host, ServerOptions options);
  Result<void> bind(const Multiaddr& endpoint);

  using UnixAcceptor = asio::local::stream_protocol::acceptor;
  using TcpAcceptor = asio::ip::tcp::acceptor;

  static asio::awaitable<void> accept_unix(std::shared_ptr<Server> self);
  static asio::awaitable<void> accept_tcp(std::shared_ptr<Server> self);
  static asio::awaitable<void> serve(std::shared_ptr<Server> self, std::shared_ptr<Duplex> client);
  static asio::awaitable<void> reject(std::shared_ptr<Duplex> client, std::string message);
  void track(const std::shared_ptr<Duplex>& client);

  Response identify();
  asio::awaitable<Response> connect(ConnectRequest request);
  Response disconnect(const DisconnectRequest& request);
  Response list_peers();
  Response stream_handler(const StreamHandlerRequest& request);
  // OK with the stream, or an error response.
  asio::awaitable<std::pair<Response, std::shared_ptr<p2p::Stream>>> stream_open(
      StreamOpenRequest request);
  // The operation timeout a request asked for; nullopt if above kMaxTimeoutSeconds.
  std::optional<Duration> timeout_of(std::optional<std::int64_t> seconds) const;

  p2p::Host& host_;
  ServerOptions options_;
  Multiaddr address_;
  std::optional<UnixAcceptor> unix_acceptor_;
  std::optional<TcpAcceptor> tcp_acceptor_;
  std::string socket_path_;  // removed on close
  std::vector<std::weak_ptr<Duplex>> clients_;
  // STREAM_HANDLER registrations: protocol → the client's address; a later request for the
  // same protocol replaces the earlier one (CONTROL.md).
  std::shared_ptr<std::map<std::string, Multiaddr>> handlers_;
  std::shared_ptr<Forwarder> forwarder_;
  node::dht::Dht* dht_ = nullptr;
  bool closed_ = false;
};

// Dials a STREAM_HANDLER client address: /unix/PATH or /ip4|ip6/…/tcp/PORT.
asio::awaitable<Result<std::shared_ptr<Duplex>>> dial_client(Multiaddr address);

}  // namespace meshchat::p2pd
