// Invite codes: one copy-pasteable token that tells another node who we are (PeerId), where to
// reach us (addresses) and what we call ourselves, signed by our identity key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error_category.hpp"
#include "core/multiaddr.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::invite {

// Token: kInvitePrefix + base32 (lower case, no padding) of the protobuf
//   SignedInvite { bytes invite = 1; bytes signature = 2; }
//   Invite { bytes public_key = 1; repeated bytes addresses = 2; string nickname = 3;
//            uint64 created_ms = 4; }
// public_key is the libp2p PublicKey protobuf; addresses are binary multiaddrs without /p2p/;
// the signature is by that key over kInviteSigningDomain || invite. base32 survives chat apps,
// URLs and case-folding copy-paste (decoding accepts upper case too); it has no spaces.
inline constexpr std::string_view kInvitePrefix = "mc1";
inline constexpr std::string_view kInviteSigningDomain = "meshchat-invite-v1:";
// A node with more addresses lists its first ones: an invite that does not fit in a chat message
// is no invite. Nicknames are short display names.
inline constexpr std::size_t kMaxInviteAddresses = 16;
inline constexpr std::size_t kMaxNicknameBytes = 64;
inline constexpr std::size_t kMaxInviteTokenLength = 4096;

enum class InviteError {
  malformed = 1,  // not an invite token: prefix, encoding or protobuf wrong
  bad_signature,  // the signature does not verify under the invite's key
  too_large,      // above kMaxInviteTokenLength, too many addresses, or a long nickname
};
MESHCHAT_DECLARE_ERROR_CODE(InviteError)

struct Invite {
  crypto::PeerId peer_id;
  std::vector<Multiaddr> addresses;  // without /p2p/
  std::string nickname;
  std::uint64_t created_ms = 0;
};

// Addresses beyond kMaxInviteAddresses are dropped and a nickname is cut at kMaxNicknameBytes
// (on a UTF-8 character boundary); /p2p/ suffixes are removed.
std::string create_invite(const crypto::PrivateKey& key, const std::vector<Multiaddr>& addresses,
                          std::string_view nickname, std::uint64_t created_ms);
Result<Invite> parse_invite(std::string_view token);

// True when `text` looks like an invite token rather than a multiaddr or a name.
bool is_invite_token(std::string_view text);

}  // namespace meshchat::invite

MESHCHAT_REGISTER_ERROR_CODE(meshchat::invite::InviteError)
