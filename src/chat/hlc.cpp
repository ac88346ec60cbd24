#include "chat/hlc.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace meshchat::chat {

namespace {
void check_local_wall(std::uint64_t wall_ms) {
  if (wall_ms > kMaxWallMs) throw std::invalid_argument("wall clock beyond kMaxWallMs");
}
}  // namespace

HlcTimestamp successor(HlcTimestamp t) {
  if (t.counter == std::numeric_limits<std::uint32_t>::max()) return {t.wall_ms + 1, 0};
  return {t.wall_ms, t.counter + 1};
}

HybridClock::HybridClock(HlcTimestamp last, std::uint64_t max_drift_ms)
    : last_(last), max_drift_ms_(max_drift_ms) {}

HlcTimestamp HybridClock::now(std::uint64_t wall_ms) {
  check_local_wall(wall_ms);
  // Paper, "send or local event": l = max(l, pt); the counter restarts only when l moved.
  if (wall_ms > last_.wall_ms) {
    last_ = {wall_ms, 0};
  } else {
    last_ = successor(last_);
  }
  return last_;
}

Result<HlcTimestamp> HybridClock::observe(HlcTimestamp remote, std::uint64_t wall_ms) {
  check_local_wall(wall_ms);
  if (remote.wall_ms > kMaxWallMs) return fail(Error::bad_timestamp);
  // Written as a subtraction so that no sum can overflow.
  if (remote.wall_ms > wall_ms && remote.wall_ms - wall_ms > max_drift_ms_) {
    return fail(Error::clock_drift);
  }
  // Paper, "receive event": l = max(l, l_m, pt), then the counter follows whichever of l and
  // l_m reached that maximum. Taking the successor of the larger of the two timestamps is the
  // same rule written once.
  HlcTimestamp base = std::max(last_, remote);
  if (wall_ms > base.wall_ms) {
    last_ = {wall_ms, 0};
  } else {
    last_ = successor(base);
  }
  return last_;
}

}  // namespace meshchat::chat
