#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "p2p/perf/client.hpp"
#include "p2p/perf/server.hpp"

namespace meshchat::p2p::perf {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

// Drains everything the client offers, `chunk` bytes per write, one millisecond per write.
Bytes drain(Client& client, std::size_t chunk, TimePoint& now) {
  Bytes out;
  for (ByteView v = client.next_send(chunk); !v.empty(); v = client.next_send(chunk)) {
    append(out, v);
    now += milliseconds(1);
    client.on_sent(v.size(), now);
  }
  return out;
}

TEST(Perf, Constants) {
  EXPECT_EQ(kProtocolId, "/perf/1.0.0");
  EXPECT_EQ(zero_chunk().size(), kSendChunkBytes);
  EXPECT_TRUE(std::all_of(zero_chunk().begin(), zero_chunk().end(), [](auto b) { return b == 0; }));
}

TEST(PerfClient, SendsBigEndianRequestThenUpload) {
  TimePoint now = kT0;
  Client client(5, 0x0102030405060708, kT0);
  EXPECT_EQ(to_hex(client.next_send()), "0102030405060708");
  EXPECT_EQ(to_hex(client.next_send(3)), "010203");
  client.on_sent(3, now);
  EXPECT_EQ(to_hex(client.next_send()), "0405060708");
  client.on_sent(5, now);
  EXPECT_EQ(to_hex(client.next_send()), "0000000000");
  EXPECT_EQ(client.next_send().data(), zero_chunk().data());  // not a copy
  EXPECT_FALSE(client.upload_done());
  client.on_sent(5, kT0 + milliseconds(30));
  EXPECT_TRUE(client.upload_done());
  EXPECT_TRUE(client.next_send().empty());
  EXPECT_EQ(client.progress(kT0 + milliseconds(50)).upload_time, milliseconds(30));
  EXPECT_EQ(client.progress(kT0 + milliseconds(50)).download_time, milliseconds(20));
}

TEST(PerfClient, LargeUploadIsSlicedFromTheZeroBuffer) {
  TimePoint now = kT0;
  Client client(3 * kSendChunkBytes + 1, 0, kT0);
  Bytes sent = drain(client, std::numeric_limits<std::size_t>::max(), now);
  EXPECT_EQ(sent.size(), kRequestSize + 3 * kSendChunkBytes + 1);
  EXPECT_EQ(now, kT0 + milliseconds(5));  // request + 4 slices
  auto result = client.on_eof(now + milliseconds(2));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->uploaded, 3 * kSendChunkBytes + 1);
  EXPECT_EQ(result->downloaded, 0u);
  EXPECT_EQ(result->upload_time, milliseconds(5));
  EXPECT_EQ(result->download_time, milliseconds(2));
  EXPECT_EQ(result->total(), milliseconds(7));
}

TEST(PerfClient, Errors) {
  TimePoint now = kT0;
  Client early(10, 10, kT0);
  EXPECT_EQ(early.on_bytes(Bytes{0}, now).error(), Error::early_response);
  EXPECT_EQ(early.on_eof(now).error(), Error::early_response);

  Client closed_early(10, 10, kT0);
  EXPECT_EQ(closed_early.on_eof(now).error(), Error::early_response);

  Client greedy(0, 4, kT0);
  drain(greedy, 8, now);
  ASSERT_TRUE(greedy.on_bytes(Bytes(4), now));
  EXPECT_EQ(greedy.on_bytes(Bytes(1), now).error(), Error::too_much_data);

  Client shorted(0, 4, kT0);
  drain(shorted, 8, now);
  ASSERT_TRUE(shorted.on_bytes(Bytes(3), now));
  EXPECT_EQ(shorted.on_eof(now).error(), Error::short_response);

  Client misuse(0, 0, kT0);
  EXPECT_THROW(misuse.on_sent(9, now), std::logic_error);
}

TEST(PerfClient, StopUploadForTimedRuns) {
  TimePoint now = kT0;
  Client client(std::numeric_limits<std::uint64_t>::max(), 0, kT0);
  client.on_sent(client.next_send().size(), now);  // request
  client.on_sent(client.next_send(100).size(), now + milliseconds(1));
  client.stop_upload(kT0 + milliseconds(10));
  EXPECT_TRUE(client.upload_done());
  auto result = client.on_eof(kT0 + milliseconds(11));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->uploaded, 100u);
  EXPECT_EQ(result->upload_time, milliseconds(10));
}

TEST(PerfServer, ReadsRequestDiscardsUploadThenSends) {
  Server server;
  ASSERT_TRUE(server.on_bytes(*from_hex("00000000")));
  ASSERT_TRUE(server.on_bytes(*from_hex("00012345ffff")));  // request 0x12345, 2 upload bytes
  ASSERT_TRUE(server.on_bytes(Bytes(1000)));
  EXPECT_TRUE(server.next_send().empty());  // never while the upload runs
  EXPECT_EQ(server.uploaded(), 1002u);
  ASSERT_TRUE(server.on_eof());
  std::uint64_t sent = 0;
  for (ByteView v = server.next_send(); !v.empty(); v = server.next_send()) {
    EXPECT_LE(v.size(), kSendChunkBytes);
    sent += v.size();
    server.on_sent(v.size());
  }
  EXPECT_EQ(sent, 0x12345u);
  EXPECT_TRUE(server.finished());
}

TEST(PerfServer, ZeroRequestFinishesAtEof) {
  Server server;
  ASSERT_TRUE(server.on_bytes(Bytes(8)));
  EXPECT_FALSE(server.finished());
  ASSERT_TRUE(server.on_eof());
  EXPECT_TRUE(server.finished());
  EXPECT_TRUE(server.next_send().empty());
}

TEST(PerfServer, Limits) {
  Server server;  // default: 16 GiB
  EXPECT_EQ(server.on_bytes(*from_hex("0000000400000001")).error(), Error::request_too_large);
  EXPECT_EQ(server.on_eof().error(), Error::request_too_large);
  Server at_limit;
  EXPECT_TRUE(at_limit.on_bytes(*from_hex("0000000400000000")));

  Server unlimited(ServerConfig{std::numeric_limits<std::uint64_t>::max()});
  ASSERT_TRUE(unlimited.on_bytes(*from_hex("ffffffffffffffff")));
  ASSERT_TRUE(unlimited.on_eof());
  EXPECT_EQ(unlimited.next_send().size(), kSendChunkBytes);

  Server truncated;
  ASSERT_TRUE(truncated.on_bytes(Bytes(7)));
  EXPECT_EQ(truncated.on_eof().error(), Error::truncated_request);
}

RC_GTEST_PROP(Perf, ClientAndServerAnyChunking, ()) {
  auto upload = *rc::gen::inRange<std::uint64_t>(0, 3 * kSendChunkBytes);
  auto download = *rc::gen::inRange<std::uint64_t>(0, 3 * kSendChunkBytes);
  TimePoint now = kT0;
  Client client(upload, download, kT0);
  Server server;
  while (!client.upload_done()) {
    auto max = *rc::gen::inRange<std::size_t>(1, 2 * kSendChunkBytes);
    ByteView v = client.next_send(max);
    RC_ASSERT(!v.empty());
    RC_ASSERT(v.size() <= max);
    RC_ASSERT(server.on_bytes(v).has_value());
    now += milliseconds(1);
    client.on_sent(v.size(), now);
  }
  TimePoint upload_end = now;
  RC_ASSERT(server.on_eof().has_value());
  RC_ASSERT(server.uploaded() == upload);
  while (!server.finished()) {
    auto max = *rc::gen::inRange<std::size_t>(1, 2 * kSendChunkBytes);
    ByteView v = server.next_send(max);
    RC_ASSERT(!v.empty());
    RC_ASSERT(client.on_bytes(v, now).has_value());
    server.on_sent(v.size());
    now += milliseconds(1);
  }
  auto result = client.on_eof(now);
  RC_ASSERT(result.has_value());
  RC_ASSERT(result->uploaded == upload);
  RC_ASSERT(result->downloaded == download);
  RC_ASSERT(result->upload_time == upload_end - kT0);
  RC_ASSERT(result->download_time == now - upload_end);
}

}  // namespace
}  // namespace meshchat::p2p::perf
