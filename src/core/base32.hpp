// base32 (RFC 4648 §6, alphabet A-Z 2-7) without padding, as multibase uses it for 'b' (lower case)
// and 'B' (upper case); CIDv1 text, and so PeerIds as CIDs (`bafz…`), default to 'b'.
// Spec: RFC 4648; multiformats/multibase.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error_category.hpp"
#include "core/result.hpp"

namespace meshchat::base32 {

// Far above any CID or certificate hash we read (a CIDv1 of a sha2-512 digest is 110 characters);
// bounds what hostile text can make us allocate.
inline constexpr std::size_t kMaxTextLength = 8 * 1024;

enum class Error {
  bad_character = 1,  // outside the alphabet, in the other letter case, or '=' padding
  bad_length,         // a length no unpadded encoding has (1, 3 or 6 modulo 8)
  nonzero_padding,    // the unused low bits of the last character are not zero (not canonical)
  too_long,           // text longer than kMaxTextLength
};
MESHCHAT_DECLARE_ERROR_CODE(Error)

enum class Case { lower, upper };

std::string encode(ByteView data, Case letters = Case::lower);
// Strict: only the given letter case, no padding, and the canonical encoding (so that
// encode(decode(text)) == text).
Result<Bytes> decode(std::string_view text, Case letters = Case::lower);

}  // namespace meshchat::base32

MESHCHAT_REGISTER_ERROR_CODE(meshchat::base32::Error)
