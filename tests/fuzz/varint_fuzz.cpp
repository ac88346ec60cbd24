// Decodes an unsigned-varint from arbitrary bytes. Aborts on an undocumented error, if a decoded
// varint does not re-encode to exactly the bytes consumed (the spec's minimal form), or if the
// result depends on bytes after the first kMaxBytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/varint.hpp"

namespace varint = meshchat::varint;
using meshchat::Bytes;
using meshchat::ByteView;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView in(data, size);
  auto decoded = varint::decode(in);
  // Only the first kMaxBytes can matter.
  auto prefix = varint::decode(in.first(std::min(size, varint::kMaxBytes)));
  check(prefix.has_value() == decoded.has_value());
  if (!decoded) {
    check(decoded.error().category() == varint::error_category());
    check(prefix.error() == decoded.error());
    return 0;
  }
  check(prefix->value == decoded->value && prefix->size == decoded->size);
  check(decoded->size >= 1 && decoded->size <= varint::kMaxBytes && decoded->size <= size);
  check(decoded->value < (std::uint64_t{1} << 63));
  Bytes encoded = varint::encode(decoded->value);
  check(encoded.size() == decoded->size);
  check(encoded.size() == varint::encoded_size(decoded->value));
  check(std::equal(encoded.begin(), encoded.end(), in.begin()));
  auto again = varint::decode(encoded);
  check(again && again->value == decoded->value && again->size == encoded.size());
  return 0;
}
