// The node's identity on disk: the Ed25519 private key (libp2p PrivateKey protobuf, mode 0600)
// and the profile (nickname) in JSON. Creating one never overwrites an existing identity.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/error_category.hpp"
#include "core/result.hpp"
#include "crypto/keys.hpp"
#include "crypto/peer_id.hpp"

namespace meshchat::node {

enum class IdentityError {
  already_exists = 1,  // init on a home that has an identity
  missing,             // no identity in this home yet
  corrupt,             // the key or profile file cannot be parsed
  io_failed,           // reading or writing the files failed
};
MESHCHAT_DECLARE_ERROR_CODE(IdentityError)

struct Identity {
  crypto::PrivateKey key;
  crypto::PeerId peer_id;
  std::string nickname;
};

inline constexpr const char* kKeyFileName = "identity.key";
inline constexpr const char* kProfileFileName = "profile.json";

Result<Identity> create_identity(const std::filesystem::path& home, const std::string& nickname);
Result<Identity> load_identity(const std::filesystem::path& home);

}  // namespace meshchat::node

MESHCHAT_REGISTER_ERROR_CODE(meshchat::node::IdentityError)
