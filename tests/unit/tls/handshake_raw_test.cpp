// A responder Handshake against a plain OpenSSL client that breaks one libp2p rule at a time:
// TLS 1.2, no client certificate, a chain of two certificates, no ALPN protocol in common.
#include <gtest/gtest.h>

#include "p2p/tls/error.hpp"
#include "p2p/tls/handshake.hpp"
#include "test_support.hpp"

namespace meshchat::p2p::tls {
namespace {

using test::identity;
using test::test_now;

struct RawClientOptions {
  int max_version = TLS1_3_VERSION;
  const Certificate* certificate = nullptr;
  X509* extra_chain_certificate = nullptr;
  Bytes alpn{};  // wire format; empty: no ALPN extension
};

class RawClient {
 public:
  explicit RawClient(const RawClientOptions& options) {
    SSL_CTX* ctx = context_.get();
    bool ok = ctx && SSL_CTX_set_max_proto_version(ctx, options.max_version) == 1;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    if (options.certificate) {
      ok = ok && SSL_CTX_use_certificate(ctx, options.certificate->x509()) == 1 &&
           SSL_CTX_use_PrivateKey(ctx, options.certificate->key()) == 1;
    }
    if (options.extra_chain_certificate) {
      ok = ok && SSL_CTX_add1_chain_cert(ctx, options.extra_chain_certificate) == 1;
    }
    if (!options.alpn.empty()) {
      ok = ok && SSL_CTX_set_alpn_protos(ctx, options.alpn.data(),
                                         static_cast<unsigned>(options.alpn.size())) == 0;
    }
    ssl_.reset(SSL_new(ctx));
    BioPtr in = make_memory_bio();
    BioPtr out = make_memory_bio();
    if (!ok || !ssl_ || !in || !out) throw std::runtime_error("raw client setup");
    SSL_set_bio(ssl_.get(), in.release(), out.release());
    SSL_set_connect_state(ssl_.get());
  }

  // Feeds the server's records and returns the client's next ones.
  Bytes step(ByteView from_server) {
    if (!write_bio(SSL_get_rbio(ssl_.get()), from_server)) throw std::runtime_error("bio");
    (void)SSL_do_handshake(ssl_.get());
    clear_errors();
    Bytes out;
    drain_bio(SSL_get_wbio(ssl_.get()), out);
    return out;
  }

 private:
  SslCtxPtr context_{SSL_CTX_new(TLS_method())};
  SslPtr ssl_;
};

// Runs the exchange until the server fails, completes, or nothing moves; gives the muxer.
Result<std::optional<std::string>> serve(RawClient& client) {
  Handshake server(Role::responder, identity(2), {"/yamux/1.0.0"}, std::nullopt, test_now());
  Bytes to_client;
  for (int round = 0; round < 4 && !server.done(); ++round) {
    Bytes to_server = client.step(to_client);
    if (to_server.empty()) break;
    if (auto r = server.feed(to_server); !r) return fail(r.error());
    to_client = server.take_output();
  }
  if (!server.done()) return fail(Error::handshake_failed);
  auto result = server.finish();
  if (!result) return fail(result.error());
  return result->muxer;
}

Bytes alpn_wire(std::string_view protocol) {
  Bytes out{static_cast<std::uint8_t>(protocol.size())};
  append(out, as_bytes(protocol));
  return out;
}

TEST(TlsHandshakeRaw, CompliantClientIsAccepted) {
  Certificate certificate = test::build_certificate(identity(1), test_now());
  Bytes alpn = alpn_wire("/mplex/6.7.0");
  append(alpn, alpn_wire("/yamux/1.0.0"));
  append(alpn, alpn_wire("libp2p"));
  RawClient client({.certificate = &certificate, .alpn = alpn});
  auto muxer = serve(client);
  ASSERT_TRUE(muxer) << muxer.error().message();
  EXPECT_EQ(*muxer, std::optional<std::string>("/yamux/1.0.0"));
}

TEST(TlsHandshakeRaw, Tls12IsRefused) {
  Certificate certificate = test::build_certificate(identity(1), test_now());
  RawClient client({.max_version = TLS1_2_VERSION, .certificate = &certificate});
  EXPECT_EQ(serve(client).error(), Error::handshake_failed);
}

TEST(TlsHandshakeRaw, ClientWithoutCertificateIsRefused) {
  RawClient client({.alpn = alpn_wire("libp2p")});
  EXPECT_EQ(serve(client).error(), Error::handshake_failed);
}

TEST(TlsHandshakeRaw, ChainOfTwoIsRefused) {
  Certificate certificate = test::build_certificate(identity(1), test_now());
  Certificate other = test::build_certificate(identity(3), test_now());
  RawClient client({.certificate = &certificate,
                    .extra_chain_certificate = other.x509(),
                    .alpn = alpn_wire("libp2p")});
  EXPECT_EQ(serve(client).error(), Error::certificate_chain);
}

TEST(TlsHandshakeRaw, NoCommonAlpnIsRefused) {
  Certificate certificate = test::build_certificate(identity(1), test_now());
  RawClient client({.certificate = &certificate, .alpn = alpn_wire("h2")});
  EXPECT_EQ(serve(client).error(), Error::no_common_protocol);
}

TEST(TlsHandshakeRaw, NoAlpnMeansNoMuxer) {
  Certificate certificate = test::build_certificate(identity(1), test_now());
  RawClient client({.certificate = &certificate});
  auto muxer = serve(client);
  ASSERT_TRUE(muxer);
  EXPECT_EQ(*muxer, std::nullopt);
}

}  // namespace
}  // namespace meshchat::p2p::tls
