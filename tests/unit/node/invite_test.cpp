// Invite codes: round trip, tamper detection, limits, and the checks a hostile token meets.
#include "node/invite.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "core/base32.hpp"
#include "core/protobuf.hpp"

namespace meshchat::invite {
namespace {

std::vector<Multiaddr> addresses(std::initializer_list<const char*> texts) {
  std::vector<Multiaddr> out;
  for (const auto* text : texts) out.push_back(*Multiaddr::parse(text));
  return out;
}

TEST(Invite, RoundTrip) {
  auto key = crypto::PrivateKey::generate_ed25519();
  auto token = create_invite(key, addresses({"/ip4/127.0.0.1/tcp/4001", "/ip6/::1/tcp/4001"}),
                             "alice", 1700000000000);
  EXPECT_TRUE(token.starts_with("mc1"));
  EXPECT_EQ(token.find_first_of(" \n\t"), std::string::npos);
  auto invite = parse_invite(token);
  ASSERT_TRUE(invite) << invite.error().message();
  EXPECT_EQ(invite->peer_id, crypto::PeerId::from_public_key(key.public_key()));
  ASSERT_EQ(invite->addresses.size(), 2u);
  EXPECT_EQ(invite->addresses[0].to_string(), "/ip4/127.0.0.1/tcp/4001");
  EXPECT_EQ(invite->nickname, "alice");
  EXPECT_EQ(invite->created_ms, 1700000000000u);
}

TEST(Invite, StripsPeerIdFromAddresses) {
  auto key = crypto::PrivateKey::generate_ed25519();
  auto peer = crypto::PeerId::from_public_key(key.public_key());
  auto address =
      Multiaddr::parse("/ip4/127.0.0.1/tcp/4001")->encapsulate(*Multiaddr::p2p(peer.bytes()));
  auto invite = parse_invite(create_invite(key, {address}, "", 0));
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->addresses.at(0).to_string(), "/ip4/127.0.0.1/tcp/4001");
  EXPECT_EQ(invite->nickname, "");
}

TEST(Invite, RsaKeysWork) {
  auto key = crypto::PrivateKey::generate(crypto::KeyType::rsa);
  auto invite = parse_invite(create_invite(key, {}, "rsa", 1));
  ASSERT_TRUE(invite) << invite.error().message();
  EXPECT_EQ(invite->peer_id, crypto::PeerId::from_public_key(key.public_key()));
}

TEST(Invite, UpperCaseCopyIsAccepted) {
  auto key = crypto::PrivateKey::generate_ed25519();
  auto token = create_invite(key, addresses({"/ip4/10.0.0.1/tcp/1"}), "bob", 5);
  std::transform(token.begin(), token.end(), token.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto invite = parse_invite(token);
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->nickname, "bob");
}

TEST(Invite, LimitsApplyWhenCreating) {
  auto key = crypto::PrivateKey::generate_ed25519();
  std::vector<Multiaddr> many;
  for (int port = 1; port <= 40; ++port) {
    many.push_back(*Multiaddr::parse("/ip4/10.0.0.1/tcp/" + std::to_string(port)));
  }
  // 63 ASCII bytes then a 2-byte character that would straddle the limit.
  std::string nickname(63, 'n');
  nickname += "\xC3\xA9";
  auto invite = parse_invite(create_invite(key, many, nickname, 0));
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->addresses.size(), kMaxInviteAddresses);
  EXPECT_EQ(invite->nickname, std::string(63, 'n'));
}

TEST(Invite, TamperedTokenIsRefused) {
  auto key = crypto::PrivateKey::generate_ed25519();
  auto token = create_invite(key, addresses({"/ip4/127.0.0.1/tcp/4001"}), "alice", 7);
  auto raw = *base32::decode(token.substr(3));
  // Flip one bit in every byte position in turn: each copy must be refused (signature, or
  // structure), never accepted as a different invite.
  int accepted = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto copy = raw;
    copy[i] ^= 0x01;
    auto result = parse_invite("mc1" + base32::encode(copy));
    if (result) ++accepted;
  }
  EXPECT_EQ(accepted, 0);
}

TEST(Invite, SignatureByAnotherKeyIsRefused) {
  auto alice = crypto::PrivateKey::generate_ed25519();
  auto mallory = crypto::PrivateKey::generate_ed25519();
  auto token = create_invite(alice, {}, "alice", 1);
  auto raw = *base32::decode(token.substr(3));
  // Re-sign Alice's invite body with Mallory's key.
  protobuf::Reader reader(raw);
  auto body_field = **reader.next();
  Bytes body(body_field.bytes.begin(), body_field.bytes.end());
  Bytes message(kInviteSigningDomain.begin(), kInviteSigningDomain.end());
  message.insert(message.end(), body.begin(), body.end());
  protobuf::Writer forged;
  forged.bytes_field(1, body);
  forged.bytes_field(2, mallory.sign(message));
  auto result = parse_invite("mc1" + base32::encode(forged.bytes()));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), make_error_code(InviteError::bad_signature));
}

TEST(Invite, GarbageIsMalformed) {
  for (std::string_view text :
       {"", "mc1", "mc1!!!!", "hello", "/ip4/127.0.0.1/tcp/1", "mc1aaaaaaaa",
        "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"}) {
    auto result = parse_invite(text);
    ASSERT_FALSE(result) << text;
    EXPECT_EQ(result.error(), make_error_code(InviteError::malformed)) << text;
  }
  EXPECT_EQ(parse_invite("mc1" + std::string(5000, 'a')).error(),
            make_error_code(InviteError::too_large));
}

TEST(Invite, DetectsTokens) {
  EXPECT_TRUE(is_invite_token("mc1abc"));
  EXPECT_TRUE(is_invite_token("MC1ABC"));
  EXPECT_FALSE(is_invite_token("mc1"));
  EXPECT_FALSE(is_invite_token("/ip4/1.2.3.4/tcp/1/p2p/12D3Koo"));
  EXPECT_FALSE(is_invite_token("alice"));
}

}  // namespace
}  // namespace meshchat::invite
