// Reads arbitrary bytes as PublicKey and PrivateKey protobufs, as the raw Data of a key type
// (first byte: the type), and as a message/signature pair (first two bytes: the message length)
// checked against every parsed key and a fixed key of each type. Aborts on an undocumented
// error, an OpenSSL error left queued, or if an accepted key does not re-encode to itself, hash
// to a PeerId it matches, and (private keys) sign verifiably.
#include <openssl/err.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

using meshchat::Bytes;
using meshchat::ByteView;
namespace crypto = meshchat::crypto;
using crypto::Error;
using crypto::KeyType;
using crypto::PrivateKey;
using crypto::PublicKey;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

Bytes hex(const char* text) {
  auto bytes = meshchat::from_hex(text);
  check(bytes.has_value());
  return *bytes;
}

// go-libp2p core/crypto/test_data/{0,2,3}.priv (RSA-2048, Secp256k1, ECDSA P-256) and an Ed25519
// key from a fixed seed: the keys fuzzed signatures are checked against.
const std::vector<PrivateKey>& fixed_keys() {
  static const std::vector<PrivateKey> keys = [] {
    std::vector<PrivateKey> out;
    for (const char* encoded :
         {"080012a909308204a50201000282010100f2b75b418c28ed7aabfe17e90dfb93c13f2ec6381d072f862fb758"
          "08b96d"
          "227eef2083d31f4a78069f85ad6a8c73896ea385a386430d1cc09a90a230f00911515c5538c4b62d897fc665"
          "df1150"
          "456aec75cdb2310c88f2079c82f56a79375c79e4f840f0eb15213f1972d6a248d684453ce5d3e3ec091f38c2"
          "f95c3a"
          "b5a1dfb603a9f955ebd9a75814ec5b725bb8882b047dbbae000ad88a5236596ad800c4ccfae3c74d69f8c665"
          "741d47"
          "972213dd4fdc83d39bab7ccce49f65e2dee7c76cd79c3500aafe7207ad41d843d89ac11e6653b872dfb2c5d7"
          "90ec4e"
          "b6d954aa6e14a55463659edf0a2513c0aad9b8349f259a9b605b3d71dec43b69ee6be851a753020301000102"
          "820100"
          "53048422175ea85b9d187bf52ae331d69755d856b9170c1a4997dc749f77c4a4c605c9111d52cb5af895308b"
          "911eb3"
          "93343b31836acbc159df8438f5a42475d7ee4cf7edd0a222b5a1969685c57ef8e38827a31b43be538a66ee24"
          "2316f2"
          "e89e88c2a0f3c674a3ba8169d6200be9d3b41af0415964127aab5f850b16c9a9646aa2acb9cd73edb0849bee"
          "028647"
          "b576e12e84bb89c58c875c23c5256097223f9b318c3521161fc466e65889d2f154adca4cfdedd3be489fbb6f"
          "2edcfd"
          "81ac4cc3fe8d09dbf1158f0d899eeb748dfe6397133d5512c2383057f9b8b269649b0f6ebbc26d077fddb7e8"
          "e533e1"
          "27b8c1cb5a80aebdded38a3f09ff065292707a768102818100f5de8fb67cbb3f5986c8aa6a9bda6abdc6cca9"
          "1d09fc"
          "ee82b4a4bc15b5318098db422bb496c6f468cbe2d7276599768319a1192c5e587ad117023c2fcd8f7de63b69"
          "81f019"
          "a78252a07e171dcc3a44355791f8bf468480546d18acffc3c319ab7b1dcbb37f285c08a78cdfcb2fa19ad3d1"
          "622ace"
          "31e26e79e6ad8699d85dc0ff02818100fcb7891e45b1ffa19683d2c923de218db4657dd807862f005cafa8f6"
          "287115"
          "d1fc76973e1065f5b9a80d4dc51ffa2333e0f10a4467adc0f1ec67e5c4219929697ba4d7fb16a8883e069f8d"
          "88ff47"
          "f9ec626d47b16cadab1b202f8125800abb8a1c5012ec44330734c21ee3c66d0e7e3d8c73e18644a66ec7b41d"
          "990e82"
          "8ec5ad02818100e4c5f60ae2fc87f1918c5da55ce75ab2c2abe41f750fb80e3e6f99e2c8fa0aa23041ddd0e7"
          "0ab098"
          "623debdc6898e6c10db3ec6c704cfbda5a026666446ae3c6ba396e022e9cc292876b4baf1a3c8d02e53c99ab"
          "c0bdc1"
          "7acd184cc09f32864c1cfe986fa83db1850c01f4aa66e383e0dbceefed7455305e94d99988c4de5799028181"
          "00bb5a"
          "2db35da40a89f7161f8cb2a499677e97c766029dfdf65cc07598987ecdd8713c51ffd7145fc995c6d7230f03"
          "d8593b"
          "a8371e6366b32627471756023a9432f9514a3581a4cbec7fe8857b4d16453873f7e430ab0b4d50bcd9bafadc"
          "2418c8"
          "d9189c0ec0b8bbdce715137425a19b017240eeaf25f1e52af46304f776def5b902818100acd676cb9f55858e"
          "5b6175"
          "a6321b513e3dd32ec4df3482143c9f51ea03b7cf0e72791daf27bf0168502164fb629aec8ac2a4fb9ed2bb43"
          "27469f"
          "dfc93ee398d38a0288e6831d0d88045f094b1e4f0574bb04fff76d0808c9e5eecdd7692f34a646e50df16a68"
          "99fb3e"
          "06a0cc7e6bb8cb90f7c8e25266b72e3e1cc433c6b28af9",
          "080212203141bd606a504c44f23494d8f3174ef25b1fb9b52daa07d058be83b6e046b158",
          "08031279307702010104201fc05449e3a3423bb8b59447a43c3e23ad4095ac4f9fbb75457acef34b68949fa0"
          "0a0608"
          "2a8648ce3d030107a14403420004e29a8674f3614e0ccb72406bfe2137e9f8c5f7d62d137f0a2edd233e3537"
          "4777fd"
          "1f9aed4d2cfa7371caafc6ef02db83b81f77cfe1bcd8c715acf0b9a2778ea9"}) {
      auto key = PrivateKey::from_protobuf(hex(encoded));
      check(key.has_value());
      out.push_back(std::move(*key));
    }
    std::array<std::uint8_t, 32> seed{};
    seed.fill(7);
    out.push_back(PrivateKey::ed25519_from_seed(seed));
    return out;
  }();
  return keys;
}

bool documented_key_error(const std::error_code& error) {
  return error == Error::bad_key_protobuf || error == Error::unsupported_key_type ||
         error == Error::bad_key;
}

void check_verify(const PublicKey& key, ByteView message, ByteView signature) {
  auto verified = key.verify(message, signature);
  check(verified || verified.error() == Error::bad_signature);
}

void check_public(const PublicKey& key) {
  auto again = PublicKey::from_protobuf(key.to_protobuf());
  check(again && *again == key);
  auto raw = PublicKey::from_raw(key.type(), key.data());
  check(raw && *raw == key);
  auto id = crypto::PeerId::from_public_key(key);
  check(id.matches(key).has_value());
  auto parsed = crypto::PeerId::from_bytes(id.bytes());
  check(parsed && *parsed == id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  const auto& fixed = fixed_keys();

  std::vector<PublicKey> parsed;
  if (auto key = PublicKey::from_protobuf(in)) {
    check_public(*key);
    parsed.push_back(std::move(*key));
  } else {
    check(documented_key_error(key.error()));
  }

  if (auto key = PrivateKey::from_protobuf(in)) {
    auto again = PrivateKey::from_protobuf(key->to_protobuf());
    check(again && again->public_key() == key->public_key());
    check(again->to_protobuf() == key->to_protobuf());
    check_public(key->public_key());
    // RSA signing costs milliseconds; the small key types sign every input.
    if (key->type() != KeyType::rsa || size < 64) {
      auto signature = key->sign(in);
      check(key->public_key().verify(in, signature).has_value());
    }
    parsed.push_back(key->public_key());
  } else {
    check(documented_key_error(key.error()));
  }

  if (!in.empty()) {
    // The rest as the Data of the key type the first byte names.
    auto type = static_cast<KeyType>(in[0] & 3);
    if (auto key = PublicKey::from_raw(type, in.subspan(1))) {
      check(key->type() == type);
      check_public(*key);
      parsed.push_back(std::move(*key));
    } else {
      check(key.error() == Error::bad_key);
    }
  }

  if (in.size() >= 2) {
    // Message length in the first two bytes (big-endian), then message, then signature.
    std::size_t length = std::min<std::size_t>((std::size_t{in[0]} << 8) | in[1], size - 2);
    ByteView message = in.subspan(2, length);
    ByteView signature = in.subspan(2 + length);
    for (const auto& key : parsed) check_verify(key, message, signature);
    for (const auto& key : fixed) check_verify(key.public_key(), message, signature);
  }

  // Every failure above cleaned up after itself.
  check(ERR_peek_error() == 0);
  return 0;
}
