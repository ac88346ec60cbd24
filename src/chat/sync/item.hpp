// Negentropy records and bounds (hoytech/negentropy docs/negentropy-protocol-v1.md "Preparation",
// "Bound"): a record is a (timestamp, 32-byte id) pair ordered by timestamp, then id bytes.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace meshchat::chat::sync {

inline constexpr std::size_t kIdSize = 32;
inline constexpr std::size_t kFingerprintSize = 16;
// The spec reserves the largest timestamp as the "infinity" upper bound of the last range.
inline constexpr std::uint64_t kInfinity = std::numeric_limits<std::uint64_t>::max();

using Id = std::array<std::uint8_t, kIdSize>;
using Fingerprint = std::array<std::uint8_t, kFingerprintSize>;

struct Item {
  std::uint64_t timestamp = 0;
  Id id{};
  // Member order gives the spec's order: timestamp, then id lexically by first differing byte.
  auto operator<=>(const Item&) const = default;
};

// A range's exclusive upper bound. `point` holds the id prefix padded with zero bytes, which is how
// the spec says the omitted bytes compare; `prefix_len` is how many id bytes go on the wire.
struct Bound {
  Item point;
  std::uint8_t prefix_len = 0;

  static Bound infinity() { return Bound{Item{kInfinity, {}}, 0}; }
  bool operator==(const Bound&) const = default;
};

// The shortest bound that separates `prev` from `curr` (prev < curr): the timestamp alone when
// they differ, else the common id prefix plus one byte.
Bound minimal_bound(const Item& prev, const Item& curr);

}  // namespace meshchat::chat::sync
