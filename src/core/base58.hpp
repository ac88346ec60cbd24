// base58btc (the Bitcoin alphabet), as used by multibase ('z') and legacy libp2p PeerIds (`Qm…`,
// `12D3KooW…`). Spec: multiformats/multibase, draft-msporny-base58; peer-ids/peer-ids.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat::base58 {

// Decoding is quadratic in the length; 2 KiB of text (about 1.5 KiB of bytes) is far above any
// PeerId, multihash or CID we read, and bounds the work hostile text can cause.
inline constexpr std::size_t kMaxTextLength = 2048;

enum class Error {
  bad_character = 1,  // a character outside the Bitcoin alphabet (0, O, I, l, '+', '/', ...)
  too_long,           // text longer than kMaxTextLength
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

// Each leading zero byte becomes a leading '1'. Encoding is quadratic too: callers pass bounded
// data (multihashes, CIDs).
std::string encode(ByteView data);
// The empty string decodes to no bytes.
Result<Bytes> decode(std::string_view text);

}  // namespace meshchat::base58

MESHCHAT_REGISTER_ERROR_CODE(meshchat::base58::Error)
