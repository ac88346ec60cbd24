// Safety numbers: 60 digits two people compare (read out, or side by side) to be sure each holds
// the other's real identity key. Signal's numeric fingerprint (version 0) over libp2p keys.
#pragma once

#include <string>

#include "core/bytes.hpp"
#include "crypto/keys.hpp"

namespace meshchat::crypto {

// Signal's count: enough hashing that searching for a key with a chosen fingerprint is slow.
inline constexpr int kSafetyNumberIterations = 5200;
inline constexpr std::size_t kFingerprintDigits = 30;
inline constexpr std::size_t kSafetyNumberDigits = 2 * kFingerprintDigits;

// One party's 30 digits: h = 0x0000 || key || stable_id, then `iterations` times
// h = SHA-512(h || key); the first 30 bytes of h as six 40-bit big-endian numbers, each mod
// 100000 and written as 5 digits.
std::string fingerprint_digits(ByteView key, ByteView stable_id,
                               int iterations = kSafetyNumberIterations);

// Both parties' digits, the smaller first: the same 60 digits whichever side computes them.
std::string safety_number(ByteView local_key, ByteView local_id, ByteView remote_key,
                          ByteView remote_id, int iterations = kSafetyNumberIterations);

// meshchat's: each key as its libp2p PublicKey protobuf, each stable id the key's PeerId bytes.
std::string safety_number(const PublicKey& local, const PublicKey& remote);

// "30035 44776 …": groups of five, six to a line, as people read them out.
std::string format_safety_number(const std::string& digits);

// The digits of `text` if it holds exactly kSafetyNumberDigits of them besides spaces, tabs and
// newlines; empty otherwise.
std::string normalize_safety_number(std::string_view text);

}  // namespace meshchat::crypto
