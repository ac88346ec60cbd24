#include "chat/sync/message.hpp"

#include <algorithm>
#include <cassert>

#include "chat/sync/error.hpp"

namespace meshchat::chat::sync {

Id Range::id(std::size_t i) const {
  Id out;
  std::copy_n(ids.begin() + static_cast<std::ptrdiff_t>(i * kIdSize), kIdSize, out.begin());
  return out;
}

Result<std::uint8_t> MessageReader::version() {
  if (rest_.empty()) return fail(Error::empty_message);
  const std::uint8_t v = rest_[0];
  if (v < kMinVersionByte || v > kMaxVersionByte) return fail(Error::bad_version);
  rest_ = rest_.subspan(1);
  return v;
}

Result<std::uint64_t> MessageReader::varint() {
  auto decoded = decode_msb_varint(rest_);
  if (!decoded) return fail(decoded.error());
  rest_ = rest_.subspan(decoded->size);
  return decoded->value;
}

Result<Bound> MessageReader::bound() {
  auto encoded = varint();
  if (!encoded) return fail(encoded.error());
  std::uint64_t timestamp = kInfinity;
  if (*encoded != 0) {
    // Offsets from infinity have no meaning, and a sum reaching 2^64 - 1 would forge infinity.
    const std::uint64_t offset = *encoded - 1;
    if (last_timestamp_ == kInfinity || offset >= kInfinity - last_timestamp_) {
      return fail(Error::timestamp_overflow);
    }
    timestamp = last_timestamp_ + offset;
  }
  last_timestamp_ = timestamp;

  auto len = varint();
  if (!len) return fail(len.error());
  if (*len > kIdSize) return fail(Error::id_prefix_too_long);
  if (rest_.size() < *len) return fail(Error::truncated);
  Bound b{Item{timestamp, {}}, static_cast<std::uint8_t>(*len)};
  std::copy_n(rest_.begin(), *len, b.point.id.begin());
  rest_ = rest_.subspan(*len);
  return b;
}

Result<Range> MessageReader::next() {
  Range range;
  auto upper = bound();
  if (!upper) return fail(upper.error());
  if (upper->point < previous_.point) return fail(Error::bound_out_of_order);
  previous_ = *upper;
  range.upper = *upper;

  auto mode = varint();
  if (!mode) return fail(mode.error());
  switch (*mode) {
    case static_cast<std::uint64_t>(Mode::skip):
      range.mode = Mode::skip;
      break;
    case static_cast<std::uint64_t>(Mode::fingerprint):
      range.mode = Mode::fingerprint;
      if (rest_.size() < kFingerprintSize) return fail(Error::truncated);
      std::copy_n(rest_.begin(), kFingerprintSize, range.fingerprint.begin());
      rest_ = rest_.subspan(kFingerprintSize);
      break;
    case static_cast<std::uint64_t>(Mode::id_list): {
      range.mode = Mode::id_list;
      auto count = varint();
      if (!count) return fail(count.error());
      // Compare by division so a huge count cannot overflow the byte length.
      if (*count > rest_.size() / kIdSize) return fail(Error::truncated);
      const std::size_t bytes = static_cast<std::size_t>(*count) * kIdSize;
      range.ids = rest_.first(bytes);
      rest_ = rest_.subspan(bytes);
      break;
    }
    default:
      return fail(Error::bad_mode);
  }
  return range;
}

void MessageWriter::rollback(Mark m) {
  out_.resize(m.size);
  last_timestamp_ = m.last_timestamp;
}

void MessageWriter::bound(const Bound& b) {
  // Offsets are unsigned: callers must write bounds in ascending order, ending at infinity.
  assert(b.point.timestamp >= last_timestamp_);
  if (b.point.timestamp == kInfinity) {
    encode_msb_varint(0, out_);
  } else {
    encode_msb_varint(b.point.timestamp - last_timestamp_ + 1, out_);
  }
  last_timestamp_ = b.point.timestamp;
  encode_msb_varint(b.prefix_len, out_);
  out_.insert(out_.end(), b.point.id.begin(), b.point.id.begin() + b.prefix_len);
}

void MessageWriter::skip(const Bound& upper) {
  bound(upper);
  encode_msb_varint(static_cast<std::uint64_t>(Mode::skip), out_);
}

void MessageWriter::fingerprint(const Bound& upper, const Fingerprint& fp) {
  bound(upper);
  encode_msb_varint(static_cast<std::uint64_t>(Mode::fingerprint), out_);
  out_.insert(out_.end(), fp.begin(), fp.end());
}

void MessageWriter::id_list(const Bound& upper, std::size_t count) {
  bound(upper);
  encode_msb_varint(static_cast<std::uint64_t>(Mode::id_list), out_);
  encode_msb_varint(count, out_);
}

void MessageWriter::id(const Id& id) {
  out_.insert(out_.end(), id.begin(), id.end());
}

}  // namespace meshchat::chat::sync
