// make_certificate/verify_certificate: the spec's test vectors byte for byte, our own certificates,
// and certificates with each defect the spec requires us to refuse.
#include "p2p/tls/certificate.hpp"

#include <cstring>

#include <gtest/gtest.h>

#include "crypto/error.hpp"
#include "crypto/peer_id.hpp"
#include "p2p/tls/error.hpp"
#include "test_support.hpp"

namespace meshchat::p2p::tls {
namespace {

using test::Defects;
using test::identity;
using test::test_now;

Bytes hex(std::string_view text) {
  auto bytes = from_hex(text);
  EXPECT_TRUE(bytes.has_value());
  return bytes.value_or(Bytes{});
}

// libp2p/tls/tls.md "Test vectors" 1: valid certificate authenticating an Ed25519 PeerId.
constexpr std::string_view kEd25519Vector =
    "308201ae30820156a0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69"
    "627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f3430393630313031"
    "3133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306"
    "072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f03"
    "80b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea37c307a3078"
    "060a2b0601040183a25a0101046a3068042408011220a77f1d92fedb59dddaea5a1c4abd1ac2fbde7d7b879ed364"
    "501809923d7c11b90440d90d2769db992d5e6195dbb08e706b6651e024fda6cfb8846694a435519941cac215a820"
    "7792e42849cccc6cd8136c6e4bde92a58c5e08cfd4206eb5fe0bf909300a06082a8648ce3d040302034600304302"
    "1f50f6b6c52711a881778718238f650c9fb48943ae6ee6d28427dc6071ae55e702203625f116a7a454db9c56986c"
    "82a25682f7248ea1cb764d322ea983ed36a31b77";

// Test vector 2: valid certificate authenticating an ECDSA PeerId.
constexpr std::string_view kEcdsaVector =
    "308201f63082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69"
    "627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f3430393630313031"
    "3133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306"
    "072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f03"
    "80b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf"
    "3081bc060a2b0601040183a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce"
    "3d03010703420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7563e"
    "794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f2044730450220064ea8124774caf8f50e57f436aa"
    "62350ce652418c019df5d98a3ac666c9386a022100aa59d704a931b5f72fb9222cb6cc51f954d04a4e2e5450f880"
    "5fe8918f71eaae300a06082a8648ce3d04030203470030440220799395b0b6c1e940a7e4484705f610ab51ed376f"
    "19ff9d7c16757cfbf61b8d4302206205c03fbb0f95205c779be86581d3e31c01871ad5d1f3435bcf375cb0e5088a";

// Test vector 3: valid certificate authenticating a secp256k1 PeerId.
constexpr std::string_view kSecp256k1Vector =
    "308201ba3082015fa0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69"
    "627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f3430393630313031"
    "3133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306"
    "072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f03"
    "80b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea38184308181"
    "307f060a2b0601040183a25a01010471306f0425080212210206dc6968726765b820f050263ececf7f71e4955892"
    "776c0970542efd689d2382044630440220145e15a991961f0d08cd15425bb95ec93f6ffa03c5a385eedc34ecf464"
    "c7a8ab022026b3109b8a3f40ef833169777eb2aa337cfb6282f188de0666d1bcec2a4690dd300a06082a8648ce3d"
    "0403020349003046022100e1a217eeef9ec9204b3f774a08b70849646b6a1e6b8b27f93dc00ed58545d9fe022100"
    "b00dafa549d0f03547878338c7b15e7502888f6d45db387e5ae6b5d46899cef0";

// Test vector 4: the SignedKey's signature is not over this certificate's key.
constexpr std::string_view kInvalidVector =
    "308201f73082019da0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c69"
    "627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f3430393630313031"
    "3133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301313059301306"
    "072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba132721bb9d7a84c4f03"
    "80b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55bd37e381569ea381c23081bf"
    "3081bc060a2b0601040183a25a01010481ad3081aa045f0803125b3059301306072a8648ce3d020106082a8648ce"
    "3d03010703420004bf30511f909414ebdd3242178fd290f093a551cf75c973155de0bb5a96fedf6cb5d52da7563e"
    "794b512f66e60c7f55ba8a3acf3dd72a801980d205e8a1ad29f204473045022100bb6e03577b7cc7a3cd1558df0d"
    "a2b117dfdcc0399bc2504ebe7de6f65cade72802206de96e2a5be9b6202adba24ee0362e490641ac45c240db71fe"
    "955f2c5cf8df6e300a06082a8648ce3d0403020348003045022100e847f267f43717358f850355bdcabbefb2cfbf"
    "8a3c043b203a14788a092fe8db022027c1d04a2d41fd6b57a7e8b3989e470325de4406e52e084e34a3fd56eef0d0d"
    "f";

// True if this build's keys.hpp can use the identity key type of the certificate.
bool key_type_supported(std::string_view certificate_hex) {
  auto key = verify_certificate(hex(certificate_hex), test_now());
  return key || key.error() != crypto::Error::unsupported_key_type;
}

void expect_vector(std::string_view certificate_hex, std::string_view peer_id) {
  if (!key_type_supported(certificate_hex)) {
    GTEST_SKIP() << "keys.hpp does not support this key type yet";
  }
  auto key = verify_certificate(hex(certificate_hex), test_now());
  ASSERT_TRUE(key) << key.error().message();
  EXPECT_EQ(crypto::PeerId::from_public_key(*key).to_base58(), peer_id);
}

TEST(TlsCertificate, SpecVectorEd25519) {
  expect_vector(kEd25519Vector, "12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv");
}

TEST(TlsCertificate, SpecVectorEcdsa) {
  expect_vector(kEcdsaVector, "QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE");
}

TEST(TlsCertificate, SpecVectorSecp256k1) {
  expect_vector(kSecp256k1Vector, "16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs");
}

TEST(TlsCertificate, SpecVectorInvalidIsRefused) {
  auto key = verify_certificate(hex(kInvalidVector), test_now());
  ASSERT_FALSE(key);
  if (key_type_supported(kEcdsaVector)) {
    EXPECT_EQ(key.error(), crypto::Error::bad_signature);
  } else {
    EXPECT_EQ(key.error(), crypto::Error::unsupported_key_type);
  }
}

TEST(TlsCertificate, SpecVectorValidityIsChecked) {
  // The vectors are valid from 1975-01-01 13:00:00 UTC to 4096.
  using namespace std::chrono;
  WallTime before = sys_days{year{1975} / 1 / 1} + hours{12};
  WallTime after = sys_days{year{1975} / 1 / 1} + hours{14};
  EXPECT_EQ(verify_certificate(hex(kEd25519Vector), before).error(),
            Error::certificate_not_yet_valid);
  EXPECT_TRUE(verify_certificate(hex(kEd25519Vector), after));
}

TEST(TlsCertificate, SpecVectorDamageIsRefused) {
  Bytes der = hex(kEd25519Vector);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(verify_certificate(trailing, test_now()).error(), Error::bad_certificate);
  Bytes truncated(der.begin(), der.end() - 1);
  EXPECT_EQ(verify_certificate(truncated, test_now()).error(), Error::bad_certificate);
  // The last byte belongs to the certificate's own ECDSA signature.
  Bytes bad_signature = der;
  bad_signature.back() ^= 0x01;
  EXPECT_EQ(verify_certificate(bad_signature, test_now()).error(),
            Error::bad_certificate_signature);
  EXPECT_EQ(verify_certificate({}, test_now()).error(), Error::bad_certificate);
}

TEST(TlsCertificate, OwnCertificateRoundTrips) {
  auto key = identity(7);
  auto certificate = make_certificate(key, test_now());
  ASSERT_TRUE(certificate) << certificate.error().message();
  EXPECT_LE(certificate->der().size(), kMaxCertificateBytes);
  auto verified = verify_certificate(certificate->der(), test_now());
  ASSERT_TRUE(verified) << verified.error().message();
  EXPECT_EQ(*verified, key.public_key());
}

TEST(TlsCertificate, OwnCertificateValidityWindow) {
  auto key = identity(7);
  auto certificate = make_certificate(key, test_now());
  ASSERT_TRUE(certificate);
  const auto& der = certificate->der();
  EXPECT_TRUE(verify_certificate(der, test_now() - kNotBeforeSlack + std::chrono::seconds(1)));
  EXPECT_EQ(verify_certificate(der, test_now() - kNotBeforeSlack - std::chrono::seconds(1)).error(),
            Error::certificate_not_yet_valid);
  EXPECT_TRUE(verify_certificate(der, test_now() + kValidity - std::chrono::seconds(1)));
  EXPECT_EQ(verify_certificate(der, test_now() + kValidity + std::chrono::seconds(1)).error(),
            Error::certificate_expired);
}

TEST(TlsCertificate, FreshKeyAndSerialEachTime) {
  auto key = identity(7);
  auto a = make_certificate(key, test_now());
  auto b = make_certificate(key, test_now());
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->der(), b->der());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->x509()), X509_get0_serialNumber(b->x509())),
            0);
  EXPECT_EQ(EVP_PKEY_eq(a->key(), b->key()), 0);
}

TEST(TlsCertificate, DefectsAreRefused) {
  auto key = identity(3);
  struct Case {
    const char* name;
    Defects defects;
    std::error_code expected;
  };
  std::vector<Case> cases = {
      {"independent builder is valid", {}, {}},
      {"no extension", {.omit_extension = true}, Error::missing_extension},
      {"extension twice", {.duplicate_extension = true}, Error::duplicate_extension},
      {"critical unknown extension",
       {.critical_unknown_extension = true},
       Error::unknown_critical_extension},
      {"bad extension signature",
       {.corrupt_signed_key_signature = true},
       crypto::Error::bad_signature},
      {"extension not a SignedKey", {.unsigned_garbage_extension = true}, Error::bad_signed_key},
      {"expired",
       {.not_before = std::chrono::seconds(-7200), .not_after = std::chrono::seconds(-3600)},
       Error::certificate_expired},
      {"not yet valid",
       {.not_before = std::chrono::seconds(3600), .not_after = std::chrono::seconds(7200)},
       Error::certificate_not_yet_valid},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Certificate certificate = test::build_certificate(key, test_now(), c.defects);
    auto verified = verify_certificate(certificate.der(), test_now());
    if (c.expected) {
      ASSERT_FALSE(verified);
      EXPECT_EQ(verified.error(), c.expected) << verified.error().message();
    } else {
      ASSERT_TRUE(verified) << verified.error().message();
      EXPECT_EQ(*verified, key.public_key());
    }
  }
}

TEST(TlsCertificate, OversizedInputIsRefusedUnparsed) {
  Bytes der = hex(kEd25519Vector);
  der.resize(kMaxCertificateBytes + 1);
  EXPECT_EQ(verify_certificate(der, test_now()).error(), Error::bad_certificate);
}

TEST(TlsCertificate, PinnedConstants) {
  EXPECT_EQ(kSignaturePrefix, "libp2p-tls-handshake:");
  Asn1ObjectPtr oid(OBJ_txt2obj(std::string(kExtensionOidText).c_str(), 1));
  ASSERT_TRUE(oid);
  ASSERT_EQ(static_cast<std::size_t>(OBJ_length(oid.get())), kExtensionOid.size());
  EXPECT_EQ(std::memcmp(OBJ_get0_data(oid.get()), kExtensionOid.data(), kExtensionOid.size()), 0);
}

}  // namespace
}  // namespace meshchat::p2p::tls
