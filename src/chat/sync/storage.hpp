// Negentropy's sorted record store (hoytech/negentropy docs/negentropy-protocol-v1.md): records
// sorted by (timestamp, id), then sealed; range fingerprints per the spec's "Fingerprint
// Algorithm".
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "chat/sync/item.hpp"
#include "core/result.hpp"

namespace meshchat::chat::sync {

// Fingerprint of a list of ids: SHA-256(sum of ids mod 2^256, little-endian || count as Varint),
// first kFingerprintSize bytes. `items` need not be sorted: addition commutes.
Fingerprint fingerprint_of(const Item* items, std::size_t count);

class Storage {
 public:
  // Adds a record; `reserved_timestamp` for kInfinity. Inserting after seal() is a bug.
  Result<void> insert(std::uint64_t timestamp, const Id& id);
  // Sorts and drops duplicate records (a set has each record once). Reconciliation needs this.
  void seal();

  bool sealed() const { return sealed_; }
  std::size_t size() const { return items_.size(); }
  const Item& item(std::size_t index) const { return items_[index]; }

  // Index of the first record in [from, to) not below `bound`, or `to`.
  std::size_t lower_bound(std::size_t from, std::size_t to, const Bound& bound) const;
  // Fingerprint of the records with indexes in [begin, end).
  Fingerprint fingerprint(std::size_t begin, std::size_t end) const;

 private:
  std::vector<Item> items_;
  bool sealed_ = false;
};

}  // namespace meshchat::chat::sync
