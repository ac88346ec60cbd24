// multibase: self-describing base encodings, `<prefix character><encoded data>`.
// Spec: multiformats/multibase (multibase.csv). Only the bases libp2p text forms use are here:
// base58btc (PeerIds, certhash), base32 (CIDs), base16, base64 and base64url (certhash).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat::multibase {

// The prefix characters of the supported bases, from multibase.csv.
enum class Base : char {
  base16 = 'f',        // RFC 4648 §8, lower case
  base16_upper = 'F',  // RFC 4648 §8, upper case
  base32 = 'b',        // RFC 4648 §6, lower case, no padding
  base32_upper = 'B',  // RFC 4648 §6, upper case, no padding
  base58btc = 'z',     // Bitcoin alphabet
  base64 = 'm',        // RFC 4648 §4, no padding
  base64url = 'u',     // RFC 4648 §5, no padding
};

// Text longer than this is refused before decoding: far above any CID, PeerId or certificate hash,
// and a bound on what hostile text can make us allocate (base58 has its own, lower, limit).
inline constexpr std::size_t kMaxTextLength = 8 * 1024;

enum class Error {
  empty = 1,         // no prefix character
  unsupported_base,  // a prefix this build does not decode (or not a multibase prefix at all)
  bad_character,     // base16/base64: outside the alphabet or the wrong letter case; '=' padding
  bad_length,        // base16/base64: a length no unpadded encoding has
  nonzero_padding,   // base64: unused low bits of the last character not zero (not canonical)
  too_long,          // text longer than kMaxTextLength
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

// `base`'s prefix followed by the encoded data.
std::string encode(Base base, ByteView data);

struct Decoded {
  Base base;
  Bytes data;
};
// Decodes prefixed text strictly (canonical encodings only, so encode(decode(t)) == t). Errors are
// multibase::Error, or base58::Error / base32::Error from those decoders.
Result<Decoded> decode(std::string_view text);

}  // namespace meshchat::multibase

MESHCHAT_REGISTER_ERROR_CODE(meshchat::multibase::Error)
