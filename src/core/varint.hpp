// unsigned-varint (multiformats/unsigned-varint): LEB128, at most 9 bytes (63 bits), minimal form.
// Used for libp2p length prefixes, multiaddr/multihash codes and protobuf (which allows 10 bytes).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat::varint {

// The spec caps varints at 9 bytes so that the value fits in 63 bits.
inline constexpr std::size_t kMaxBytes = 9;

enum class Error {
  truncated = 1,  // input ended before the last byte (high bit clear); more bytes may complete it
  overflow,       // more than kMaxBytes bytes, or a value above 2^63 - 1
  not_minimal,    // trailing zero byte: the spec requires the shortest encoding
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

struct Decoded {
  std::uint64_t value;
  std::size_t size;  // bytes consumed
};

// Appends the encoding of `value` to `out`.
void encode(std::uint64_t value, Bytes& out);
Bytes encode(std::uint64_t value);
std::size_t encoded_size(std::uint64_t value);

// Decodes one varint from the front of `in`.
Result<Decoded> decode(ByteView in);

}  // namespace meshchat::varint

MESHCHAT_REGISTER_ERROR_CODE(meshchat::varint::Error)
