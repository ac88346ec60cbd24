#include "p2p/host/upgrader.hpp"

#include <algorithm>

#include "p2p/host/error.hpp"
#include "p2p/host/negotiate.hpp"
#include "p2p/host/socket_stream.hpp"
#include "p2p/noise/handshake.hpp"
#include "p2p/plaintext/handshake.hpp"
#include "p2p/tls/handshake.hpp"

namespace meshchat::p2p {

namespace {

// Handshake messages are at most 65535 + 2 bytes (Noise); TLS records are smaller.
constexpr std::size_t kHandshakeReadSize = 64 * 1024 + 2;

bool is_yamux(std::string_view id) {
  return id == kYamuxProtocol;
}

// What every handshake yields, whatever its protocol.
struct Secured {
  crypto::PeerId remote_peer;
  crypto::PublicKey remote_key;
  std::optional<std::string> muxer;
  ChannelCipher cipher;
  Bytes leftover;  // transport records that arrived behind the handshake
};

Secured to_secured(noise::HandshakeResult r) {
  return {std::move(r.remote_peer), std::move(r.remote_key), std::move(r.muxer),
          ChannelCipher(std::move(r.transport)), std::move(r.leftover)};
}
Secured to_secured(tls::HandshakeResult r) {
  return {std::move(r.remote_peer), std::move(r.remote_key), std::move(r.muxer),
          ChannelCipher(std::move(r.transport)), std::move(r.leftover)};
}
Secured to_secured(plaintext::HandshakeResult r) {
  return {std::move(r.remote_peer), std::move(r.remote_key), std::nullopt,
          ChannelCipher::plaintext(), std::move(r.leftover)};
}

// Drives any sans-IO handshake over the socket. `lazy`: the initiator's optimistic selection of
// the security protocol, confirmed before the first read.
template <class Handshake>
asio::awaitable<Result<Secured>> run_handshake(SocketStream& io, Handshake& handshake,
                                               multistream::Dialer* lazy) {
  Bytes buffer(kHandshakeReadSize);
  for (;;) {
    if (Bytes out = handshake.take_output(); !out.empty()) {
      if (auto written = co_await io.write(out); !written) co_return fail(written.error());
    }
    if (handshake.done()) break;
    if (lazy) {
      if (auto confirmed = co_await finish_lazy_negotiation(io, *lazy); !confirmed) {
        co_return fail(confirmed.error());
      }
      lazy = nullptr;
    }
    auto n = co_await io.read_some(buffer);
    if (!n) co_return fail(n.error());
    if (*n == 0) co_return fail(tcp::Error::connection_closed);
    if (auto fed = handshake.feed(ByteView(buffer.data(), *n)); !fed) {
      // TLS owes the peer an alert explaining the failure.
      if (Bytes out = handshake.take_output(); !out.empty()) co_await io.write(out);
      co_return fail(fed.error());
    }
  }
  auto result = handshake.finish();
  if (!result) co_return fail(result.error());
  co_return to_secured(std::move(*result));
}

asio::awaitable<Result<Secured>> run_security(SocketStream& io, Security security, bool initiator,
                                              std::optional<crypto::PeerId> expected,
                                              UpgradeContext& context, multistream::Dialer* lazy) {
  std::vector<std::string> muxers{kYamuxProtocol};
  switch (security) {
    case Security::noise: {
      noise::Handshake handshake(initiator ? noise::Role::initiator : noise::Role::responder,
                                 context.identity, std::move(muxers), std::move(expected),
                                 context.rng);
      co_return co_await run_handshake(io, handshake, lazy);
    }
    case Security::tls: {
      tls::Handshake handshake(initiator ? tls::Role::initiator : tls::Role::responder,
                               context.identity, std::move(muxers), std::move(expected),
                               std::chrono::system_clock::now());
      co_return co_await run_handshake(io, handshake, lazy);
    }
    case Security::plaintext: {
      plaintext::Handshake handshake(context.identity, std::move(expected));
      co_return co_await run_handshake(io, handshake, lazy);
    }
  }
  co_return fail(HostError::unexpected_protocol);
}

std::vector<std::string> protocol_ids(const std::vector<Security>& list) {
  std::vector<std::string> out;
  for (auto security : list) out.emplace_back(protocol_id(security));
  return out;
}

}  // namespace

asio::awaitable<Result<SecureChannel>> secure_channel(tcp::Socket& socket, Direction direction,
                                                      std::optional<crypto::PeerId> expected,
                                                      UpgradeContext context) {
  if (context.security.empty()) co_return fail(HostError::unexpected_protocol);
  bool outbound = direction == Direction::outbound;
  SocketStream io(socket);
  std::optional<multistream::Dialer> lazy;
  Security chosen = context.security.front();
  if (outbound && context.optimistic_security) {
    // The first handshake message follows the proposal in the same flight.
    std::vector<std::string> proposal{std::string(protocol_id(chosen))};
    lazy.emplace(std::move(proposal), multistream::Mode::lazy);
    if (auto sent = co_await start_lazy_negotiation(io, *lazy); !sent) {
      co_return fail(sent.error());
    }
  } else {
    auto offered = context.security;
    Result<std::string> selected = fail(HostError::unexpected_protocol);
    if (outbound) {
      selected = co_await negotiate_outbound(io, protocol_ids(offered));
    } else {
      selected = co_await negotiate_inbound(io, [&offered](std::string_view id) {
        auto security = security_from_protocol(id);
        return security && std::find(offered.begin(), offered.end(), *security) != offered.end();
      });
    }
    if (!selected) co_return fail(selected.error());
    auto security = security_from_protocol(*selected);
    if (!security) co_return fail(HostError::unexpected_protocol);
    chosen = *security;
  }

  auto secured = co_await run_security(io, chosen, outbound, std::move(expected), context,
                                       lazy ? &*lazy : nullptr);
  if (!secured) co_return fail(secured.error());
  Bytes ciphertext = std::move(secured->leftover);
  append(ciphertext, io.take_pending());
  Bytes early_plaintext;
  if (auto r = secured->cipher.decrypt(ciphertext, early_plaintext); !r) co_return fail(r.error());

  if (secured->muxer != std::optional<std::string>(kYamuxProtocol)) {
    // The peer did not take part in early muxer negotiation: negotiate inside the channel.
    SecureSocketStream secure_io(socket, secured->cipher, std::move(early_plaintext));
    Result<std::string> muxer = fail(HostError::unexpected_protocol);
    if (outbound) {
      std::vector<std::string> muxers{kYamuxProtocol};
      muxer = co_await negotiate_outbound(secure_io, std::move(muxers));
    } else {
      muxer = co_await negotiate_inbound(secure_io, is_yamux);
    }
    if (!muxer) co_return fail(muxer.error());
    if (*muxer != kYamuxProtocol) co_return fail(HostError::unexpected_protocol);
    early_plaintext = secure_io.take_pending();
  }
  co_return SecureChannel{std::move(secured->remote_peer), std::move(secured->remote_key), chosen,
                          std::move(secured->cipher), std::move(early_plaintext)};
}

asio::awaitable<Result<std::shared_ptr<Connection>>> upgrade(tcp::Socket socket,
                                                             Direction direction,
                                                             std::optional<crypto::PeerId> expected,
                                                             UpgradeContext context) {
  boost::system::error_code ec;
  auto local = socket.local_endpoint(ec);
  auto remote = socket.remote_endpoint(ec);
  if (ec) co_return fail(ec);
  auto channel = co_await secure_channel(socket, direction, std::move(expected), context);
  if (!channel) co_return fail(channel.error());
  ConnectionInfo info{channel->remote_peer,
                      channel->remote_key,
                      tcp::to_multiaddr(local),
                      tcp::to_multiaddr(remote),
                      direction,
                      std::string(protocol_id(channel->security)),
                      kYamuxProtocol,
                      Clock::now()};
  auto role = direction == Direction::outbound ? yamux::Role::client : yamux::Role::server;
  co_return std::make_shared<Connection>(std::move(socket), std::move(channel->cipher),
                                         std::move(channel->early_plaintext), role, context.yamux,
                                         std::move(info), context.observer);
}

}  // namespace meshchat::p2p
