// Safety numbers: Signal's published test vector (libsignal-protocol-c tests/test_fingerprint.c,
// version 0, 5200 iterations), both sides computing the same number, and sensitivity to keys.
#include <gtest/gtest.h>

#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"
#include "crypto/safety_number.hpp"

namespace meshchat::crypto {
namespace {

const Bytes kAliceIdentity = {0x05, 0x06, 0x86, 0x3b, 0xc6, 0x6d, 0x02, 0xb4, 0x0d, 0x27, 0xb8,
                              0xd4, 0x9c, 0xa7, 0xc0, 0x9e, 0x92, 0x39, 0x23, 0x6f, 0x9d, 0x7d,
                              0x25, 0xd6, 0xfc, 0xca, 0x5c, 0xe1, 0x3c, 0x70, 0x64, 0xd8, 0x68};
const Bytes kBobIdentity = {0x05, 0xf7, 0x81, 0xb6, 0xfb, 0x32, 0xfe, 0xd9, 0xba, 0x1c, 0xf2,
                            0xde, 0x97, 0x8d, 0x4d, 0x5d, 0xa2, 0x8d, 0xc3, 0x40, 0x46, 0xae,
                            0x81, 0x44, 0x02, 0xb5, 0xc0, 0xdb, 0xd9, 0x6f, 0xda, 0x90, 0x7b};
constexpr const char* kDisplayable = "300354477692869396892869876765458257569162576843440918079131";

TEST(SafetyNumber, MatchesSignalsTestVector) {
  auto alice_id = as_bytes("+14152222222");
  auto bob_id = as_bytes("+14153333333");
  EXPECT_EQ(safety_number(kAliceIdentity, alice_id, kBobIdentity, bob_id), kDisplayable);
  EXPECT_EQ(safety_number(kBobIdentity, bob_id, kAliceIdentity, alice_id), kDisplayable);
}

TEST(SafetyNumber, BothSidesSeeTheSameSixtyDigits) {
  auto alice = PrivateKey::generate_ed25519().public_key();
  auto bob = PrivateKey::generate_ed25519().public_key();
  auto seen_by_alice = safety_number(alice, bob);
  EXPECT_EQ(seen_by_alice, safety_number(bob, alice));
  ASSERT_EQ(seen_by_alice.size(), kSafetyNumberDigits);
  EXPECT_EQ(seen_by_alice.find_first_not_of("0123456789"), std::string::npos);
}

TEST(SafetyNumber, AnotherKeyGivesAnotherNumber) {
  auto alice = PrivateKey::generate_ed25519().public_key();
  auto bob = PrivateKey::generate_ed25519().public_key();
  auto mallory = PrivateKey::generate_ed25519().public_key();
  EXPECT_NE(safety_number(alice, bob), safety_number(alice, mallory));
  // Each half belongs to one key: the half of Alice's key is in both numbers.
  auto alice_half = fingerprint_digits(alice.to_protobuf(), PeerId::from_public_key(alice).bytes());
  EXPECT_NE(safety_number(alice, bob).find(alice_half), std::string::npos);
  EXPECT_NE(safety_number(alice, mallory).find(alice_half), std::string::npos);
}

TEST(SafetyNumber, FormattingAndNormalizing) {
  std::string digits = kDisplayable;
  auto shown = format_safety_number(digits);
  EXPECT_EQ(shown, "30035 44776 92869 39689 28698 76765\n45825 75691 62576 84344 09180 79131");
  EXPECT_EQ(normalize_safety_number(shown), digits);
  EXPECT_EQ(normalize_safety_number(" " + digits + "\n"), digits);
  EXPECT_EQ(normalize_safety_number(digits.substr(1)), "");  // 59 digits
  EXPECT_EQ(normalize_safety_number(digits + "1"), "");      // 61 digits
  EXPECT_EQ(normalize_safety_number("3003x" + digits.substr(5)), "");
  EXPECT_EQ(normalize_safety_number(""), "");
}

}  // namespace
}  // namespace meshchat::crypto
