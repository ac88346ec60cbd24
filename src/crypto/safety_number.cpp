#include "crypto/safety_number.hpp"

#include <sodium.h>

#include <array>
#include <cstdio>

#include "crypto/peer_id.hpp"

namespace meshchat::crypto {

namespace {
constexpr std::uint8_t kFingerprintVersion = 0;
constexpr std::size_t kDigitsPerGroup = 5;
constexpr std::size_t kGroupsPerLine = 6;
}  // namespace

std::string fingerprint_digits(ByteView key, ByteView stable_id, int iterations) {
  Bytes hash{0, kFingerprintVersion};
  hash.insert(hash.end(), key.begin(), key.end());
  hash.insert(hash.end(), stable_id.begin(), stable_id.end());
  std::array<std::uint8_t, crypto_hash_sha512_BYTES> digest{};
  for (int i = 0; i < iterations; ++i) {
    crypto_hash_sha512_state state;
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, hash.data(), hash.size());
    crypto_hash_sha512_update(&state, key.data(), key.size());
    crypto_hash_sha512_final(&state, digest.data());
    hash.assign(digest.begin(), digest.end());
  }
  std::string out;
  for (std::size_t i = 0; i < kFingerprintDigits; i += kDigitsPerGroup) {
    std::uint64_t chunk = 0;
    for (std::size_t j = 0; j < kDigitsPerGroup; ++j) chunk = (chunk << 8) | hash[i + j];
    char group[8];
    std::snprintf(group, sizeof group, "%05u", static_cast<unsigned>(chunk % 100000));
    out += group;
  }
  return out;
}

std::string safety_number(ByteView local_key, ByteView local_id, ByteView remote_key,
                          ByteView remote_id, int iterations) {
  auto local = fingerprint_digits(local_key, local_id, iterations);
  auto remote = fingerprint_digits(remote_key, remote_id, iterations);
  return local <= remote ? local + remote : remote + local;
}

std::string safety_number(const PublicKey& local, const PublicKey& remote) {
  auto local_key = local.to_protobuf();
  auto remote_key = remote.to_protobuf();
  return safety_number(local_key, PeerId::from_public_key(local).bytes(), remote_key,
                       PeerId::from_public_key(remote).bytes());
}

std::string format_safety_number(const std::string& digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); i += kDigitsPerGroup) {
    if (i > 0) out += (i / kDigitsPerGroup) % kGroupsPerLine == 0 ? '\n' : ' ';
    out += digits.substr(i, kDigitsPerGroup);
  }
  return out;
}

std::string normalize_safety_number(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c < '0' || c > '9') return {};
    digits += c;
  }
  return digits.size() == kSafetyNumberDigits ? digits : std::string();
}

}  // namespace meshchat::crypto
