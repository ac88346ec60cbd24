#include "core/multihash.hpp"

#include "core/varint.hpp"

namespace meshchat {

namespace multihash {
namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::truncated:
      return "multihash truncated";
    case Error::bad_varint:
      return "multihash varint malformed";
    case Error::digest_too_long:
      return "multihash digest too long";
    case Error::trailing_bytes:
      return "bytes after the multihash";
    case Error::wrong_length:
      return "multihash digest length wrong for its hash function";
  }
  return "unknown multihash error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "multihash", describe)
}  // namespace multihash

namespace {

using multihash::Error;

Result<varint::Decoded> read_varint(ByteView in) {
  auto v = varint::decode(in);
  if (!v) {
    return fail(v.error() == varint::Error::truncated ? Error::truncated : Error::bad_varint);
  }
  return v;
}

Result<void> check_digest_length(std::uint64_t code, std::uint64_t length) {
  if (length > multihash::kMaxDigestSize) return fail(Error::digest_too_long);
  if (code == multihash::kSha2_256 && length != multihash::kSha2_256Size) {
    return fail(Error::wrong_length);
  }
  return {};
}

}  // namespace

Result<Multihash> Multihash::from_bytes(ByteView bytes) {
  auto code = read_varint(bytes);
  if (!code) return fail(code.error());
  auto length = read_varint(bytes.subspan(code->size));
  if (!length) return fail(length.error());
  if (auto ok = check_digest_length(code->value, length->value); !ok) return fail(ok.error());
  std::size_t offset = code->size + length->size;
  std::size_t available = bytes.size() - offset;
  if (length->value > available) return fail(Error::truncated);
  if (length->value < available) return fail(Error::trailing_bytes);
  return Multihash(code->value, offset, Bytes(bytes.begin(), bytes.end()));
}

Result<Multihash> Multihash::create(std::uint64_t code, ByteView digest) {
  // multiformats varints carry 63 bits.
  if (code >> 63 != 0) return fail(Error::bad_varint);
  if (auto ok = check_digest_length(code, digest.size()); !ok) return fail(ok.error());
  Bytes bytes;
  varint::encode(code, bytes);
  varint::encode(digest.size(), bytes);
  std::size_t offset = bytes.size();
  append(bytes, digest);
  return Multihash(code, offset, std::move(bytes));
}

Result<Multihash> Multihash::identity(ByteView data) {
  return create(multihash::kIdentity, data);
}

Multihash Multihash::sha2_256(std::span<const std::uint8_t, multihash::kSha2_256Size> digest) {
  return *create(multihash::kSha2_256, digest);
}

}  // namespace meshchat
