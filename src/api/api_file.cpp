#include "api/api_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "api/error.hpp"
#include "core/bytes.hpp"

namespace meshchat::api {

namespace {

// api.json holds a port, a token and a pid: far below this. A bigger file is not ours.
constexpr std::size_t kMaxApiFileBytes = 4096;
constexpr std::size_t kTokenBytes = 32;

std::error_code last_error() {
  return {errno, std::generic_category()};
}

// Closes the descriptor on every path.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error that a deferred close would lose.
  Result<void> close() {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return fail(last_error());
    return {};
  }

 private:
  int fd_;
};

Result<void> write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(last_error());
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> write_new_file(const std::string& path, std::string_view text) {
  FileDescriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return fail(last_error());
  if (auto written = write_all(fd.get(), text); !written) return written;
  if (::fsync(fd.get()) != 0) return fail(last_error());
  return fd.close();
}

}  // namespace

Result<void> write_api_file(const std::filesystem::path& home, const ApiEndpoint& endpoint) {
  nlohmann::json content = {
      {"port", endpoint.port}, {"token", endpoint.token}, {"pid", static_cast<long>(::getpid())}};
  std::string text = content.dump() + "\n";
  // The pid makes the name unique per daemon; a leftover from a crashed run is replaced.
  std::string temporary =
      (home / (std::string(".") + kApiFileName + "." + std::to_string(::getpid()) + ".tmp"))
          .string();
  ::unlink(temporary.c_str());
  if (auto written = write_new_file(temporary, text); !written) {
    ::unlink(temporary.c_str());
    return written;
  }
  std::string final_path = (home / kApiFileName).string();
  if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
    auto error = last_error();
    ::unlink(temporary.c_str());
    return fail(error);
  }
  return {};
}

Result<ApiEndpoint> read_api_file(const std::filesystem::path& home) {
  std::string path = (home / kApiFileName).string();
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return fail(ApiError::not_running);
    return fail(last_error());
  }
  std::string text;
  std::array<char, 1024> chunk;
  for (;;) {
    ssize_t n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(last_error());
    }
    if (n == 0) break;
    text.append(chunk.data(), static_cast<std::size_t>(n));
    if (text.size() > kMaxApiFileBytes) return fail(ApiError::bad_api_file);
  }
  auto content = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!content.is_object()) return fail(ApiError::bad_api_file);  // also when not JSON at all
  auto port = content.find("port");
  auto token = content.find("token");
  if (port == content.end() || !port->is_number_unsigned() || token == content.end() ||
      !token->is_string()) {
    return fail(ApiError::bad_api_file);
  }
  auto port_number = port->get<std::uint64_t>();
  if (port_number == 0 || port_number > 65535) return fail(ApiError::bad_api_file);
  ApiEndpoint endpoint{static_cast<std::uint16_t>(port_number), token->get<std::string>()};
  if (endpoint.token.empty()) return fail(ApiError::bad_api_file);
  return endpoint;
}

void remove_api_file(const std::filesystem::path& home) {
  std::error_code ignored;
  std::filesystem::remove(home / kApiFileName, ignored);
}

std::string generate_token() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  std::array<std::uint8_t, kTokenBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  return to_hex(bytes);
}

}  // namespace meshchat::api
