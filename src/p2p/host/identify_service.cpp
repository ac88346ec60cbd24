#include "p2p/host/identify_service.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "p2p/identify/decoder.hpp"
#include "p2p/tcp/interfaces.hpp"

namespace meshchat::p2p {

namespace {
// Reads of an identify stream: a message is at most 8 KiB.
constexpr std::size_t kReadChunk = 4096;

asio::awaitable<void> write_record(std::shared_ptr<Stream> stream, identify::Identify record) {
  auto encoded = identify::encode(record);
  if (!encoded) {
    spdlog::warn("cannot encode identify: {}", encoded.error().message());
    co_return stream->reset();
  }
  if (auto written = co_await stream->write(*encoded); !written) co_return stream->reset();
  stream->close_write();
}
}  // namespace

class IdentifyService::RequestHandler final : public StreamHandler {
 public:
  explicit RequestHandler(IdentifyService& service) : service_(service) {}
  asio::awaitable<void> handle(std::shared_ptr<Stream> stream) override {
    co_await write_record(stream, service_.local_record(stream->connection()));
  }

 private:
  IdentifyService& service_;
};

class IdentifyService::PushHandler final : public StreamHandler {
 public:
  explicit PushHandler(IdentifyService& service) : service_(service) {}
  asio::awaitable<void> handle(std::shared_ptr<Stream> stream) override {
    auto record = co_await read_identify(*stream);
    if (!record) {
      spdlog::debug("identify push from {}: {}", stream->remote_peer().to_base58(),
                    record.error().message());
      co_return stream->reset();
    }
    service_.store(stream->remote_peer(), *record);
    stream->close_write();
  }

 private:
  IdentifyService& service_;
};

asio::awaitable<Result<identify::Identify>> read_identify(ByteStream& stream) {
  identify::Decoder decoder;
  std::array<std::uint8_t, kReadChunk> buffer;
  for (;;) {
    auto n = co_await stream.read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return decoder.finish();
    if (auto fed = decoder.feed(ByteView(buffer.data(), *n)); !fed) co_return fail(fed.error());
  }
}

void IdentifyService::install() {
  host_.set_handler(std::string(identify::kProtocolId), std::make_shared<RequestHandler>(*this));
  host_.set_handler(std::string(identify::kPushProtocolId), std::make_shared<PushHandler>(*this));
}

std::vector<Multiaddr> IdentifyService::advertised_addresses() const {
  std::vector<Multiaddr> out;
  for (const auto& address : host_.listen_addresses()) {
    for (auto& expanded : tcp::expand_wildcard(address)) out.push_back(std::move(expanded));
  }
  return out;
}

identify::Identify IdentifyService::local_record(const Connection& connection) const {
  identify::Identify record;
  record.public_key = host_.identity().public_key().to_protobuf();
  for (const auto& address : advertised_addresses()) record.listen_addrs.push_back(address.bytes());
  record.protocols = host_.protocols();
  record.observed_addr = connection.info().remote_address.bytes();
  record.protocol_version = host_.config().protocol_version;
  record.agent_version = host_.config().agent_version;
  return record;
}

void IdentifyService::on_connection(const std::shared_ptr<Connection>& connection) {
  asio::co_spawn(host_.executor(), identify_in_background(this, connection), asio::detached);
}

asio::awaitable<void> IdentifyService::identify_in_background(
    IdentifyService* self, std::shared_ptr<Connection> connection) {
  auto result = co_await self->request(connection);
  if (!result) {
    spdlog::debug("identify {} failed: {}", connection->info().remote_peer.to_base58(),
                  result.error().message());
  }
}

struct IdentifyService::Exchange {
  explicit Exchange(const asio::any_io_executor& executor) : done(executor) {}
  Signal done;
  std::optional<Result<identify::Identify>> result;
};

asio::awaitable<Result<identify::Identify>> IdentifyService::request(
    std::shared_ptr<Connection> connection) {
  auto it = exchanges_.find(connection.get());
  if (it != exchanges_.end()) {
    auto pending = it->second;
    while (!pending->result) co_await pending->done.wait();
    co_return *pending->result;
  }
  auto pending = std::make_shared<Exchange>(host_.executor());
  exchanges_[connection.get()] = pending;
  pending->result = co_await exchange(this, connection);
  pending->done.notify();
  co_return *pending->result;
}

asio::awaitable<Result<identify::Identify>> IdentifyService::exchange(
    IdentifyService* self, std::shared_ptr<Connection> connection) {
  std::vector<std::string> protocols{std::string(identify::kProtocolId)};
  auto stream = co_await self->host_.new_stream(connection, std::move(protocols));
  if (!stream) co_return fail(stream.error());
  (*stream)->close_write();
  auto record = co_await read_identify(**stream);
  if (!record) co_return fail(record.error());
  self->store(connection->info().remote_peer, *record);
  co_return record;
}

void IdentifyService::store(const crypto::PeerId& peer, const identify::Identify& record) {
  auto& stored = host_.peer_store().record(peer);
  if (record.public_key) {
    // A key that is not the peer's own is ignored rather than trusted.
    auto key = crypto::PublicKey::from_protobuf(*record.public_key);
    if (key && peer.matches(*key)) stored.public_key = *key;
  }
  std::vector<Multiaddr> addresses;
  for (const auto& bytes : record.listen_addrs) {
    if (auto address = Multiaddr::from_bytes(bytes)) {
      addresses.push_back(std::move(*address));
    } else {
      spdlog::debug("skipping bad listen address from {}", peer.to_base58());
    }
  }
  if (!addresses.empty()) {
    stored.addresses.clear();
    host_.peer_store().add_addresses(peer, addresses);
  }
  if (!record.protocols.empty()) {
    stored.protocols = record.protocols;
    if (stored.protocols.size() > PeerStore::kMaxProtocolsPerPeer) {
      stored.protocols.resize(PeerStore::kMaxProtocolsPerPeer);
    }
  }
  if (record.agent_version) stored.agent_version = *record.agent_version;
  if (record.protocol_version) stored.protocol_version = *record.protocol_version;
  if (record.observed_addr) {
    if (auto observed = Multiaddr::from_bytes(*record.observed_addr)) {
      stored.observed_address = std::move(*observed);
    }
  }
  host_.notify_identified(peer);
}

void IdentifyService::push_all() {
  for (auto& connection : host_.connections()) {
    asio::co_spawn(host_.executor(), push_to(this, connection), asio::detached);
  }
}

asio::awaitable<void> IdentifyService::push_to(IdentifyService* self,
                                               std::shared_ptr<Connection> connection) {
  std::vector<std::string> protocols{std::string(identify::kPushProtocolId)};
  auto stream = co_await self->host_.new_stream(connection, std::move(protocols));
  if (!stream) co_return;
  co_await write_record(*stream, self->local_record(*connection));
}

}  // namespace meshchat::p2p
