// The /tls/1.0.0 Handshake in memory: mutual authentication, ALPN muxer selection, PeerId checks,
// refused certificates, TLS 1.3 only, and application data right behind the handshake.
#include "p2p/tls/handshake.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "crypto/error.hpp"
#include "p2p/tls/error.hpp"
#include "test_support.hpp"

namespace meshchat::p2p::tls {
namespace {

using test::identity;
using test::peer_of;
using test::test_now;

const std::string kYamux = "/yamux/1.0.0";
const std::string kMplex = "/mplex/6.7.0";

struct Connected {
  HandshakeResult client;
  HandshakeResult server;
};

Connected connect(std::vector<std::string> client_muxers, std::vector<std::string> server_muxers,
                  std::uint32_t seed = 1, std::size_t max_chunk = 1500) {
  auto a = identity(1);
  auto b = identity(2);
  Handshake client(Role::initiator, a, std::move(client_muxers), peer_of(b), test_now());
  Handshake server(Role::responder, b, std::move(server_muxers), std::nullopt, test_now());
  std::mt19937 rng(seed);
  auto outcome = test::pump(client, server, rng, max_chunk);
  EXPECT_TRUE(outcome.client) << outcome.client.error().message();
  EXPECT_TRUE(outcome.server) << outcome.server.error().message();
  EXPECT_TRUE(client.done());
  EXPECT_TRUE(server.done());
  auto c = client.finish();
  auto s = server.finish();
  if (!c || !s) throw std::runtime_error("handshake failed");
  EXPECT_TRUE(c->leftover.empty());
  EXPECT_TRUE(s->leftover.empty());
  return {std::move(*c), std::move(*s)};
}

TEST(TlsHandshake, MutualAuthentication) {
  Connected c = connect({kYamux}, {kYamux});
  EXPECT_EQ(c.client.remote_peer, peer_of(identity(2)));
  EXPECT_EQ(c.client.remote_key, identity(2).public_key());
  EXPECT_EQ(c.server.remote_peer, peer_of(identity(1)));
  EXPECT_EQ(c.server.remote_key, identity(1).public_key());
}

RC_GTEST_PROP(TlsHandshake, AnyChunkingCompletes, (std::uint32_t seed)) {
  std::size_t max_chunk = 1 + seed % 700;
  Connected c = connect({kYamux}, {kYamux}, seed, max_chunk);
  RC_ASSERT(c.client.muxer == std::optional<std::string>(kYamux));
  RC_ASSERT(c.server.remote_peer == peer_of(identity(1)));
}

TEST(TlsHandshake, EveryIdentityKeyType) {
  using crypto::KeyType;
  const std::vector<KeyType> types = {KeyType::ed25519, KeyType::secp256k1, KeyType::ecdsa,
                                      KeyType::rsa};
  std::vector<crypto::PrivateKey> keys;
  for (KeyType type : types) keys.push_back(crypto::PrivateKey::generate(type));
  // Each type as client against the next type as server.
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& a = keys[i];
    const auto& b = keys[(i + 1) % keys.size()];
    SCOPED_TRACE(std::string(crypto::to_string(a.type())) + " -> " +
                 std::string(crypto::to_string(b.type())));
    Handshake client(Role::initiator, a, {kYamux}, peer_of(b), test_now());
    Handshake server(Role::responder, b, {kYamux}, peer_of(a), test_now());
    std::mt19937 rng(static_cast<std::uint32_t>(i));
    auto outcome = test::pump(client, server, rng);
    ASSERT_TRUE(outcome.client) << outcome.client.error().message();
    ASSERT_TRUE(outcome.server) << outcome.server.error().message();
    EXPECT_EQ(client.finish()->remote_key, b.public_key());
    EXPECT_EQ(server.finish()->remote_key, a.public_key());
  }
}

TEST(TlsHandshake, AlpnSelectsMuxer) {
  struct Case {
    std::vector<std::string> client, server;
    std::optional<std::string> expected;
  };
  std::vector<Case> cases = {
      {{kYamux}, {kYamux}, kYamux},
      {{}, {kYamux}, std::nullopt},                  // client offers only "libp2p"
      {{kYamux}, {}, std::nullopt},                  // server supports only "libp2p"
      {{kMplex, kYamux}, {kYamux, kMplex}, kMplex},  // the client's preference wins
      {{kMplex}, {kYamux}, std::nullopt},            // falls back to "libp2p"
  };
  for (const Case& k : cases) {
    Connected c = connect(k.client, k.server);
    EXPECT_EQ(c.client.muxer, k.expected);
    EXPECT_EQ(c.server.muxer, k.expected);
  }
}

TEST(TlsHandshake, InvalidMuxerIdsAreMisuse) {
  auto a = identity(1);
  EXPECT_THROW(Handshake(Role::initiator, a, {""}, std::nullopt, test_now()), std::logic_error);
  EXPECT_THROW(Handshake(Role::initiator, a, {std::string(256, 'x')}, std::nullopt, test_now()),
               std::logic_error);
  EXPECT_THROW(Handshake(Role::initiator, a, {"libp2p"}, std::nullopt, test_now()),
               std::logic_error);
}

TEST(TlsHandshake, PeerIdMismatchOnClient) {
  Handshake client(Role::initiator, identity(1), {}, peer_of(identity(3)), test_now());
  Handshake server(Role::responder, identity(2), {}, std::nullopt, test_now());
  std::mt19937 rng(5);
  auto outcome = test::pump(client, server, rng);
  ASSERT_FALSE(outcome.client);
  EXPECT_EQ(outcome.client.error(), Error::peer_id_mismatch);
  EXPECT_EQ(outcome.client.error().message(), "peer id mismatch");
  EXPECT_FALSE(client.done());
  EXPECT_EQ(client.finish().error(), Error::peer_id_mismatch);
  // The client's alert reached the server, which never completes.
  ASSERT_FALSE(outcome.server);
  EXPECT_EQ(outcome.server.error(), Error::alert_received);
  EXPECT_EQ(client.feed(Bytes{1, 2, 3}).error(), Error::peer_id_mismatch);
}

TEST(TlsHandshake, PeerIdMismatchOnServerShowsAsAlertToClient) {
  Handshake client(Role::initiator, identity(1), {}, peer_of(identity(2)), test_now());
  Handshake server(Role::responder, identity(2), {}, peer_of(identity(4)), test_now());
  ASSERT_TRUE(server.feed(client.take_output()));
  ASSERT_TRUE(client.feed(server.take_output()));
  ASSERT_TRUE(client.done());  // done before the server saw its certificate
  auto result = client.finish();
  ASSERT_TRUE(result);
  auto refused = server.feed(client.take_output());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), Error::peer_id_mismatch);
  Bytes plain;
  auto r = result->transport.decrypt(server.take_output(), plain);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::alert_received);
}

// One side presents a certificate with `defects`; the other must refuse it with `expected`.
void expect_refused(bool bad_server, const test::Defects& defects, std::error_code expected) {
  auto a = identity(1);
  auto b = identity(2);
  auto bad_key = bad_server ? b : a;
  Certificate bad = test::build_certificate(bad_key, test_now(), defects);
  std::optional<Handshake> client, server;
  if (bad_server) {
    client.emplace(Role::initiator, a, std::vector<std::string>{}, std::nullopt, test_now());
    server.emplace(Role::responder, std::move(bad), std::vector<std::string>{}, std::nullopt,
                   test_now());
  } else {
    client.emplace(Role::initiator, std::move(bad), std::vector<std::string>{}, std::nullopt,
                   test_now());
    server.emplace(Role::responder, b, std::vector<std::string>{}, std::nullopt, test_now());
  }
  std::mt19937 rng(7);
  auto outcome = test::pump(*client, *server, rng);
  const Result<void>& refusing = bad_server ? outcome.client : outcome.server;
  ASSERT_FALSE(refusing);
  EXPECT_EQ(refusing.error(), expected) << refusing.error().message();
}

TEST(TlsHandshake, RefusedCertificates) {
  using std::chrono::seconds;
  for (bool bad_server : {true, false}) {
    SCOPED_TRACE(bad_server ? "server certificate" : "client certificate");
    expect_refused(bad_server, {.omit_extension = true}, Error::missing_extension);
    expect_refused(bad_server, {.corrupt_signed_key_signature = true},
                   crypto::Error::bad_signature);
    expect_refused(bad_server, {.not_before = seconds(-7200), .not_after = seconds(-60)},
                   Error::certificate_expired);
    expect_refused(bad_server, {.critical_unknown_extension = true},
                   Error::unknown_critical_extension);
  }
}

TEST(TlsHandshake, ExpiredByTheVerifiersClock) {
  // The server's certificate is fine at its own time; the client's clock is a century later.
  Handshake client(Role::initiator, identity(1), {}, std::nullopt,
                   test_now() + kValidity + std::chrono::hours(48));
  Handshake server(Role::responder, identity(2), {}, std::nullopt, test_now());
  std::mt19937 rng(8);
  auto outcome = test::pump(client, server, rng);
  ASSERT_FALSE(outcome.client);
  EXPECT_EQ(outcome.client.error(), Error::certificate_expired);
}

TEST(TlsHandshake, ApplicationDataBehindTheLastRecordIsKept) {
  Handshake client(Role::initiator, identity(1), {kYamux}, std::nullopt, test_now());
  Handshake server(Role::responder, identity(2), {kYamux}, std::nullopt, test_now());
  ASSERT_TRUE(server.feed(client.take_output()));
  ASSERT_TRUE(client.feed(server.take_output()));
  ASSERT_TRUE(client.done());
  auto c = client.finish();
  ASSERT_TRUE(c);
  // The client's Finished and its first data travel in one flight, as a client may send them.
  Bytes flight = client.take_output();
  ASSERT_TRUE(c->transport.encrypt(as_bytes("hello"), flight));
  Bytes more;
  ASSERT_TRUE(c->transport.encrypt(as_bytes(" world"), more));
  ASSERT_TRUE(server.feed(flight));
  ASSERT_TRUE(server.done());
  ASSERT_TRUE(server.feed(more));  // fed after done(), before finish()
  auto s = server.finish();
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->leftover.empty());
  Bytes plain;
  ASSERT_TRUE(s->transport.decrypt(s->leftover, plain));
  EXPECT_EQ(as_string(plain), "hello world");
}

TEST(TlsHandshake, FinishMisuse) {
  Handshake client(Role::initiator, identity(1), {}, std::nullopt, test_now());
  EXPECT_FALSE(client.done());
  EXPECT_THROW((void)client.finish(), std::logic_error);
}

TEST(TlsHandshake, GarbageIsAHandshakeFailure) {
  Handshake server(Role::responder, identity(2), {}, std::nullopt, test_now());
  Bytes garbage(64, 0x42);
  auto r = server.feed(garbage);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Error::handshake_failed);
  EXPECT_EQ(server.feed(garbage).error(), Error::handshake_failed);
}

TEST(TlsHandshake, MoveKeepsCallbacksValid) {
  Handshake client(Role::initiator, identity(1), {kYamux}, std::nullopt, test_now());
  Handshake moved_server(Role::responder, identity(2), {kYamux}, std::nullopt, test_now());
  Handshake server = std::move(moved_server);
  std::mt19937 rng(9);
  auto outcome = test::pump(client, server, rng);
  EXPECT_TRUE(outcome.client && outcome.server);
  EXPECT_EQ(server.finish()->muxer, std::optional<std::string>(kYamux));
}

}  // namespace
}  // namespace meshchat::p2p::tls
