// History sync between two in-memory stores, end to end through the /meshchat/sync/1.0.0 frame
// codec: Negentropy reconciliation (round trips, framed bytes each way, CPU time), then the
// transfer of the missing envelopes (framed bytes over envelope bytes). Figures only.
//
// Records are random (timestamp, 32-byte id) pairs: signing a million real envelopes would take
// about a minute. Of N records, the initiator A lacks ceil(d/2) and the responder B lacks
// floor(d/2) others, so both a Want and unrequested Envelopes are measured. The transfer part
// signs min(d, 10000) real text envelopes (200-character bodies) and sends them as the flow does:
// A's Want frames, A's Envelopes for B, B's Envelopes answering the Want, and both Done frames.
//
// Usage: bench_sync [N] [d...]   (default N = 100000, d = 1 100 10000; MESHCHAT_BENCH_SYNC_N
// overrides N)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "chat/conversation.hpp"
#include "chat/envelope.hpp"
#include "chat/sync/negentropy.hpp"
#include "chat/wire/sync_frame.hpp"
#include "core/length_prefixed.hpp"

namespace meshchat::bench {
namespace {

namespace sync = chat::sync;
namespace wire = chat::wire;

constexpr std::size_t kDefaultRecords = 100000;
constexpr std::size_t kMaxSignedEnvelopes = 10000;
constexpr std::size_t kTextChars = 200;

struct Record {
  std::uint64_t timestamp;
  sync::Id id;
};

struct Stores {
  sync::Storage a, b;
  std::set<sync::Id> a_lacks, b_lacks;
};

// N records with HLC-shaped timestamps over one year; A and B each lack a disjoint part.
Stores make_stores(std::size_t records, std::size_t diff, std::mt19937_64& rng) {
  constexpr std::uint64_t kStartMs = 1700000000000;
  constexpr std::uint64_t kYearMs = 365ull * 24 * 3600 * 1000;
  std::vector<Record> all(records);
  for (Record& r : all) {
    r.timestamp = chat::sync_timestamp({kStartMs + rng() % kYearMs, 0});
    for (std::size_t i = 0; i < sync::kIdSize; i += 8) {
      std::uint64_t word = rng();
      for (std::size_t k = 0; k < 8; ++k) r.id[i + k] = static_cast<std::uint8_t>(word >> (8 * k));
    }
  }
  std::vector<std::size_t> order(records);
  for (std::size_t i = 0; i < records; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<char> missing(records, 0);  // 1: A lacks it, 2: B lacks it
  std::size_t a_lacks = (diff + 1) / 2;
  for (std::size_t i = 0; i < diff && i < records; ++i) missing[order[i]] = i < a_lacks ? 1 : 2;

  Stores s;
  for (std::size_t i = 0; i < records; ++i) {
    const Record& r = all[i];
    if (missing[i] != 1) (void)s.a.insert(r.timestamp, r.id);
    if (missing[i] != 2) (void)s.b.insert(r.timestamp, r.id);
    if (missing[i] == 1) s.a_lacks.insert(r.id);
    if (missing[i] == 2) s.b_lacks.insert(r.id);
  }
  s.a.seal();
  s.b.seal();
  return s;
}

// Wraps a Negentropy message as a framed ReconcileFrame; returns the framed bytes and, through
// the peer's decoder, the message it receives. Frames above kMaxSyncFrameBytes (only without a
// frame limit) would be refused by a real peer: they are counted and handed over undecoded.
struct Wire {
  std::size_t frames = 0;
  std::size_t bytes = 0;
  std::size_t oversize = 0;
  std::size_t largest = 0;

  Bytes carry(const chat::ConversationId& conversation, Bytes negentropy) {
    wire::ReconcileFrame sent{conversation, std::move(negentropy)};
    Bytes body = wire::encode(sent);
    Bytes framed = length_prefixed(body);
    ++frames;
    bytes += framed.size();
    largest = std::max(largest, body.size());
    if (body.size() > wire::kMaxSyncFrameBytes) {
      ++oversize;
      return std::move(sent.negentropy);
    }
    LengthPrefixedReader reader(wire::kMaxSyncFrameBytes, wire::WireError::too_large);
    if (!reader.feed(framed)) std::abort();
    auto received = reader.next();
    if (!received || !*received) std::abort();
    auto frame = wire::decode_sync_frame(**received);
    if (!frame) std::abort();
    return std::move(std::get<wire::ReconcileFrame>(*frame).negentropy);
  }
};

struct ReconcileResult {
  std::size_t rounds = 0;
  Wire up, down;  // up: initiator to responder
  double cpu_ms = 0;
  std::vector<sync::Id> have, need;
};

ReconcileResult reconcile(const Stores& s, std::size_t frame_limit) {
  chat::ConversationId conversation{};
  conversation.fill(0xc0);
  sync::Config config{frame_limit, sync::kDefaultMaxMessageBytes};
  ReconcileResult r;
  std::clock_t start = std::clock();
  sync::NegentropyClient client(s.a, config);
  sync::NegentropyServer server(s.b, config);
  std::optional<Bytes> next = client.initiate();
  while (next) {
    ++r.rounds;
    Bytes at_server = r.up.carry(conversation, std::move(*next));
    auto reply = server.reconcile(at_server);
    if (!reply) std::abort();
    Bytes at_client = r.down.carry(conversation, std::move(*reply));
    auto round = client.reconcile(at_client);
    if (!round) std::abort();
    r.have.insert(r.have.end(), round->have_ids.begin(), round->have_ids.end());
    r.need.insert(r.need.end(), round->need_ids.begin(), round->need_ids.end());
    next = std::move(round->next);
  }
  r.cpu_ms = 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  return r;
}

bool found_exactly(const ReconcileResult& r, const Stores& s) {
  return std::set<sync::Id>(r.need.begin(), r.need.end()) == s.a_lacks &&
         std::set<sync::Id>(r.have.begin(), r.have.end()) == s.b_lacks &&
         r.need.size() == s.a_lacks.size() && r.have.size() == s.b_lacks.size();
}

std::size_t framed_size(const wire::SyncFrame& frame) {
  return length_prefixed(wire::encode(frame)).size();
}

struct Transfer {
  std::size_t envelopes = 0;
  std::size_t envelope_bytes = 0;
  std::size_t frame_bytes = 0;
};

// Signs min(d, kMaxSignedEnvelopes) envelopes, split between the two directions in the
// proportion the reconciliation found, and frames them as the sync flow sends them.
Transfer transfer(const ReconcileResult& r) {
  std::size_t total = r.need.size() + r.have.size();
  std::size_t count = std::min(total, kMaxSignedEnvelopes);
  std::size_t wanted = total == 0 ? 0 : count * r.need.size() / total;
  auto key = crypto::PrivateKey::generate(crypto::KeyType::ed25519);
  chat::ConversationId conversation{};
  conversation.fill(0xc0);
  std::string text(kTextChars, 'x');

  std::vector<Bytes> from_a, from_b;  // B answers A's Want
  for (std::size_t i = 0; i < count; ++i) {
    text.replace(0, std::to_string(i).size(), std::to_string(i));
    auto envelope =
        chat::Envelope::create(key, conversation, {1700000000000 + i, 0}, {},
                               chat::ContentType::text, chat::Envelope::text_body(text));
    if (!envelope) std::abort();
    (i < wanted ? from_b : from_a).push_back(envelope->encode());
  }
  Transfer t;
  t.envelopes = count;
  for (const auto* side : {&from_a, &from_b}) {
    for (const Bytes& e : *side) t.envelope_bytes += e.size();
  }
  std::vector<chat::MessageId> want_ids(r.need.begin(), r.need.begin() + wanted);
  for (const auto& frame : wire::pack_wants(std::move(want_ids)))
    t.frame_bytes += framed_size(frame);
  std::size_t sent_a = from_a.size(), sent_b = from_b.size();
  std::size_t bytes_a = 0, bytes_b = 0;
  for (const auto& frame : wire::pack_envelopes(std::move(from_a))) {
    bytes_a += framed_size(frame);
  }
  for (const auto& frame : wire::pack_envelopes(std::move(from_b))) {
    bytes_b += framed_size(frame);
  }
  t.frame_bytes += bytes_a + bytes_b;
  t.frame_bytes += framed_size(wire::DoneFrame{sent_a, bytes_a});
  t.frame_bytes += framed_size(wire::DoneFrame{sent_b, bytes_b});
  return t;
}

void run_case(std::size_t records, std::size_t diff, std::mt19937_64& rng) {
  Stores stores = make_stores(records, diff, rng);
  std::optional<Transfer> moved;
  for (std::size_t limit :
       {std::size_t{0}, std::size_t{64 * 1024}, wire::kMaxNegentropyMessageBytes}) {
    ReconcileResult r = reconcile(stores, limit);
    if (!moved) moved = transfer(r);
    double ratio = moved->envelope_bytes == 0
                       ? 0.0
                       : static_cast<double>(moved->frame_bytes) / moved->envelope_bytes;
    std::printf(
        "sync N=%zu d=%zu limit=%zu: rounds=%zu bytes_up=%zu bytes_down=%zu largest_frame=%zu "
        "oversize_frames=%zu reconcile_cpu_ms=%.1f found=%s transfer_envelopes=%zu "
        "avg_envelope=%zu transfer_bytes=%zu transfer_ratio=%.3f\n",
        records, diff, limit, r.rounds, r.up.bytes, r.down.bytes,
        std::max(r.up.largest, r.down.largest), r.up.oversize + r.down.oversize, r.cpu_ms,
        found_exactly(r, stores) ? "exact" : "WRONG", moved->envelopes,
        moved->envelopes == 0 ? 0 : moved->envelope_bytes / moved->envelopes, moved->frame_bytes,
        ratio);
    std::fflush(stdout);
  }
}

}  // namespace
}  // namespace meshchat::bench

int main(int argc, char** argv) {
  std::size_t records = meshchat::bench::kDefaultRecords;
  if (argc > 1) records = std::strtoull(argv[1], nullptr, 10);
  if (const char* env = std::getenv("MESHCHAT_BENCH_SYNC_N")) {
    records = std::strtoull(env, nullptr, 10);
  }
  std::vector<std::size_t> diffs;
  for (int i = 2; i < argc; ++i) diffs.push_back(std::strtoull(argv[i], nullptr, 10));
  if (diffs.empty()) diffs = {1, 100, 10000};

  std::printf(
      "# A (initiator) lacks ceil(d/2) of N records, B lacks floor(d/2) others. limit = "
      "Negentropy frame_size_limit (0: none). bytes_* include length prefixes.\n"
      "# targets: N=1000000 d=1: rounds <= 3, bytes_up + bytes_down <= 4096, "
      "reconcile_cpu_ms <= 150; d=10000: transfer_ratio <= 1.15\n");
  std::mt19937_64 rng(20240601);
  for (std::size_t diff : diffs) meshchat::bench::run_case(records, diff, rng);
  return 0;
}
