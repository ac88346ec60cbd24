#include "node/dht/rpc.hpp"

#include "node/dht/error.hpp"
#include "p2p/kad/error.hpp"

namespace meshchat::node::dht {

namespace kad = p2p::kad;

namespace {
constexpr std::size_t kReadChunk = 16 * 1024;
}

MessageReader::MessageReader(std::shared_ptr<p2p::Stream> stream)
    : stream_(std::move(stream)),
      reader_(kad::kMaxMessageBytes, make_error_code(kad::Error::message_too_large)),
      buffer_(kReadChunk) {}

asio::awaitable<Result<std::optional<kad::Message>>> MessageReader::read() {
  for (;;) {
    auto body = reader_.next();
    if (!body) co_return fail(body.error());
    if (*body) {
      auto message = kad::decode_body(**body);
      if (!message) co_return fail(message.error());
      co_return std::move(*message);
    }
    auto n = co_await stream_->read_some(buffer_);
    if (!n) co_return fail(n.error());
    if (*n == 0) {
      if (reader_.in_message()) co_return fail(Error::closed_early);
      co_return std::optional<kad::Message>{};
    }
    if (auto fed = reader_.feed(ByteView(buffer_.data(), *n)); !fed) co_return fail(fed.error());
  }
}

asio::awaitable<Result<void>> write_message(p2p::Stream& stream, const kad::Message& message) {
  auto body = kad::encode_body(message);
  if (!body) co_return fail(body.error());
  auto framed = length_prefixed(*body);
  co_return co_await stream.write(framed);
}

std::vector<PeerAddresses> parse_entries(const std::vector<kad::PeerEntry>& entries) {
  std::vector<PeerAddresses> out;
  for (const auto& entry : entries) {
    auto peer = crypto::PeerId::from_bytes(entry.id);
    if (!peer) continue;
    PeerAddresses parsed{std::move(*peer), {}};
    for (const auto& bytes : entry.addrs) {
      if (auto address = Multiaddr::from_bytes(bytes)) {
        parsed.addresses.push_back(address->without_peer_id());
      }
    }
    out.push_back(std::move(parsed));
  }
  return out;
}

kad::PeerEntry entry_of(const crypto::PeerId& peer, const std::vector<Multiaddr>& addresses,
                        bool connected) {
  kad::PeerEntry entry;
  entry.id = peer.bytes();
  for (const auto& address : addresses) {
    if (entry.addrs.size() == kad::kMaxAddressesPerPeer) break;
    entry.addrs.push_back(address.bytes());
  }
  entry.connection =
      connected ? kad::ConnectionType::connected : kad::ConnectionType::not_connected;
  return entry;
}

}  // namespace meshchat::node::dht
