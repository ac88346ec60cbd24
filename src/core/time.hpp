// Time types for sans-IO code: protocols take `now` as a parameter instead of reading a clock.
// The I/O glue passes Clock::now(); tests pass simulated time points.
#pragma once

#include <chrono>

namespace meshchat {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

}  // namespace meshchat
