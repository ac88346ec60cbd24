// Local store for PUT_VALUE records (kad-dht/README.md "Value storage and retrieval"): values
// already validated by the caller, bounded in count and dropped once older than max_age.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/bytes.hpp"
#include "core/time.hpp"

namespace meshchat::p2p::kad {

// go-libp2p-kad-dht's MaxRecordAge: a publisher republishes well within it, so a record this old
// has been abandoned.
inline constexpr Duration kMaxRecordAge = std::chrono::hours(36);
// Bounds what peers can make us hold; the caller bounds each key and value through the codec.
inline constexpr std::size_t kMaxRecords = 4096;

class RecordStore {
 public:
  explicit RecordStore(std::size_t max_records = kMaxRecords, Duration max_age = kMaxRecordAge);

  // Stores or replaces; a replaced record's age starts again at `now`. When full, the oldest
  // stored record is dropped first.
  void put(Bytes key, Bytes value, TimePoint now);
  // nullopt if absent or older than max_age (an expired record is dropped here). A record
  // exactly max_age old is still returned, as go-libp2p-kad-dht does.
  std::optional<Bytes> get(ByteView key, TimePoint now);
  // Records held, including expired ones not yet looked up.
  std::size_t size() const { return records_.size(); }

 private:
  // (stored at, put sequence): the sequence orders puts made at the same time point.
  using Age = std::pair<TimePoint, std::uint64_t>;
  struct Record {
    Bytes value;
    Age stored;
  };
  // std::string keys give heterogeneous lookup by string_view through std::less<>.
  using Records = std::map<std::string, Record, std::less<>>;

  void erase(Records::iterator it);

  std::size_t max_records_;
  Duration max_age_;
  std::uint64_t next_sequence_ = 0;
  Records records_;
  std::map<Age, Records::iterator> by_age_;  // oldest first, for eviction
};

}  // namespace meshchat::p2p::kad
