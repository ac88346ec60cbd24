#include "node/identity.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "node/home.hpp"

namespace meshchat::node {

namespace {

const char* describe(IdentityError e) {
  switch (e) {
    case IdentityError::already_exists:
      return "an identity already exists in this home";
    case IdentityError::missing:
      return "no identity in this home (run `meshchat init`)";
    case IdentityError::corrupt:
      return "identity files are corrupt";
    case IdentityError::io_failed:
      return "could not read or write the identity files";
  }
  return "unknown identity error";
}

// Profile files are a few hundred bytes; a huge one is not ours.
constexpr std::uintmax_t kMaxProfileBytes = 64 * 1024;
constexpr std::uintmax_t kMaxKeyFileBytes = crypto::kMaxKeyProtobufBytes;

// Writes a file with mode 0600 atomically: temp file, fsync, rename.
Result<void> write_private_file(const std::filesystem::path& path, ByteView data) {
  auto temp = path;
  temp += ".tmp";
  ::unlink(temp.c_str());  // a leftover may carry wider permissions
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(IdentityError::io_failed);
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      return fail(IdentityError::io_failed);
    }
    done += static_cast<std::size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return fail(IdentityError::io_failed);
  }
  return {};
}

Result<Bytes> read_file(const std::filesystem::path& path, std::uintmax_t limit) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail(IdentityError::io_failed);
  if (size > limit) return fail(IdentityError::corrupt);
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(IdentityError::io_failed);
  Bytes data(size);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size));
  if (!in) return fail(IdentityError::io_failed);
  return data;
}

}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(IdentityError, "identity", describe)

Result<Identity> create_identity(const std::filesystem::path& home, const std::string& nickname) {
  if (auto ok = ensure_home(home); !ok) return fail(ok.error());
  auto key_path = home / kKeyFileName;
  std::error_code ec;
  if (std::filesystem::exists(key_path, ec)) return fail(IdentityError::already_exists);
  auto key = crypto::PrivateKey::generate_ed25519();
  nlohmann::json profile = {{"nickname", nickname}};
  std::string profile_text = profile.dump(2) + "\n";
  if (auto ok = write_private_file(home / kProfileFileName, as_bytes(profile_text)); !ok) {
    return fail(ok.error());
  }
  // link() fails if the key appeared meanwhile, so an existing identity is never replaced,
  // even by a concurrent init.
  auto temp = key_path;
  temp += ".new";
  if (auto ok = write_private_file(temp, key.to_protobuf()); !ok) return fail(ok.error());
  if (::link(temp.c_str(), key_path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return fail(errno == EEXIST ? make_error_code(IdentityError::already_exists)
                                : make_error_code(IdentityError::io_failed));
  }
  ::unlink(temp.c_str());
  auto peer_id = crypto::PeerId::from_public_key(key.public_key());
  return Identity{std::move(key), std::move(peer_id), nickname};
}

Result<Identity> load_identity(const std::filesystem::path& home) {
  auto key_path = home / kKeyFileName;
  std::error_code ec;
  if (!std::filesystem::exists(key_path, ec)) return fail(IdentityError::missing);
  auto key_bytes = read_file(key_path, kMaxKeyFileBytes);
  if (!key_bytes) return fail(key_bytes.error());
  auto key = crypto::PrivateKey::from_protobuf(*key_bytes);
  if (!key) return fail(IdentityError::corrupt);
  std::string nickname;
  if (std::filesystem::exists(home / kProfileFileName, ec)) {
    auto profile = read_file(home / kProfileFileName, kMaxProfileBytes);
    if (!profile) return fail(profile.error());
    auto json = nlohmann::json::parse(profile->begin(), profile->end(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return fail(IdentityError::corrupt);
    if (auto it = json.find("nickname"); it != json.end() && it->is_string()) {
      nickname = it->get<std::string>();
    }
  }
  auto peer_id = crypto::PeerId::from_public_key(key->public_key());
  return Identity{std::move(*key), std::move(peer_id), std::move(nickname)};
}

}  // namespace meshchat::node
