#include "p2p/noise/transport.hpp"

#include <algorithm>

#include "p2p/noise/error.hpp"

namespace meshchat::p2p::noise {

SecureTransport::SecureTransport(CipherState send, CipherState receive)
    : send_(std::move(send)), receive_(std::move(receive)) {}

Result<void> SecureTransport::encrypt(ByteView plaintext, Bytes& out) {
  std::size_t frames = (plaintext.size() + kMaxPlaintext - 1) / kMaxPlaintext;
  std::size_t start = out.size();
  out.resize(start + plaintext.size() + frames * (kLengthPrefixSize + kTagSize));
  std::uint8_t* frame = out.data() + start;
  while (!plaintext.empty()) {
    std::size_t n = std::min(plaintext.size(), kMaxPlaintext);
    put_length(frame, n + kTagSize);
    // Encrypts straight from the caller's buffer into `out`: no staging copy.
    auto r = send_.encrypt_with_ad(
        {}, plaintext.first(n), std::span<std::uint8_t>(frame + kLengthPrefixSize, n + kTagSize));
    if (!r) {
      out.resize(static_cast<std::size_t>(frame - out.data()));
      return r;
    }
    frame += kLengthPrefixSize + n + kTagSize;
    plaintext = plaintext.subspan(n);
  }
  return {};
}

Result<void> SecureTransport::open(ByteView message, std::uint8_t* out) {
  if (message.size() < kTagSize) return fail(Error::bad_frame);
  return receive_.decrypt_with_ad({}, message,
                                  std::span<std::uint8_t>(out, message.size() - kTagSize));
}

Result<void> SecureTransport::decrypt_frames(ByteView& in, Bytes& out) {
  // First pass: size every complete frame so `out` grows once.
  std::size_t total = 0;
  std::size_t scanned = 0;
  while (in.size() - scanned >= kLengthPrefixSize) {
    std::size_t length = get_length(in.data() + scanned);
    if (in.size() - scanned - kLengthPrefixSize < length) break;
    if (length >= kTagSize) total += length - kTagSize;
    scanned += kLengthPrefixSize + length;
  }
  std::size_t written = out.size();
  out.resize(written + total);
  // Second pass: decrypt each frame directly from the input into `out`.
  while (scanned > 0) {
    std::size_t length = get_length(in.data());
    if (auto r = open(in.subspan(kLengthPrefixSize, length), out.data() + written); !r) {
      out.resize(written);
      return r;
    }
    written += length - kTagSize;
    scanned -= kLengthPrefixSize + length;
    in = in.subspan(kLengthPrefixSize + length);
  }
  return {};
}

Result<void> SecureTransport::decrypt(ByteView ciphertext, Bytes& out) {
  if (failed_) return fail(failed_);
  auto take = [&ciphertext, this](std::size_t wanted) {
    std::size_t n = std::min(wanted, ciphertext.size());
    partial_.insert(partial_.end(), ciphertext.begin(), ciphertext.begin() + n);
    ciphertext = ciphertext.subspan(n);
  };
  if (!partial_.empty()) {
    if (partial_.size() < kLengthPrefixSize) take(kLengthPrefixSize - partial_.size());
    if (partial_.size() < kLengthPrefixSize) return {};
    std::size_t frame = kLengthPrefixSize + get_length(partial_.data());
    take(frame - partial_.size());
    if (partial_.size() < frame) return {};
    ByteView message = ByteView(partial_).subspan(kLengthPrefixSize);
    std::size_t start = out.size();
    if (message.size() >= kTagSize) out.resize(start + message.size() - kTagSize);
    if (auto r = open(message, out.data() + start); !r) {
      out.resize(start);
      failed_ = r.error();
      return r;
    }
    partial_.clear();
  }
  if (auto r = decrypt_frames(ciphertext, out); !r) {
    failed_ = r.error();
    return r;
  }
  // Only the incomplete tail is copied, never a whole frame.
  partial_.assign(ciphertext.begin(), ciphertext.end());
  return {};
}

}  // namespace meshchat::p2p::noise
