// pack_envelopes, pack_wants, pack_receipts: every frame within its limits and decodable, order
// kept, nothing lost or added, and greedy filling (no frame could have taken the next item).
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

#include "chat/wire/sync_frame.hpp"

namespace meshchat::chat::wire {
namespace {

MessageId id_of(std::size_t n) {
  MessageId id{};
  for (std::size_t i = 0; i < 8; ++i) id[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return id;
}

// A distinct envelope of `size` bytes: its index in the first bytes, then filler.
Bytes envelope_of(std::size_t index, std::size_t size) {
  Bytes e(size, static_cast<std::uint8_t>(index * 7));
  for (std::size_t i = 0; i < 4 && i < size; ++i)
    e[i] = static_cast<std::uint8_t>(index >> (8 * i));
  return e;
}

std::size_t entry_size(std::size_t envelope) {
  std::size_t length = 1;
  for (std::size_t v = envelope; v >= 0x80; v >>= 7) ++length;
  return 1 + length + envelope;
}

void check_envelope_packing(const std::vector<Bytes>& envelopes) {
  auto frames = pack_envelopes(envelopes);
  std::vector<Bytes> rejoined;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const EnvelopesFrame& frame = frames[f];
    ASSERT_FALSE(frame.envelopes.empty());
    ASSERT_LE(frame.envelopes.size(), kMaxEnvelopesPerFrame);
    Bytes body = encode(frame);
    ASSERT_LE(body.size(), kMaxSyncFrameBytes);
    auto decoded = decode_sync_frame(body);
    ASSERT_TRUE(decoded) << decoded.error().message();
    ASSERT_EQ(std::get<EnvelopesFrame>(*decoded), frame);
    if (f + 1 < frames.size()) {
      // Greedy: the next frame's first envelope would not have fitted here.
      EnvelopesFrame grown = frame;
      grown.envelopes.push_back(frames[f + 1].envelopes.front());
      EXPECT_TRUE(grown.envelopes.size() > kMaxEnvelopesPerFrame ||
                  encode(grown).size() > kMaxSyncFrameBytes);
    }
    rejoined.insert(rejoined.end(), frame.envelopes.begin(), frame.envelopes.end());
  }
  EXPECT_EQ(rejoined, envelopes);
}

TEST(PackEnvelopes, NothingGivesNoFrames) {
  EXPECT_TRUE(pack_envelopes({}).empty());
}

TEST(PackEnvelopes, SmallBatchIsOneFrame) {
  std::vector<Bytes> envelopes;
  for (std::size_t i = 0; i < 100; ++i) envelopes.push_back(envelope_of(i, 300));
  auto frames = pack_envelopes(envelopes);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].envelopes, envelopes);
}

TEST(PackEnvelopes, MaximalEnvelopesSplitBySize) {
  // A frame holds 15 maximal envelopes (15 * 67588 bytes plus 4 of frame header).
  std::vector<Bytes> envelopes;
  for (std::size_t i = 0; i < 40; ++i) envelopes.push_back(envelope_of(i, kMaxEnvelopeBytes));
  auto frames = pack_envelopes(envelopes);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].envelopes.size(), 15u);
  EXPECT_EQ(frames[1].envelopes.size(), 15u);
  EXPECT_EQ(frames[2].envelopes.size(), 10u);
  check_envelope_packing(envelopes);
}

TEST(PackEnvelopes, FillsAFrameExactly) {
  // 15 maximal envelopes and one that takes the frame to exactly kMaxSyncFrameBytes, then one
  // byte more: the 17th envelope must start a new frame, and a one-byte-larger 16th too.
  std::size_t member = kMaxSyncFrameBytes - 1 - 3;
  std::size_t last = member - 15 * entry_size(kMaxEnvelopeBytes) - 1 - 3;
  std::vector<Bytes> envelopes;
  for (std::size_t i = 0; i < 15; ++i) envelopes.push_back(envelope_of(i, kMaxEnvelopeBytes));
  envelopes.push_back(envelope_of(15, last));
  envelopes.push_back(envelope_of(16, 1));
  auto frames = pack_envelopes(envelopes);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].envelopes.size(), 16u);
  EXPECT_EQ(encode(frames[0]).size(), kMaxSyncFrameBytes);
  check_envelope_packing(envelopes);

  envelopes[15] = envelope_of(15, last + 1);
  frames = pack_envelopes(envelopes);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].envelopes.size(), 15u);
  EXPECT_EQ(frames[1].envelopes.size(), 2u);
  check_envelope_packing(envelopes);
}

TEST(PackEnvelopes, TinyEnvelopesSplitByCount) {
  std::vector<Bytes> envelopes;
  for (std::size_t i = 0; i < 2 * kMaxEnvelopesPerFrame + 5; ++i) {
    envelopes.push_back(envelope_of(i, 4));
  }
  auto frames = pack_envelopes(envelopes);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].envelopes.size(), kMaxEnvelopesPerFrame);
  EXPECT_EQ(frames[2].envelopes.size(), 5u);
  check_envelope_packing(envelopes);
}

TEST(PackEnvelopes, RandomSizes) {
  std::mt19937_64 rng(42);
  std::vector<Bytes> envelopes;
  for (std::size_t i = 0; i < 300; ++i) {
    std::size_t size = rng() % 4 == 0 ? 1 + rng() % kMaxEnvelopeBytes : 150 + rng() % 400;
    envelopes.push_back(envelope_of(i, size));
  }
  check_envelope_packing(envelopes);
}

TEST(PackEnvelopes, RefusesInvalidEnvelopes) {
  EXPECT_THROW(pack_envelopes({Bytes{1}, Bytes{}}), std::invalid_argument);
  EXPECT_THROW(pack_envelopes({Bytes(kMaxEnvelopeBytes + 1, 1)}), std::invalid_argument);
}

TEST(PackWants, ChunksInOrder) {
  EXPECT_TRUE(pack_wants({}).empty());
  std::vector<MessageId> ids;
  for (std::size_t i = 0; i < 2 * kMaxWantIds + 1; ++i) ids.push_back(id_of(i));
  auto frames = pack_wants(ids);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].ids.size(), kMaxWantIds);
  EXPECT_EQ(frames[1].ids.size(), kMaxWantIds);
  EXPECT_EQ(frames[2].ids.size(), 1u);
  std::vector<MessageId> rejoined;
  for (const WantFrame& frame : frames) {
    Bytes body = encode(frame);
    EXPECT_LE(body.size(), kMaxSyncFrameBytes);
    auto decoded = decode_sync_frame(body);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(std::get<WantFrame>(*decoded), frame);
    rejoined.insert(rejoined.end(), frame.ids.begin(), frame.ids.end());
  }
  EXPECT_EQ(rejoined, ids);

  EXPECT_EQ(pack_wants(std::vector<MessageId>(kMaxWantIds, id_of(1))).size(), 1u);
}

TEST(PackReceipts, ChunksInOrder) {
  EXPECT_TRUE(pack_receipts({}).empty());
  std::vector<ReceiptEntry> entries;
  for (std::size_t i = 0; i < kMaxReceiptEntries + 3; ++i) {
    entries.push_back({id_of(i), i % 3 == 0 ? ReceiptKind::read : ReceiptKind::delivered});
  }
  auto frames = pack_receipts(entries);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].entries.size(), kMaxReceiptEntries);
  EXPECT_EQ(frames[1].entries.size(), 3u);
  std::vector<ReceiptEntry> rejoined;
  for (const ReceiptsFrame& frame : frames) {
    Bytes body = encode(frame);
    EXPECT_LE(body.size(), kMaxSyncFrameBytes);
    auto decoded = decode_sync_frame(body);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(std::get<ReceiptsFrame>(*decoded), frame);
    rejoined.insert(rejoined.end(), frame.entries.begin(), frame.entries.end());
  }
  EXPECT_EQ(rejoined, entries);

  EXPECT_EQ(pack_receipts(std::vector<ReceiptEntry>(kMaxReceiptEntries)).size(), 1u);
}

}  // namespace
}  // namespace meshchat::chat::wire
