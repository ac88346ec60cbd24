#include "chat/sync/storage.hpp"

#include <algorithm>
#include <stdexcept>

#include "chat/sync/error.hpp"
#include "chat/sync/varint.hpp"
#include "crypto/hash.hpp"

namespace meshchat::chat::sync {

namespace {
constexpr std::size_t kLimbs = kIdSize / 8;

// Adds the little-endian 256-bit number `id` to `sum`, dropping the final carry (mod 2^256).
void add_id(std::array<std::uint64_t, kLimbs>& sum, const Id& id) {
  std::uint64_t carry = 0;
  for (std::size_t limb = 0; limb < kLimbs; ++limb) {
    std::uint64_t word = 0;
    for (std::size_t b = 0; b < 8; ++b) {
      word |= static_cast<std::uint64_t>(id[limb * 8 + b]) << (8 * b);
    }
    const std::uint64_t partial = sum[limb] + word;
    const std::uint64_t carry_a = partial < word ? 1 : 0;
    sum[limb] = partial + carry;
    const std::uint64_t carry_b = sum[limb] < partial ? 1 : 0;
    carry = carry_a | carry_b;
  }
}
}  // namespace

Bound minimal_bound(const Item& prev, const Item& curr) {
  if (curr.timestamp != prev.timestamp) return Bound{Item{curr.timestamp, {}}, 0};
  std::size_t shared = 0;
  while (shared < kIdSize && curr.id[shared] == prev.id[shared]) ++shared;
  // prev < curr with equal timestamps, so some byte differs and shared < kIdSize.
  Bound bound{Item{curr.timestamp, {}}, static_cast<std::uint8_t>(shared + 1)};
  std::copy_n(curr.id.begin(), shared + 1, bound.point.id.begin());
  return bound;
}

Fingerprint fingerprint_of(const Item* items, std::size_t count) {
  std::array<std::uint64_t, kLimbs> sum{};
  for (std::size_t i = 0; i < count; ++i) add_id(sum, items[i].id);
  Bytes input;
  input.reserve(kIdSize + kMaxVarintBytes);
  for (std::uint64_t limb : sum) {
    for (std::size_t b = 0; b < 8; ++b) input.push_back(static_cast<std::uint8_t>(limb >> (8 * b)));
  }
  encode_msb_varint(count, input);
  const auto digest = crypto::sha256(input);
  Fingerprint out;
  std::copy_n(digest.begin(), kFingerprintSize, out.begin());
  return out;
}

Result<void> Storage::insert(std::uint64_t timestamp, const Id& id) {
  if (sealed_) throw std::logic_error("negentropy storage: insert after seal");
  if (timestamp == kInfinity) return fail(Error::reserved_timestamp);
  items_.push_back(Item{timestamp, id});
  return {};
}

void Storage::seal() {
  if (sealed_) throw std::logic_error("negentropy storage: sealed twice");
  std::sort(items_.begin(), items_.end());
  items_.erase(std::unique(items_.begin(), items_.end()), items_.end());
  sealed_ = true;
}

std::size_t Storage::lower_bound(std::size_t from, std::size_t to, const Bound& bound) const {
  auto first = items_.begin() + static_cast<std::ptrdiff_t>(from);
  auto last = items_.begin() + static_cast<std::ptrdiff_t>(to);
  return static_cast<std::size_t>(std::lower_bound(first, last, bound.point) - items_.begin());
}

Fingerprint Storage::fingerprint(std::size_t begin, std::size_t end) const {
  return fingerprint_of(items_.data() + begin, end - begin);
}

}  // namespace meshchat::chat::sync
