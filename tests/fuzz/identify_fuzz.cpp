// Feeds arbitrary bytes to the identify body decoder and the stream decoder (whole and chunked).
// Aborts on an undocumented error, on results that depend on chunking, or if
// decode(encode(decode(x))) differs from decode(x).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "core/protobuf.hpp"
#include "p2p/identify/decoder.hpp"
#include "p2p/identify/message.hpp"

namespace id = meshchat::p2p::identify;
namespace pb = meshchat::protobuf;
using meshchat::Bytes;
using meshchat::ByteView;
using meshchat::Result;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool documented(const std::error_code& ec) {
  if (ec.category() == id::error_category()) {
    return ec.value() >= static_cast<int>(id::Error::bad_length) &&
           ec.value() <= static_cast<int>(id::Error::too_many_protocols);
  }
  return ec == pb::Error::truncated || ec == pb::Error::bad_varint ||
         ec == pb::Error::bad_wire_type || ec == pb::Error::bad_field_number ||
         ec == pb::Error::wrong_wire_type;
}

void check_round_trip(const id::Identify& m) {
  auto body = id::encode_body(m);
  check(body.has_value());
  auto again = id::decode_body(*body);
  check(again && *again == m);
}

Result<id::Identify> run_stream(ByteView data, std::uint8_t seed) {
  id::Decoder decoder;
  std::uint32_t state = seed + 1u;
  for (std::size_t pos = 0; pos < data.size();) {
    std::size_t n = data.size() - pos;
    if (seed != 0) {  // seed 0: one feed with everything
      state = state * 1103515245u + 12345u;
      n = std::min<std::size_t>(n, 1 + (state >> 16) % 61);
    }
    if (auto r = decoder.feed(data.subspan(pos, n)); !r) {
      check(decoder.finish().error() == r.error());  // errors are sticky
      return meshchat::fail(r.error());
    }
    pos += n;
  }
  return decoder.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint8_t seed = data[0] | 1;  // never 0, so the two runs differ in chunking
  ByteView in(data + 1, size - 1);

  auto body = id::decode_body(in);
  if (body) {
    check_round_trip(*body);
  } else {
    check(documented(body.error()));
  }

  auto whole = run_stream(in, 0);
  auto chunked = run_stream(in, seed);
  check(whole.has_value() == chunked.has_value());
  if (!whole) {
    check(documented(whole.error()));
    check(whole.error() == chunked.error());
    return 0;
  }
  check(*whole == *chunked);
  // A merged stream can exceed one message's size; then only its size may stop re-encoding.
  auto framed = id::encode(*whole);
  if (!framed) {
    check(framed.error() == id::Error::message_too_large);
    return 0;
  }
  auto again = run_stream(*framed, 0);
  check(again && *again == *whole);
  return 0;
}
