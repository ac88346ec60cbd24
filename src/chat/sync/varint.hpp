// Negentropy Varint (hoytech/negentropy docs/negentropy-protocol-v1.md "Varint"): base-128 digits,
// most significant first. Not LEB128: libp2p's unsigned-varint lives in core/varint.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "chat/sync/error.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace meshchat::chat::sync {

// 64 bits need ceil(64 / 7) = 10 digits; anything longer cannot be a uint64.
inline constexpr std::size_t kMaxVarintBytes = 10;

struct MsbVarint {
  std::uint64_t value;
  std::size_t size;  // bytes consumed
};

void encode_msb_varint(std::uint64_t value, Bytes& out);
std::size_t msb_varint_size(std::uint64_t value);

// Decodes one varint from the front of `in`: truncated, varint_overflow or varint_not_minimal.
Result<MsbVarint> decode_msb_varint(ByteView in);

}  // namespace meshchat::chat::sync
