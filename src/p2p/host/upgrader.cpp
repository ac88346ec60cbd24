#include "p2p/host/upgrader.hpp"

#include "p2p/host/error.hpp"
#include "p2p/host/negotiate.hpp"
#include "p2p/host/socket_stream.hpp"

namespace meshchat::p2p {

namespace {

// Handshake messages are at most 65535 + 2 bytes.
constexpr std::size_t kHandshakeReadSize = 64 * 1024 + 2;

bool is_noise(std::string_view id) {
  return id == kNoiseProtocol;
}
bool is_yamux(std::string_view id) {
  return id == kYamuxProtocol;
}

struct Secured {
  noise::HandshakeResult result;
  Bytes early_plaintext;  // transport data the peer sent right behind the handshake
};

// `lazy`: the initiator's optimistic `/noise` selection, confirmed before the first read.
asio::awaitable<Result<Secured>> run_noise(SocketStream& io, noise::Role role,
                                           std::optional<crypto::PeerId> expected,
                                           UpgradeContext& context, multistream::Dialer* lazy) {
  std::vector<std::string> muxers{kYamuxProtocol};
  noise::Handshake handshake(role, context.identity, std::move(muxers), std::move(expected),
                             context.rng);
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
    if (auto fed = handshake.feed(ByteView(buffer.data(), *n)); !fed) co_return fail(fed.error());
  }
  auto result = handshake.finish();
  if (!result) co_return fail(result.error());
  Bytes ciphertext = std::move(result->leftover);
  append(ciphertext, io.take_pending());
  Secured secured{std::move(*result), {}};
  if (auto r = secured.result.transport.decrypt(ciphertext, secured.early_plaintext); !r) {
    co_return fail(r.error());
  }
  co_return secured;
}

}  // namespace

asio::awaitable<Result<SecureChannel>> secure_channel(tcp::Socket& socket, Direction direction,
                                                      std::optional<crypto::PeerId> expected,
                                                      UpgradeContext context) {
  bool outbound = direction == Direction::outbound;
  SocketStream io(socket);
  // No co_await inside ?: — GCC 12 miscompiles it (double destruction of the result).
  // Outbound, `/noise` is proposed lazily and the first handshake message follows it in the same
  // flight: one round trip less than waiting for the echo.
  std::optional<multistream::Dialer> lazy;
  if (outbound) {
    std::vector<std::string> security_protocols{kNoiseProtocol};
    lazy.emplace(std::move(security_protocols), multistream::Mode::lazy);
    if (auto sent = co_await start_lazy_negotiation(io, *lazy); !sent) {
      co_return fail(sent.error());
    }
  } else {
    auto security = co_await negotiate_inbound(io, is_noise);
    if (!security) co_return fail(security.error());
    if (*security != kNoiseProtocol) co_return fail(HostError::unexpected_protocol);
  }

  auto secured = co_await run_noise(io, outbound ? noise::Role::initiator : noise::Role::responder,
                                    std::move(expected), context, lazy ? &*lazy : nullptr);
  if (!secured) co_return fail(secured.error());
  SecureChannel channel{std::move(secured->result), std::move(secured->early_plaintext)};
  if (channel.handshake.muxer != std::optional<std::string>(kYamuxProtocol)) {
    // The peer did not take part in early muxer negotiation: negotiate inside the channel.
    SecureSocketStream secure_io(socket, channel.handshake.transport,
                                 std::move(channel.early_plaintext));
    Result<std::string> muxer = fail(HostError::unexpected_protocol);
    if (outbound) {
      std::vector<std::string> muxers{kYamuxProtocol};
      muxer = co_await negotiate_outbound(secure_io, std::move(muxers));
    } else {
      muxer = co_await negotiate_inbound(secure_io, is_yamux);
    }
    if (!muxer) co_return fail(muxer.error());
    if (*muxer != kYamuxProtocol) co_return fail(HostError::unexpected_protocol);
    channel.early_plaintext = secure_io.take_pending();
  }
  co_return channel;
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
  auto& handshake = channel->handshake;
  ConnectionInfo info{handshake.remote_peer,
                      handshake.remote_key,
                      tcp::to_multiaddr(local),
                      tcp::to_multiaddr(remote),
                      direction,
                      kNoiseProtocol,
                      kYamuxProtocol,
                      Clock::now()};
  auto role = direction == Direction::outbound ? yamux::Role::client : yamux::Role::server;
  co_return std::make_shared<Connection>(std::move(socket), std::move(handshake.transport),
                                         std::move(channel->early_plaintext), role, context.yamux,
                                         std::move(info), context.observer);
}

}  // namespace meshchat::p2p
