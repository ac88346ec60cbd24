// Helpers for the /tls/1.0.0 tests (libp2p/tls/tls.md): fixed identities and time, certificates
// with chosen defects, and a pump that runs two Handshakes against each other in memory.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "crypto/keys.hpp"
#include "p2p/tls/certificate.hpp"
#include "p2p/tls/der.hpp"
#include "p2p/tls/handshake.hpp"

namespace meshchat::p2p::tls::test {

inline crypto::PrivateKey identity(std::uint8_t n) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(n);
  return crypto::PrivateKey::ed25519_from_seed(seed);
}

inline crypto::PeerId peer_of(const crypto::PrivateKey& key) {
  return crypto::PeerId::from_public_key(key.public_key());
}

// A fixed wall-clock time, so no test depends on the machine's clock.
inline WallTime test_now() {
  using namespace std::chrono;
  return sys_days{year{2024} / 6 / 1};
}

// What build_certificate() gets wrong on purpose.
struct Defects {
  bool omit_extension = false;
  bool duplicate_extension = false;
  bool critical_unknown_extension = false;
  bool corrupt_signed_key_signature = false;
  bool unsigned_garbage_extension = false;  // extension value that is not a SignedKey
  std::chrono::seconds not_before{-3600};   // relative to `now`
  std::chrono::seconds not_after{3600};
};

inline void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}

inline void add_extension(X509* x509, const char* oid_text, bool critical, ByteView value) {
  Asn1ObjectPtr oid(OBJ_txt2obj(oid_text, 1));
  Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
  require(oid && data &&
              ASN1_OCTET_STRING_set(data.get(), value.data(), static_cast<int>(value.size())) == 1,
          "extension value");
  X509ExtensionPtr extension(
      X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), critical ? 1 : 0, data.get()));
  require(extension && X509_add_ext(x509, extension.get(), -1) == 1, "extension");
}

// A P-256 certificate for `identity` built independently of make_certificate(), with `defects`.
inline Certificate build_certificate(const crypto::PrivateKey& identity, WallTime now,
                                     const Defects& defects = {}) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  X509Ptr x509(X509_new());
  require(key && x509 && X509_set_version(x509.get(), X509_VERSION_3) == 1 &&
              X509_set_pubkey(x509.get(), key.get()) == 1 &&
              ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 12345) == 1,
          "basics");
  X509NamePtr name(X509_NAME_new());
  require(name &&
              X509_NAME_add_entry_by_txt(name.get(), "O", MBSTRING_ASC,
                                         reinterpret_cast<const unsigned char*>("meshchat test"),
                                         -1, -1, 0) == 1 &&
              X509_set_subject_name(x509.get(), name.get()) == 1 &&
              X509_set_issuer_name(x509.get(), name.get()) == 1,
          "name");
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  require(X509_time_adj_ex(X509_getm_notBefore(x509.get()), 0,
                           static_cast<long>(defects.not_before.count()), &t) &&
              X509_time_adj_ex(X509_getm_notAfter(x509.get()), 0,
                               static_cast<long>(defects.not_after.count()), &t),
          "validity");
  auto spki = public_key_der(key.get());
  require(spki.has_value(), "spki");
  Bytes message = to_bytes(kSignaturePrefix);
  append(message, *spki);
  Bytes signature = identity.sign(message);
  if (defects.corrupt_signed_key_signature) signature[0] ^= 0x01;
  Bytes fields;
  der::write(der::kOctetString, identity.public_key().to_protobuf(), fields);
  der::write(der::kOctetString, signature, fields);
  Bytes signed_key;
  der::write(der::kSequence, fields, signed_key);
  if (defects.unsigned_garbage_extension) signed_key = {0x30, 0x03, 0x04, 0x01, 0x00};
  if (!defects.omit_extension) {
    add_extension(x509.get(), std::string(kExtensionOidText).c_str(), false, signed_key);
  }
  if (defects.duplicate_extension) {
    add_extension(x509.get(), std::string(kExtensionOidText).c_str(), false, signed_key);
  }
  if (defects.critical_unknown_extension) {
    const std::uint8_t null_value[] = {0x05, 0x00};
    add_extension(x509.get(), "1.3.6.1.4.1.53594.99.1", true, null_value);
  }
  require(X509_sign(x509.get(), key.get(), EVP_sha256()) > 0, "sign");
  auto der = to_der(x509.get());
  require(der.has_value(), "der");
  return Certificate(std::move(x509), std::move(key), std::move(*der));
}

// Feeds `bytes` to `to` in random chunks of 1..max_chunk bytes; stops at the first error.
template <class Sink>
Result<void> feed_chunked(Sink&& feed, ByteView bytes, std::mt19937& rng, std::size_t max_chunk) {
  while (!bytes.empty()) {
    std::size_t n = std::uniform_int_distribution<std::size_t>(1, max_chunk)(rng);
    n = std::min(n, bytes.size());
    if (auto r = feed(bytes.first(n)); !r) return r;
    bytes = bytes.subspan(n);
  }
  return {};
}

struct PumpOutcome {
  Result<void> client;
  Result<void> server;
};

// Moves records between the two handshakes, in random chunks, until both are done, one fails,
// or nothing moves.
inline PumpOutcome pump(Handshake& client, Handshake& server, std::mt19937& rng,
                        std::size_t max_chunk = 1500) {
  PumpOutcome outcome{{}, {}};
  for (;;) {
    Bytes to_server = client.take_output();
    Bytes to_client = server.take_output();
    if (to_server.empty() && to_client.empty()) return outcome;
    if (outcome.server && !server.done()) {
      outcome.server =
          feed_chunked([&](ByteView b) { return server.feed(b); }, to_server, rng, max_chunk);
    }
    if (outcome.client && !client.done()) {
      outcome.client =
          feed_chunked([&](ByteView b) { return client.feed(b); }, to_client, rng, max_chunk);
    }
  }
}

}  // namespace meshchat::p2p::tls::test
