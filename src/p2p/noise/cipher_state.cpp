#include "p2p/noise/cipher_state.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "p2p/noise/error.hpp"

namespace meshchat::p2p::noise {

namespace {

using Nonce = std::array<std::uint8_t, crypto_aead_chacha20poly1305_IETF_NPUBBYTES>;
static_assert(crypto_aead_chacha20poly1305_IETF_ABYTES == kTagSize);
static_assert(crypto_aead_chacha20poly1305_IETF_KEYBYTES == kKeySize);

Nonce make_nonce(std::uint64_t counter) {
  Nonce nonce{};
  for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(counter >> (8 * i));
  return nonce;
}

}  // namespace

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium: sodium_init failed");
}

CipherState::CipherState(const CipherKey& key) : key_(key), has_key_(true) {
  ensure_sodium();
}

CipherState::CipherState(CipherState&& other) noexcept
    : key_(other.key_), nonce_(other.nonce_), has_key_(other.has_key_) {
  other.wipe();
}

CipherState& CipherState::operator=(CipherState&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    nonce_ = other.nonce_;
    has_key_ = other.has_key_;
    other.wipe();
  }
  return *this;
}

CipherState::~CipherState() {
  wipe();
}

void CipherState::wipe() noexcept {
  sodium_memzero(key_.data(), key_.size());
  nonce_ = 0;
  has_key_ = false;
}

Result<void> CipherState::encrypt_with_ad(ByteView ad, ByteView plaintext,
                                          std::span<std::uint8_t> out) {
  if (out.size() != plaintext.size() + overhead()) {
    throw std::logic_error("CipherState::encrypt_with_ad: output size");
  }
  if (!has_key_) {
    if (out.data() != plaintext.data()) std::copy(plaintext.begin(), plaintext.end(), out.begin());
    return {};
  }
  if (nonce_ == kNonceLimit) return fail(Error::nonce_exhausted);
  Nonce nonce = make_nonce(nonce_);
  crypto_aead_chacha20poly1305_ietf_encrypt_detached(
      out.data(), out.data() + plaintext.size(), nullptr, plaintext.data(), plaintext.size(),
      ad.data(), ad.size(), nullptr, nonce.data(), key_.data());
  ++nonce_;
  return {};
}

Result<void> CipherState::decrypt_with_ad(ByteView ad, ByteView ciphertext,
                                          std::span<std::uint8_t> out) {
  if (ciphertext.size() < overhead()) return fail(Error::bad_frame);
  if (out.size() != ciphertext.size() - overhead()) {
    throw std::logic_error("CipherState::decrypt_with_ad: output size");
  }
  if (!has_key_) {
    if (out.data() != ciphertext.data()) {
      std::copy(ciphertext.begin(), ciphertext.end(), out.begin());
    }
    return {};
  }
  if (nonce_ == kNonceLimit) return fail(Error::nonce_exhausted);
  Nonce nonce = make_nonce(nonce_);
  std::size_t length = ciphertext.size() - kTagSize;
  // libsodium checks the tag before it writes any plaintext.
  if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(
          out.data(), nullptr, ciphertext.data(), length, ciphertext.data() + length, ad.data(),
          ad.size(), nonce.data(), key_.data()) != 0) {
    return fail(Error::decrypt_failed);
  }
  ++nonce_;
  return {};
}

Result<void> CipherState::encrypt_with_ad(ByteView ad, ByteView plaintext, Bytes& out) {
  std::size_t start = out.size();
  out.resize(start + plaintext.size() + overhead());
  auto r = encrypt_with_ad(ad, plaintext, std::span<std::uint8_t>(out).subspan(start));
  if (!r) out.resize(start);
  return r;
}

Result<void> CipherState::decrypt_with_ad(ByteView ad, ByteView ciphertext, Bytes& out) {
  if (ciphertext.size() < overhead()) return fail(Error::bad_frame);
  std::size_t start = out.size();
  out.resize(start + ciphertext.size() - overhead());
  auto r = decrypt_with_ad(ad, ciphertext, std::span<std::uint8_t>(out).subspan(start));
  if (!r) out.resize(start);
  return r;
}

}  // namespace meshchat::p2p::noise
