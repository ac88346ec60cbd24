#include "core/length_prefixed.hpp"

#include "core/varint.hpp"

namespace meshchat {

Bytes length_prefixed(ByteView body) {
  Bytes out;
  out.reserve(varint::encoded_size(body.size()) + body.size());
  varint::encode(body.size(), out);
  append(out, body);
  return out;
}

Result<std::optional<std::size_t>> LengthPrefixedReader::prefix() const {
  auto length = varint::decode(buffer_);
  if (!length) {
    if (length.error() == varint::Error::truncated) return std::optional<std::size_t>{};
    return fail(length.error());
  }
  if (length->value > max_message_) return fail(too_large_);
  return std::optional<std::size_t>{length->size};
}

Result<void> LengthPrefixedReader::feed(ByteView bytes) {
  if (error_) return fail(error_);
  append(buffer_, bytes);
  if (auto p = prefix(); !p) {
    error_ = p.error();
    return fail(error_);
  }
  return {};
}

Result<std::optional<Bytes>> LengthPrefixedReader::next() {
  if (error_) return fail(error_);
  auto p = prefix();
  if (!p) {
    error_ = p.error();
    return fail(error_);
  }
  if (!*p) return std::optional<Bytes>{};
  auto length = varint::decode(buffer_)->value;
  std::size_t header = **p;
  if (buffer_.size() - header < length) return std::optional<Bytes>{};
  auto begin = buffer_.begin() + static_cast<std::ptrdiff_t>(header);
  auto end = begin + static_cast<std::ptrdiff_t>(length);
  Bytes body(begin, end);
  buffer_.erase(buffer_.begin(), end);
  return std::optional<Bytes>{std::move(body)};
}

}  // namespace meshchat
