#include "p2p/kad/record_store.hpp"

namespace meshchat::p2p::kad {

RecordStore::RecordStore(std::size_t max_records, Duration max_age)
    : max_records_(max_records), max_age_(max_age) {}

void RecordStore::put(Bytes key, Bytes value, TimePoint now) {
  if (max_records_ == 0) return;
  Age stored{now, next_sequence_++};
  auto it = records_.find(as_string(key));
  if (it != records_.end()) {
    by_age_.erase(it->second.stored);
    it->second = Record{std::move(value), stored};
    by_age_.emplace(stored, it);
    return;
  }
  if (records_.size() >= max_records_) erase(by_age_.begin()->second);
  auto inserted =
      records_.emplace(std::string(as_string(key)), Record{std::move(value), stored}).first;
  by_age_.emplace(stored, inserted);
}

std::optional<Bytes> RecordStore::get(ByteView key, TimePoint now) {
  auto it = records_.find(as_string(key));
  if (it == records_.end()) return std::nullopt;
  if (now - it->second.stored.first > max_age_) {
    erase(it);
    return std::nullopt;
  }
  return it->second.value;
}

void RecordStore::erase(Records::iterator it) {
  by_age_.erase(it->second.stored);
  records_.erase(it);
}

}  // namespace meshchat::p2p::kad
