// The /tls/1.0.0 certificate (libp2p/tls/tls.md "Peer Authentication"): a self-signed X.509
// certificate carrying the libp2p Public Key Extension that binds it to a libp2p identity key.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "p2p/tls/openssl.hpp"

namespace meshchat::p2p::tls {

// Certificate validity is wall-clock time, unlike the steady clock of protocol timers.
using WallTime = std::chrono::system_clock::time_point;

// The extension's signature covers this prefix followed by the certificate's DER
// SubjectPublicKeyInfo.
inline constexpr std::string_view kSignaturePrefix = "libp2p-tls-handshake:";
// DER content octets of OID 1.3.6.1.4.1.53594.1.1, assigned by IANA to libp2p.
inline constexpr std::array<std::uint8_t, 10> kExtensionOid = {0x2b, 0x06, 0x01, 0x04, 0x01,
                                                               0x83, 0xa2, 0x5a, 0x01, 0x01};
inline constexpr std::string_view kExtensionOidText = "1.3.6.1.4.1.53594.1.1";

// Ours are about 450 bytes; the largest honest one carries an RSA-8192 identity key (about 1.1 KiB
// of protobuf, 1 KiB of signature) under an RSA-4096 certificate key (about 1.1 KiB more).
inline constexpr std::size_t kMaxCertificateBytes = 8 * 1024;
// An RSA signature at the 8192-bit maximum other libp2p implementations accept; Ed25519 needs 64,
// ECDSA P-256 at most 72.
inline constexpr std::size_t kMaxSignedKeySignatureBytes = 1024;

// Validity of the certificates we make, as go-libp2p: an hour of slack for a peer whose clock is
// behind ours, and about a century so that a long-lived certificate never expires in use.
inline constexpr std::chrono::seconds kNotBeforeSlack{3600};
inline constexpr std::chrono::seconds kValidity{100LL * 365 * 24 * 3600};

// A certificate and the private key of the (ephemeral) certificate key it certifies.
class Certificate {
 public:
  // Takes ownership; `key` must be the private key for `certificate`'s public key.
  Certificate(X509Ptr certificate, PkeyPtr key, Bytes der);

  X509* x509() const { return certificate_.get(); }
  EVP_PKEY* key() const { return key_.get(); }
  const Bytes& der() const { return der_; }

 private:
  X509Ptr certificate_;
  PkeyPtr key_;
  Bytes der_;
};

// A fresh P-256 certificate key and a certificate for it, self-signed with ECDSA-SHA256: random
// 62-bit serial and subject serialNumber, valid from now - kNotBeforeSlack to now + kValidity,
// carrying a non-critical extension signed by `identity`. Fails only with Error::internal.
Result<Certificate> make_certificate(const crypto::PrivateKey& identity, WallTime now);

// Checks a peer's certificate as libp2p/tls/tls.md requires and returns the libp2p public key it
// authenticates: exactly one DER X.509 v3 certificate of at most kMaxCertificateBytes, without
// unique ids, self-signature valid, valid at `now`, the libp2p extension exactly once, no other
// critical extension that OpenSSL does not process, and the SignedKey's signature valid.
// Errors: every tls::Error from bad_certificate to bad_signed_key, and crypto::Error
// unsupported_key_type, bad_key, bad_key_protobuf and bad_signature for the identity key.
Result<crypto::PublicKey> verify_certificate(ByteView der, WallTime now);

}  // namespace meshchat::p2p::tls
