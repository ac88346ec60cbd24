// Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): timestamps that stay
// close to wall time yet respect causality, so that messages order the same way on every peer.
#pragma once

#include <compare>
#include <cstdint>

#include "chat/error.hpp"
#include "core/result.hpp"

namespace meshchat::chat {

// Wall times are Unix milliseconds. 2^48 ms is the year 10889: far beyond any real clock, yet
// small enough that counter carries (below) can never overflow 64 bits.
inline constexpr std::uint64_t kMaxWallMs = std::uint64_t{1} << 48;
// A remote timestamp may lead our wall clock by at most this much. Phones and laptops are often
// seconds off, rarely minutes; a peer further ahead would drag every later message of ours into
// its future (HLC paper §4: bounded drift ε), so its timestamp is refused instead.
inline constexpr std::uint64_t kMaxDriftMs = 5 * 60 * 1000;

// Totally ordered: by wall time, then by counter.
struct HlcTimestamp {
  std::uint64_t wall_ms = 0;
  std::uint32_t counter = 0;
  auto operator<=>(const HlcTimestamp&) const = default;
};

// The smallest timestamp greater than `t`. A counter at its maximum carries into the wall time:
// the clock then runs 1 ms ahead of the true time, which keeps the order total and strict and
// costs nothing a peer could notice (it takes 2^32 events within one millisecond).
HlcTimestamp successor(HlcTimestamp t);

// Sans-IO: the caller passes the wall time of each event; nothing here reads a clock.
class HybridClock {
 public:
  // `last` restores the clock after a restart (the greatest timestamp ever issued or observed),
  // so that timestamps never go backwards even if the wall clock did.
  explicit HybridClock(HlcTimestamp last = {}, std::uint64_t max_drift_ms = kMaxDriftMs);

  // A local or send event at wall time `wall_ms`: a timestamp greater than every earlier one.
  // `wall_ms` above kMaxWallMs is a broken local clock, a bug: throws std::invalid_argument.
  HlcTimestamp now(std::uint64_t wall_ms);

  // A receive event: merges `remote` and returns a timestamp greater than both it and every
  // earlier one. Errors leave the clock unchanged: bad_timestamp (remote wall time above
  // kMaxWallMs), clock_drift (remote leads `wall_ms` by more than the max drift). `wall_ms` is
  // checked as in now().
  Result<HlcTimestamp> observe(HlcTimestamp remote, std::uint64_t wall_ms);

  HlcTimestamp last() const { return last_; }
  std::uint64_t max_drift_ms() const { return max_drift_ms_; }

 private:
  HlcTimestamp last_;
  std::uint64_t max_drift_ms_;
};

}  // namespace meshchat::chat
