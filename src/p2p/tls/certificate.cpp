#include "p2p/tls/certificate.hpp"

#include <cstring>
#include <ctime>
#include <string>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "crypto/error.hpp"
#include "p2p/tls/der.hpp"
#include "p2p/tls/error.hpp"

namespace meshchat::p2p::tls {

namespace {

// go-libp2p draws serials below 2^62; we set the top bit of 62 so that a serial is never zero,
// which RFC 5280 §4.1.2.2 forbids.
constexpr int kSerialBits = 62;

Bytes signed_message(ByteView spki) {
  Bytes message = to_bytes(kSignaturePrefix);
  append(message, spki);
  return message;
}

// SignedKey ::= SEQUENCE { publicKey OCTET STRING, signature OCTET STRING }
Bytes encode_signed_key(ByteView public_key, ByteView signature) {
  Bytes fields;
  der::write(der::kOctetString, public_key, fields);
  der::write(der::kOctetString, signature, fields);
  Bytes out;
  der::write(der::kSequence, fields, out);
  return out;
}

struct SignedKey {
  ByteView public_key;
  ByteView signature;
};

Result<SignedKey> decode_signed_key(ByteView in) {
  auto sequence = der::read(in, der::kSequence);
  if (!sequence || !in.empty()) return fail(Error::bad_signed_key);
  ByteView fields = sequence->content;
  auto public_key = der::read(fields, der::kOctetString);
  if (!public_key) return fail(Error::bad_signed_key);
  auto signature = der::read(fields, der::kOctetString);
  if (!signature || !fields.empty()) return fail(Error::bad_signed_key);
  if (public_key->content.size() > crypto::kMaxKeyProtobufBytes ||
      signature->content.size() > kMaxSignedKeySignatureBytes) {
    return fail(Error::bad_signed_key);
  }
  return SignedKey{public_key->content, signature->content};
}

// The SubjectPublicKeyInfo exactly as the certificate encodes it:
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
//   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
//                                 validity, subject, subjectPublicKeyInfo, ... }
Result<ByteView> find_spki(ByteView der) {
  auto certificate = der::read(der, der::kSequence);
  if (!certificate || !der.empty()) return fail(Error::bad_certificate);
  ByteView body = certificate->content;
  auto tbs = der::read(body, der::kSequence);
  if (!tbs) return fail(Error::bad_certificate);
  ByteView fields = tbs->content;
  (void)der::read(fields, der::kContextConstructed0);
  if (!der::read(fields, der::kInteger)) return fail(Error::bad_certificate);
  for (int i = 0; i < 4; ++i) {  // signature, issuer, validity, subject
    if (!der::read(fields, der::kSequence)) return fail(Error::bad_certificate);
  }
  auto spki = der::read(fields, der::kSequence);
  if (!spki) return fail(Error::bad_certificate);
  return spki->encoded;
}

bool is_libp2p_extension(const X509_EXTENSION* extension) {
  const ASN1_OBJECT* oid = X509_EXTENSION_get_object(const_cast<X509_EXTENSION*>(extension));
  return OBJ_length(oid) == kExtensionOid.size() &&
         std::memcmp(OBJ_get0_data(oid), kExtensionOid.data(), kExtensionOid.size()) == 0;
}

// The libp2p extension's value, after checking every extension of the certificate.
Result<ByteView> find_extension(X509* certificate) {
  const X509_EXTENSION* found = nullptr;
  int count = X509_get_ext_count(certificate);
  for (int i = 0; i < count; ++i) {
    X509_EXTENSION* extension = X509_get_ext(certificate, i);
    if (is_libp2p_extension(extension)) {
      if (found) return fail(Error::duplicate_extension);
      found = extension;
    } else if (X509_EXTENSION_get_critical(extension) == 1 &&
               X509_supported_extension(extension) != 1) {
      return fail(Error::unknown_critical_extension);
    }
  }
  if (!found) return fail(Error::missing_extension);
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(const_cast<X509_EXTENSION*>(found));
  return ByteView(ASN1_STRING_get0_data(value),
                  static_cast<std::size_t>(ASN1_STRING_length(value)));
}

Result<void> check_validity(X509* certificate, WallTime now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  // X509_cmp_time: -1 if the field is at or before t, 1 if after, 0 if the field is malformed.
  int not_before = X509_cmp_time(X509_get0_notBefore(certificate), &t);
  int not_after = X509_cmp_time(X509_get0_notAfter(certificate), &t);
  if (not_before == 0 || not_after == 0) return fail(Error::bad_certificate);
  if (not_before > 0) return fail(Error::certificate_not_yet_valid);
  if (not_after < 0) return fail(Error::certificate_expired);
  return {};
}

Result<void> set_serial_and_subject(X509* certificate) {
  BignumPtr serial(BN_new());
  BignumPtr subject_serial(BN_new());
  if (!serial || !subject_serial ||
      BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_rand(subject_serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate))) {
    return fail(openssl_failure(Error::internal));
  }
  // RFC 5280 §4.1.2.4 wants a non-empty issuer; like go-libp2p we put a random serialNumber in
  // the (identical) subject and issuer names.
  char* decimal = BN_bn2dec(subject_serial.get());
  if (!decimal) return fail(openssl_failure(Error::internal));
  std::string text(decimal);
  OPENSSL_free(decimal);
  X509NamePtr name(X509_NAME_new());
  if (!name ||
      X509_NAME_add_entry_by_NID(name.get(), NID_serialNumber, MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(text.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_subject_name(certificate, name.get()) != 1 ||
      X509_set_issuer_name(certificate, name.get()) != 1) {
    return fail(openssl_failure(Error::internal));
  }
  return {};
}

Result<void> add_extension(X509* certificate, ByteView value) {
  Asn1ObjectPtr oid(OBJ_txt2obj(kExtensionOidText.data(), 1));
  Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
  if (!oid || !data ||
      ASN1_OCTET_STRING_set(data.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return fail(openssl_failure(Error::internal));
  }
  X509ExtensionPtr extension(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 0, data.get()));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
    return fail(openssl_failure(Error::internal));
  }
  return {};
}

}  // namespace

Certificate::Certificate(X509Ptr certificate, PkeyPtr key, Bytes der)
    : certificate_(std::move(certificate)), key_(std::move(key)), der_(std::move(der)) {}

Result<Certificate> make_certificate(const crypto::PrivateKey& identity, WallTime now) {
  clear_errors();
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  X509Ptr certificate(X509_new());
  if (!key || !certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(certificate.get(), key.get()) != 1) {
    return fail(openssl_failure(Error::internal));
  }
  if (auto r = set_serial_and_subject(certificate.get()); !r) return fail(r.error());
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  if (!X509_time_adj_ex(X509_getm_notBefore(certificate.get()), 0,
                        -static_cast<long>(kNotBeforeSlack.count()), &t) ||
      !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), 0,
                        static_cast<long>(kValidity.count()), &t)) {
    return fail(openssl_failure(Error::internal));
  }
  auto spki = public_key_der(key.get());
  if (!spki) return fail(spki.error());
  Bytes signature = identity.sign(signed_message(*spki));
  if (auto r = add_extension(certificate.get(),
                             encode_signed_key(identity.public_key().to_protobuf(), signature));
      !r) {
    return fail(r.error());
  }
  if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0) {
    return fail(openssl_failure(Error::internal));
  }
  auto der = to_der(certificate.get());
  if (!der) return fail(der.error());
  return Certificate(std::move(certificate), std::move(key), std::move(*der));
}

namespace {

Result<crypto::PublicKey> check_certificate(ByteView der, WallTime now) {
  if (der.size() > kMaxCertificateBytes) return fail(Error::bad_certificate);
  auto spki = find_spki(der);
  if (!spki) return fail(spki.error());
  clear_errors();
  const unsigned char* p = der.data();
  X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!certificate || p != der.data() + der.size())
    return fail(openssl_failure(Error::bad_certificate));
  if (X509_get_version(certificate.get()) != X509_VERSION_3) return fail(Error::bad_certificate);
  const ASN1_BIT_STRING* issuer_uid = nullptr;
  const ASN1_BIT_STRING* subject_uid = nullptr;
  X509_get0_uids(certificate.get(), &issuer_uid, &subject_uid);
  if (issuer_uid || subject_uid) return fail(Error::bad_certificate);
  EVP_PKEY* certificate_key = X509_get0_pubkey(certificate.get());
  if (!certificate_key) return fail(openssl_failure(Error::bad_certificate));
  if (X509_verify(certificate.get(), certificate_key) != 1) {
    return fail(openssl_failure(Error::bad_certificate_signature));
  }
  if (auto r = check_validity(certificate.get(), now); !r) return fail(r.error());
  auto extension = find_extension(certificate.get());
  if (!extension) return fail(extension.error());
  auto signed_key = decode_signed_key(*extension);
  if (!signed_key) return fail(signed_key.error());
  auto identity = crypto::PublicKey::from_protobuf(signed_key->public_key);
  if (!identity) return fail(identity.error());
  if (auto r = identity->verify(signed_message(*spki), signed_key->signature); !r) {
    return fail(r.error());
  }
  return std::move(*identity);
}

}  // namespace

Result<crypto::PublicKey> verify_certificate(ByteView der, WallTime now) {
  auto key = check_certificate(der, now);
  // OpenSSL may have queued errors on the way to a refusal; none may outlive it.
  if (!key) clear_errors();
  return key;
}

}  // namespace meshchat::p2p::tls
