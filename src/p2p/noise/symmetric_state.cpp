#include "p2p/noise/symmetric_state.hpp"

#include <sodium.h>

#include <algorithm>

namespace meshchat::p2p::noise {

namespace {

HashValue sha256(std::initializer_list<ByteView> parts) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (ByteView part : parts) crypto_hash_sha256_update(&state, part.data(), part.size());
  HashValue out;
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

CipherKey to_key(const HashValue& value) {
  static_assert(kHashSize == kKeySize);  // with SHA256 no truncation of HKDF output is needed
  CipherKey key;
  std::copy(value.begin(), value.end(), key.begin());
  return key;
}

}  // namespace

HashValue hmac_sha256(const HashValue& key, std::initializer_list<ByteView> parts) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  for (ByteView part : parts) crypto_auth_hmacsha256_update(&state, part.data(), part.size());
  HashValue out;
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

std::pair<HashValue, HashValue> hkdf2(const HashValue& chaining_key, ByteView input_key_material) {
  static constexpr std::uint8_t kOne[] = {0x01};
  static constexpr std::uint8_t kTwo[] = {0x02};
  HashValue temp_key = hmac_sha256(chaining_key, {input_key_material});
  HashValue output1 = hmac_sha256(temp_key, {kOne});
  HashValue output2 = hmac_sha256(temp_key, {output1, kTwo});
  sodium_memzero(temp_key.data(), temp_key.size());
  return {output1, output2};
}

SymmetricState::SymmetricState(std::string_view protocol_name) {
  ByteView name = as_bytes(protocol_name);
  if (name.size() <= kHashSize) {
    std::copy(name.begin(), name.end(), h_.begin());
  } else {
    h_ = sha256({name});
  }
  ck_ = h_;
}

SymmetricState::~SymmetricState() {
  sodium_memzero(ck_.data(), ck_.size());
  sodium_memzero(h_.data(), h_.size());
}

void SymmetricState::mix_key(ByteView input_key_material) {
  auto [ck, temp_k] = hkdf2(ck_, input_key_material);
  ck_ = ck;
  cipher_ = CipherState(to_key(temp_k));
  sodium_memzero(ck.data(), ck.size());
  sodium_memzero(temp_k.data(), temp_k.size());
}

void SymmetricState::mix_hash(ByteView data) {
  h_ = sha256({h_, data});
}

Result<void> SymmetricState::encrypt_and_hash(ByteView plaintext, Bytes& out) {
  std::size_t start = out.size();
  if (auto r = cipher_.encrypt_with_ad(h_, plaintext, out); !r) return r;
  mix_hash(ByteView(out).subspan(start));
  return {};
}

Result<void> SymmetricState::decrypt_and_hash(ByteView ciphertext, Bytes& out) {
  if (auto r = cipher_.decrypt_with_ad(h_, ciphertext, out); !r) return r;
  mix_hash(ciphertext);
  return {};
}

std::pair<CipherState, CipherState> SymmetricState::split() const {
  auto [temp_k1, temp_k2] = hkdf2(ck_, {});
  std::pair<CipherState, CipherState> out{CipherState(to_key(temp_k1)),
                                          CipherState(to_key(temp_k2))};
  sodium_memzero(temp_k1.data(), temp_k1.size());
  sodium_memzero(temp_k2.data(), temp_k2.size());
  return out;
}

}  // namespace meshchat::p2p::noise
