// Feeds arbitrary bytes to the /plaintext/2.0.0 Exchange decoder and to the Handshake, whole
// and chunked. Aborts on an undocumented error, on results that depend on chunking, or if a
// decoded Exchange does not survive encode → decode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/protobuf.hpp"
#include "core/varint.hpp"
#include "crypto/error.hpp"
#include "p2p/plaintext/handshake.hpp"

namespace pt = meshchat::p2p::plaintext;
namespace pb = meshchat::protobuf;
namespace crypto = meshchat::crypto;
using meshchat::ByteView;
using meshchat::Result;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool documented(const std::error_code& ec) {
  if (ec.category() == pt::error_category()) return true;  // every plaintext::Error
  return ec == pb::Error::truncated || ec == pb::Error::bad_varint ||
         ec == pb::Error::bad_wire_type || ec == pb::Error::bad_field_number ||
         ec == pb::Error::wrong_wire_type || ec == crypto::Error::bad_peer_id ||
         ec == crypto::Error::unsupported_key_type || ec == crypto::Error::bad_key ||
         ec == crypto::Error::bad_key_protobuf || ec == crypto::Error::peer_id_mismatch ||
         ec == meshchat::varint::Error::overflow || ec == meshchat::varint::Error::not_minimal;
}

const crypto::PrivateKey& identity() {
  static const crypto::PrivateKey key = [] {
    std::array<std::uint8_t, 32> seed{};
    return crypto::PrivateKey::ed25519_from_seed(seed);
  }();
  return key;
}

Result<pt::HandshakeResult> run(ByteView data, std::uint8_t seed) {
  pt::Handshake handshake(identity(), std::nullopt);
  check(!handshake.take_output().empty());
  std::uint32_t state = seed + 1u;
  for (std::size_t pos = 0; pos < data.size();) {
    std::size_t n = data.size() - pos;
    if (seed != 0) {
      state = state * 1103515245u + 12345u;
      n = std::min<std::size_t>(n, 1 + (state >> 16) % 61);
    }
    if (auto r = handshake.feed(data.subspan(pos, n)); !r) {
      check(handshake.done());
      check(handshake.finish().error() == r.error());
      return meshchat::fail(r.error());
    }
    pos += n;
  }
  return handshake.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint8_t seed = data[0] | 1;
  ByteView in(data + 1, size - 1);

  auto exchange = pt::decode_exchange(in);
  if (exchange) {
    auto again = pt::decode_exchange(pt::encode_exchange(exchange->key));
    check(again && again->id == exchange->id && again->key == exchange->key);
  } else {
    check(documented(exchange.error()));
  }

  auto whole = run(in, 0);
  auto chunked = run(in, seed);
  check(whole.has_value() == chunked.has_value());
  if (!whole) {
    check(documented(whole.error()));
    check(whole.error() == chunked.error());
  } else {
    check(whole->remote_peer == chunked->remote_peer);
    check(whole->leftover == chunked->leftover);
  }
  return 0;
}
