#include "node/invite.hpp"

#include <algorithm>
#include <cctype>

#include "core/base32.hpp"
#include "core/protobuf.hpp"

namespace meshchat::invite {

namespace {

const char* describe(InviteError e) {
  switch (e) {
    case InviteError::malformed:
      return "not a meshchat invite code";
    case InviteError::bad_signature:
      return "invite code signature does not verify";
    case InviteError::too_large:
      return "invite code too large";
  }
  return "unknown invite error";
}

namespace field {
constexpr std::uint32_t kInvite = 1;
constexpr std::uint32_t kSignature = 2;
constexpr std::uint32_t kPublicKey = 1;
constexpr std::uint32_t kAddresses = 2;
constexpr std::uint32_t kNickname = 3;
constexpr std::uint32_t kCreated = 4;
}  // namespace field

Bytes signed_message(ByteView invite) {
  Bytes message(kInviteSigningDomain.begin(), kInviteSigningDomain.end());
  message.insert(message.end(), invite.begin(), invite.end());
  return message;
}

// The longest prefix of `text` of at most `limit` bytes that does not split a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

struct SignedBody {
  Invite invite;
  crypto::PublicKey key;
};

Result<SignedBody> parse_invite_body(ByteView body) {
  std::optional<crypto::PublicKey> key;
  std::vector<Multiaddr> addresses;
  std::string nickname;
  std::uint64_t created_ms = 0;
  protobuf::Reader reader(body);
  while (true) {
    auto next = reader.next();
    if (!next) return fail(InviteError::malformed);
    if (!*next) break;
    const auto& f = **next;
    if (f.number == field::kCreated) {
      if (f.type != protobuf::WireType::varint) return fail(InviteError::malformed);
      created_ms = f.varint;
      continue;
    }
    if (f.type != protobuf::WireType::length_delimited) return fail(InviteError::malformed);
    switch (f.number) {
      case field::kPublicKey: {
        auto parsed = crypto::PublicKey::from_protobuf(f.bytes);
        if (!parsed) return fail(InviteError::malformed);
        key = std::move(*parsed);
        break;
      }
      case field::kAddresses: {
        if (addresses.size() == kMaxInviteAddresses) return fail(InviteError::too_large);
        auto address = Multiaddr::from_bytes(f.bytes);
        if (!address) return fail(InviteError::malformed);
        addresses.push_back(std::move(*address));
        break;
      }
      case field::kNickname:
        if (f.bytes.size() > kMaxNicknameBytes) return fail(InviteError::too_large);
        nickname.assign(as_string(f.bytes));
        break;
      default:
        break;  // fields added later are covered by the signature; old readers skip them
    }
  }
  if (!key) return fail(InviteError::malformed);
  Invite invite{crypto::PeerId::from_public_key(*key), std::move(addresses), std::move(nickname),
                created_ms};
  return SignedBody{std::move(invite), std::move(*key)};
}

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(InviteError, "invite", describe)

std::string create_invite(const crypto::PrivateKey& key, const std::vector<Multiaddr>& addresses,
                          std::string_view nickname, std::uint64_t created_ms) {
  protobuf::Writer invite;
  invite.bytes_field(field::kPublicKey, key.public_key().to_protobuf());
  std::size_t count = 0;
  for (const auto& address : addresses) {
    if (count++ == kMaxInviteAddresses) break;
    invite.bytes_field(field::kAddresses, address.without_peer_id().bytes());
  }
  if (!nickname.empty()) {
    invite.string_field(field::kNickname, utf8_prefix(nickname, kMaxNicknameBytes));
  }
  invite.varint_field(field::kCreated, created_ms);
  auto body = invite.take();
  protobuf::Writer envelope;
  envelope.bytes_field(field::kSignature - 1, body);
  envelope.bytes_field(field::kSignature, key.sign(signed_message(body)));
  return std::string(kInvitePrefix) + base32::encode(envelope.bytes());
}

bool is_invite_token(std::string_view text) {
  if (text.size() <= kInvitePrefix.size()) return false;
  auto prefix = text.substr(0, kInvitePrefix.size());
  return std::equal(
      prefix.begin(), prefix.end(), kInvitePrefix.begin(), kInvitePrefix.end(),
      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

Result<Invite> parse_invite(std::string_view token) {
  if (token.size() > kMaxInviteTokenLength) return fail(InviteError::too_large);
  if (!is_invite_token(token)) return fail(InviteError::malformed);
  std::string text(token.substr(kInvitePrefix.size()));
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto decoded = base32::decode(text);
  if (!decoded) return fail(InviteError::malformed);

  std::optional<ByteView> body;
  std::optional<ByteView> signature;
  protobuf::Reader reader(*decoded);
  while (true) {
    auto next = reader.next();
    if (!next) return fail(InviteError::malformed);
    if (!*next) break;
    const auto& f = **next;
    if (f.type != protobuf::WireType::length_delimited) return fail(InviteError::malformed);
    if (f.number == field::kInvite)
      body = f.bytes;
    else if (f.number == field::kSignature)
      signature = f.bytes;
    else
      return fail(InviteError::malformed);
  }
  if (!body || !signature) return fail(InviteError::malformed);
  auto parsed = parse_invite_body(*body);
  if (!parsed) return fail(parsed.error());
  if (!parsed->key.verify(signed_message(*body), *signature)) {
    return fail(InviteError::bad_signature);
  }
  return std::move(parsed->invite);
}

}  // namespace meshchat::invite
