#include "p2p/plaintext/handshake.hpp"

#include <stdexcept>

#include "core/varint.hpp"
#include "crypto/error.hpp"

namespace meshchat::p2p::plaintext {

Handshake::Handshake(const crypto::PrivateKey& identity,
                     std::optional<crypto::PeerId> expected_remote)
    : expected_remote_(std::move(expected_remote)) {
  auto body = encode_exchange(identity.public_key());
  varint::encode(body.size(), output_);
  append(output_, body);
}

Result<void> Handshake::fail_with(std::error_code e) {
  error_ = e;
  input_.clear();
  return fail(e);
}

Result<void> Handshake::feed(ByteView bytes) {
  if (error_) return fail(error_);
  append(input_, bytes);
  if (result_ || finished_) return {};  // after the Exchange: connection data for leftover
  auto length = varint::decode(input_);
  if (!length) {
    if (length.error() == varint::Error::truncated) return {};
    return fail_with(length.error());
  }
  if (length->value > kMaxExchangeBytes) return fail_with(Error::too_large);
  if (input_.size() - length->size < length->value) return {};
  auto body = ByteView(input_).subspan(length->size, length->value);
  auto exchange = decode_exchange(body);
  if (!exchange) return fail_with(exchange.error());
  if (expected_remote_ && *expected_remote_ != exchange->id) {
    return fail_with(crypto::Error::peer_id_mismatch);
  }
  Bytes rest(input_.begin() + static_cast<std::ptrdiff_t>(length->size + length->value),
             input_.end());
  input_.clear();
  result_ = HandshakeResult{std::move(exchange->id), std::move(exchange->key), std::move(rest)};
  return {};
}

Result<HandshakeResult> Handshake::finish() {
  if (error_) return fail(error_);
  if (finished_) throw std::logic_error("plaintext::Handshake::finish called twice");
  if (!result_) return fail(Error::truncated);
  finished_ = true;
  HandshakeResult out = std::move(*result_);
  result_.reset();
  append(out.leftover, input_);  // bytes fed after the Exchange completed
  input_.clear();
  return out;
}

}  // namespace meshchat::p2p::plaintext
