// Feeds arbitrary bytes to the p2pd control decoders (Request, Response, StreamInfo, DHTRequest,
// DHTResponse) and to the varint-delimited FrameReader, whole and chunked. Aborts on an undocumented error, on results
// that depend on chunking, or if decode(encode(decode(x))) differs from decode(x).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/protobuf.hpp"
#include "core/varint.hpp"
#include "p2pd/control.hpp"
#include "p2pd/dht_control.hpp"

namespace pd = meshchat::p2pd;
namespace pb = meshchat::protobuf;
using meshchat::Bytes;
using meshchat::ByteView;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool documented_decode(const std::error_code& ec) {
  return ec == pd::Error::unknown_type || ec == pd::Error::too_many_items ||
         ec == pb::Error::truncated || ec == pb::Error::bad_varint ||
         ec == pb::Error::bad_wire_type || ec == pb::Error::bad_field_number ||
         ec == pb::Error::wrong_wire_type;
}

bool documented_frame(const std::error_code& ec) {
  return ec == pd::Error::too_large || ec == meshchat::varint::Error::overflow ||
         ec == meshchat::varint::Error::not_minimal;
}

template <class Decode>
void round_trip(ByteView in, Decode decode) {
  auto first = decode(in);
  if (!first) {
    check(documented_decode(first.error()));
    return;
  }
  auto again = decode(pd::encode(*first));
  check(again.has_value() && *again == *first);
}

struct Frames {
  std::vector<Bytes> bodies;
  std::error_code error;
  Bytes rest;
};

Frames split(ByteView data, std::uint8_t seed) {
  pd::FrameReader reader;
  Frames out;
  std::uint32_t state = seed + 1u;
  for (std::size_t pos = 0; pos < data.size();) {
    std::size_t n = data.size() - pos;
    if (seed != 0) {  // seed 0: one feed with everything
      state = state * 1103515245u + 12345u;
      n = std::min<std::size_t>(n, 1 + (state >> 16) % 61);
    }
    auto fed = reader.feed(data.subspan(pos, n));
    pos += n;
    for (;;) {
      meshchat::Result<std::optional<Bytes>> next = meshchat::fail(std::error_code());
      if (fed) {
        next = reader.next();
      } else {
        next = meshchat::fail(fed.error());
      }
      if (!next) {
        out.error = next.error();
        check(reader.feed(data.first(0)).error() == out.error);  // sticky
        return out;
      }
      if (!*next) break;
      out.bodies.push_back(std::move(**next));
    }
  }
  out.rest = reader.take_remaining();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint8_t seed = data[0] | 1;  // never 0, so the two runs differ in chunking
  ByteView in(data + 1, size - 1);

  round_trip(in, pd::decode_request);
  round_trip(in, pd::decode_response);
  round_trip(in, pd::decode_stream_info);
  round_trip(in, pd::decode_dht_request);
  round_trip(in, pd::decode_dht_response);

  auto whole = split(in, 0);
  auto chunked = split(in, seed);
  if (whole.error) check(documented_frame(whole.error));
  // With an error the chunked run may stop at an earlier feed; bodies before it must agree.
  check(whole.error == chunked.error);
  check(whole.bodies == chunked.bodies);
  if (!whole.error) check(whole.rest == chunked.rest);
  for (const auto& body : whole.bodies) round_trip(body, pd::decode_request);
  return 0;
}
