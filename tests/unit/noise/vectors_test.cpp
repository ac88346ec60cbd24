// Replays published Noise_XX_25519_ChaChaPoly_SHA256 vectors through HandshakeState, SymmetricState
// and CipherState, and the transport messages through SecureTransport's framing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "p2p/noise/error.hpp"
#include "p2p/noise/handshake_state.hpp"
#include "p2p/noise/transport.hpp"

namespace meshchat::p2p::noise {
namespace {

struct Message {
  const char* payload;
  const char* ciphertext;
};

struct Vector {
  const char* source;
  const char* prologue;
  const char* init_static;
  const char* init_ephemeral;
  const char* resp_static;
  const char* resp_ephemeral;
  const char* handshake_hash;
  std::vector<Message> messages;
};

// From cacophony-25519-ChaChaPoly-SHA256.json (the specs folder; haskell-cryptography/cacophony),
// vector "Noise_XX_25519_ChaChaPoly_SHA256", prologue "John Galt".
const Vector kCacophony{
    "cacophony",
    "4a6f686e2047616c74",
    "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
    "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
    "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
    "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
    "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e",
    {
        {"4c756477696720766f6e204d69736573",
         "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d6"
         "973"
         "6573"},
        {"4d757272617920526f746862617264",
         "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce"
         "2b6"
         "5285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c4"
         "12f"
         "8a0db50f8814c7194e83f23dbd8d162c9326ad"},
        {"462e20412e20486179656b",
         "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0"
         "865"
         "b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"},
        {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
        {"4a65616e2d426170746973746520536179",
         "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
        {"457567656e2042f6686d20766f6e2042617765726b",
         "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"},
    }};

// From noise-c's basic vectors (rweather/noise-c tests/vector/noise-c-basic.txt, as copied into
// mcginty/snow tests/vectors/noise-c-basic.txt), "Noise_XX_25519_ChaChaPoly_SHA256",
// prologue "Prologue123".
const Vector kNoiseC{
    "noise-c",
    "50726f6c6f677565313233",
    "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
    "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
    "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
    "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
    "852a28d2146785c54bd8334f4e460c80d7fe4fd0cc5bc0abef2a24a3c4d44d5f",
    {
        {"4c756477696720766f6e204d69736573",
         "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d6"
         "973"
         "6573"},
        {"4d757272617920526f746862617264",
         "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce"
         "2b6"
         "5285e08d6b68aaa3629a5a8639392490e5b94a6d8798832d5372f220f161d9c2df035528f8982ffe09be9b5c4"
         "12f"
         "8a0db5d21351f20af1370d0bf8ef1a8c59a30e"},
        {"462e20412e20486179656b",
         "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a8589981dfbd651e6ff4724a781"
         "cc2"
         "aa6158c9fea0d4ec82a286427484c5b8c8123a7a6002b1de9f9775fc97"},
        {"4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"},
        {"4a65616e2d426170746973746520536179",
         "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"},
        {"457567656e2042f6686d20766f6e2042617765726b",
         "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"},
    }};

// From snow's own vectors (mcginty/snow tests/vectors/snow.txt),
// "Noise_XX_25519_ChaChaPoly_SHA256": other keys, a longer prologue and 32-byte payloads. It lists
// no handshake hash.
const Vector kSnow{
    "snow",
    "5468657265206973206e6f20726967687420616e642077726f6e672e2054686572652773206f6e6c792066756e20"
    "616e6420626f72696e672e",
    "7dec208517a3b81a2861d7a71266d5d6dc944c5a8816634a86fe63198a0148ee",
    "a32daf21e93c0131495ce1d903181fde81cc46937daaeb990bae7c992709421e",
    "4d0aed5098e3b4ef20357e9f686ce66204c792b358da2e475017d6c485304881",
    "4eece0f195d026db035ff987597c429d3ad3bcc2944df37d649528951b2a27c5",
    nullptr,
    {
        {"d03c489139e645d0711a3c9e810d776b46a84912463fafa87b884eebf242dc34",
         "f9fa868ba97ab8a2686deccfaad5a484ee10a5bb85e3d1dce015a84797f92818d03c489139e645d0711a3c9e8"
         "10d"
         "776b46a84912463fafa87b884eebf242dc34"},
        {"d8190a92f7dc0c93dbea9118ba8055751fb7c6590c416ffbd419964132b99a85",
         "8c4e6fdb7d09d501a86f7eca5c234522751706ed409182c05cdf5f827d4dae47b81c6c5f43b025692c24391ee"
         "fee"
         "725c17d8cb0fbe3e4abb8aedf42c4fd2592d4ea48ac08989d6ae8b4adae08b2c34087c808c7aa55a63c02b0fa"
         "b9e"
         "930612336bd43eaea04d3c670a0a146691aa9cc9d357872320dc735dbc48580cffb553db"},
        {"77891b19dcb92ef7c055b672c4a5aa7fdf1c84146b8b303459022729473ce254",
         "933ca6b5ed60df3df66121f0ab49a09e49efa45c613a86a3cecbf4c535cef2f83f72b42837b18e3572f2fdc2b"
         "74c"
         "331e2368a545cef54bdca081678ab0e9dd5348122459e0c034c851984d88ce610963d43cde6cfe73a67fbd5a6"
         "3e8"
         "bfca96d0"},
        {"d7efdf988072881941db045a42882433817555128fbf5663e56081712ec7d212",
         "54ef0ff0629e1aaa7685a2806ab111cba76b52331f2642276736f415868eacb69ab2577f3bda0cbf72f879685"
         "f6e"
         "d25f"},
        {"dd7bf01a588bafb52c6cfba952e5d8fe35cc2b3f92b4730ae2474615157345ce",
         "356be70f110306d5c699bb834bb9d58d909e325924dfbec972e406e6f294dc63e1daebefe8a62a334facc8048"
         "ab4"
         "ad66"},
    }};

Bytes hex(const char* text) {
  auto bytes = from_hex(text);
  if (!bytes) throw std::invalid_argument(std::string("bad hex in test vector: ") + text);
  return *bytes;
}

KeyPair key(const char* text) {
  Bytes bytes = hex(text);
  DhKey secret{};
  std::copy(bytes.begin(), bytes.end(), secret.begin());
  return KeyPair::from_secret(secret);
}

Bytes framed(ByteView message) {
  Bytes out(kLengthPrefixSize);
  put_length(out.data(), message.size());
  append(out, message);
  return out;
}

void replay(const Vector& v) {
  SCOPED_TRACE(v.source);
  Bytes prologue = hex(v.prologue);
  HandshakeState initiator(Role::initiator, prologue, key(v.init_static), key(v.init_ephemeral));
  HandshakeState responder(Role::responder, prologue, key(v.resp_static), key(v.resp_ephemeral));
  ASSERT_GE(v.messages.size(), kHandshakeMessages);

  // Messages alternate between the two sides, starting with the initiator, also after the
  // handshake (the cacophony vector format).
  std::size_t i = 0;
  for (; i < kHandshakeMessages; ++i) {
    SCOPED_TRACE(i);
    HandshakeState& writer = i % 2 == 0 ? initiator : responder;
    HandshakeState& reader = i % 2 == 0 ? responder : initiator;
    Bytes message;
    ASSERT_TRUE(writer.write_message(hex(v.messages[i].payload), message));
    EXPECT_EQ(to_hex(message), v.messages[i].ciphertext);
    auto payload = reader.read_message(message);
    ASSERT_TRUE(payload) << payload.error().message();
    EXPECT_EQ(to_hex(*payload), v.messages[i].payload);
  }
  ASSERT_TRUE(initiator.finished());
  ASSERT_TRUE(responder.finished());
  EXPECT_EQ(initiator.handshake_hash(), responder.handshake_hash());
  if (v.handshake_hash) {
    EXPECT_EQ(to_hex(initiator.handshake_hash()), v.handshake_hash);
  }
  EXPECT_EQ(*initiator.remote_static(), key(v.resp_static).public_key);
  EXPECT_EQ(*responder.remote_static(), key(v.init_static).public_key);

  auto [i_send, i_receive] = initiator.split();
  auto [r_receive, r_send] = responder.split();
  SecureTransport init_transport(std::move(i_send), std::move(i_receive));
  SecureTransport resp_transport(std::move(r_send), std::move(r_receive));
  for (; i < v.messages.size(); ++i) {
    SCOPED_TRACE(i);
    SecureTransport& writer = i % 2 == 0 ? init_transport : resp_transport;
    SecureTransport& reader = i % 2 == 0 ? resp_transport : init_transport;
    Bytes wire;
    ASSERT_TRUE(writer.encrypt(hex(v.messages[i].payload), wire));
    EXPECT_EQ(to_hex(wire), to_hex(framed(hex(v.messages[i].ciphertext))));
    Bytes plaintext;
    ASSERT_TRUE(reader.decrypt(wire, plaintext));
    EXPECT_EQ(to_hex(plaintext), v.messages[i].payload);
  }
}

TEST(NoiseVectors, Cacophony) {
  replay(kCacophony);
}
TEST(NoiseVectors, NoiseC) {
  replay(kNoiseC);
}
TEST(NoiseVectors, Snow) {
  replay(kSnow);
}

TEST(NoiseVectors, ProtocolNameIsUsedUnhashed) {
  // 32 bytes exactly, so h starts as the name itself (noise.md §5.2 InitializeSymmetric).
  EXPECT_EQ(kProtocolName.size(), kHashSize);
  SymmetricState state(kProtocolName);
  EXPECT_EQ(as_string(state.handshake_hash()), kProtocolName);
}

TEST(NoiseVectors, HmacSha256Rfc4231Case2) {
  // RFC 4231 test case 2 uses a 4-byte key; with a 32-byte key zero-padded the HMAC is the same
  // (RFC 2104 pads short keys with zeros to the block size).
  HashValue key{};
  std::copy_n("Jefe", 4, key.begin());
  HashValue mac = hmac_sha256(key, {as_bytes("what do ya want "), as_bytes("for nothing?")});
  EXPECT_EQ(to_hex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(NoiseVectors, WriteOnPeersTurnIsABug) {
  KeyPair s = KeyPair::from_secret(DhKey{1});
  HandshakeState responder(Role::responder, {}, s, s);
  Bytes out;
  EXPECT_THROW((void)responder.write_message({}, out), std::logic_error);
  HandshakeState initiator(Role::initiator, {}, s, s);
  EXPECT_THROW((void)initiator.read_message({}), std::logic_error);
}

TEST(NoiseVectors, MaxPayloadPerMessage) {
  EXPECT_EQ(HandshakeState::max_payload(0), kMaxMessageSize - 32);
  EXPECT_EQ(HandshakeState::max_payload(1), kMaxMessageSize - 32 - 48 - 16);
  EXPECT_EQ(HandshakeState::max_payload(2), kMaxMessageSize - 48 - 16);
}

TEST(NoiseVectors, ShortMessageIsBadFrame) {
  KeyPair a = KeyPair::from_secret(DhKey{1});
  HandshakeState responder(Role::responder, {}, a, a);
  Bytes short_e(31);
  EXPECT_EQ(responder.read_message(short_e).error(), Error::bad_frame);
}

TEST(NoiseVectors, LowOrderEphemeralIsRejected) {
  KeyPair a = KeyPair::from_secret(DhKey{1});
  HandshakeState responder(Role::responder, {}, a, a);
  // The all-zero point has order 1: every shared secret with it is zero.
  ASSERT_TRUE(responder.read_message(Bytes(kDhSize, 0)));
  Bytes out;
  EXPECT_EQ(responder.write_message({}, out).error(), Error::weak_public_key);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace meshchat::p2p::noise
