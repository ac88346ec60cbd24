// Strict DER (ITU-T X.690 §10) reading and writing for the two structures /tls/1.0.0 handles
// itself (libp2p/tls/tls.md): the SignedKey extension value and the certificate's
// SubjectPublicKeyInfo, which the extension's signature covers byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"

namespace meshchat::p2p::tls::der {

inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kSequence = 0x30;
// [0] EXPLICIT, constructed: the optional version field of a TBSCertificate.
inline constexpr std::uint8_t kContextConstructed0 = 0xa0;
// Length octets after the 0x8N prefix that we accept. Four cover 4 GiB, far beyond any certificate
// we let through; more would only serve to overflow size arithmetic.
inline constexpr std::size_t kMaxLengthOctets = 4;

struct Element {
  std::uint8_t tag;
  ByteView content;  // the value octets
  ByteView encoded;  // tag, length and value octets
};

// Reads one element from the front of `in` and advances `in` past it. Only single-octet tags and
// definite, minimally encoded lengths are DER; anything else, or an element running past the end
// of `in`, gives nullopt.
std::optional<Element> read(ByteView& in);

// Like read(), but the element must have tag `tag`.
std::optional<Element> read(ByteView& in, std::uint8_t tag);

// Appends tag, DER length and `content` to `out`.
void write(std::uint8_t tag, ByteView content, Bytes& out);

}  // namespace meshchat::p2p::tls::der
