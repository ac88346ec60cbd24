// The identify service: answers `/ipfs/id/1.0.0`, accepts `/ipfs/id/push/1.0.0`, identifies each
// new connection's peer and records what it learned in the PeerStore.
#pragma once

#include <memory>
#include <unordered_map>

#include "p2p/host/host.hpp"
#include "p2p/identify/message.hpp"

namespace meshchat::p2p {

class IdentifyService {
 public:
  explicit IdentifyService(Host& host) : host_(host) {}

  // Registers the identify and identify-push handlers on the host.
  void install();
  // Identifies the peer of a new connection in the background.
  void on_connection(const std::shared_ptr<Connection>& connection);
  // The peer's identify record for this connection: the exchange started on connect, so one
  // identify stream per connection suffices (js-libp2p refuses a second concurrent one).
  asio::awaitable<Result<identify::Identify>> request(std::shared_ptr<Connection> connection);
  // Drops what was kept for a closed connection.
  void forget(const Connection& connection) { exchanges_.erase(&connection); }
  // Tells every connected peer our current addresses and protocols.
  void push_all();

  // Our record as sent on `connection` (observedAddr is that connection's remote address).
  identify::Identify local_record(const Connection& connection) const;
  // Our dialable addresses: listen addresses with wildcards expanded.
  std::vector<Multiaddr> advertised_addresses() const;

 private:
  class RequestHandler;
  class PushHandler;
  static asio::awaitable<void> identify_in_background(IdentifyService* self,
                                                      std::shared_ptr<Connection> connection);
  static asio::awaitable<void> push_to(IdentifyService* self,
                                       std::shared_ptr<Connection> connection);
  struct Exchange;
  static asio::awaitable<Result<identify::Identify>> exchange(
      IdentifyService* self, std::shared_ptr<Connection> connection);
  void store(const crypto::PeerId& peer, const identify::Identify& record);

  Host& host_;
  std::unordered_map<const Connection*, std::shared_ptr<Exchange>> exchanges_;
};

// Reads one identify stream to its end and decodes it.
asio::awaitable<Result<identify::Identify>> read_identify(ByteStream& stream);

}  // namespace meshchat::p2p
