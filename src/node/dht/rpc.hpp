// Kademlia RPC framing over a libp2p stream (/ipfs/kad/1.0.0): length-prefixed kad::Messages,
// and the conversions between the wire's peer entries and the host's PeerIds and addresses.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "core/length_prefixed.hpp"
#include "core/multiaddr.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/host/stream.hpp"
#include "p2p/kad/message.hpp"
#include "p2p/tcp/async.hpp"

namespace meshchat::node::dht {

namespace asio = boost::asio;

// A peer and the addresses a message or the peer store gave for it (without /p2p/).
struct PeerAddresses {
  crypto::PeerId peer;
  std::vector<Multiaddr> addresses;
};

// Reads kad messages from one stream, however the bytes are chunked.
class MessageReader {
 public:
  explicit MessageReader(std::shared_ptr<p2p::Stream> stream);
  // The next message; nullopt when the peer closed its side between messages. A close inside
  // a message, an oversized or malformed one are errors.
  asio::awaitable<Result<std::optional<p2p::kad::Message>>> read();

 private:
  std::shared_ptr<p2p::Stream> stream_;
  LengthPrefixedReader reader_;
  Bytes buffer_;
};

asio::awaitable<Result<void>> write_message(p2p::Stream& stream, const p2p::kad::Message& message);

// Entries with a valid PeerId; addresses that do not parse are dropped, a /p2p/ suffix is cut.
std::vector<PeerAddresses> parse_entries(const std::vector<p2p::kad::PeerEntry>& entries);
p2p::kad::PeerEntry entry_of(const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses,
                             bool connected);

}  // namespace meshchat::node::dht
