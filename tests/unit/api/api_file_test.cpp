// api.json: written atomically with mode 0600, read back, missing → not_running, malformed →
// bad_api_file; and the token generator.
#include "api/api_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "api/error.hpp"
#include "temp_home.hpp"

namespace meshchat::api {
namespace {

using testing::TempHome;

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ApiFile, WritesMode0600AndReadsBack) {
  TempHome home;
  // Even a permissive umask must not widen the file's mode.
  mode_t previous = ::umask(0);
  auto written = write_api_file(home.path(), ApiEndpoint{43210, "abc123"});
  ::umask(previous);
  ASSERT_TRUE(written) << written.error().message();

  struct stat info {};
  ASSERT_EQ(::stat((home.path() / "api.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);

  auto content = nlohmann::json::parse(read_text(home.path() / "api.json"));
  EXPECT_EQ(content["port"], 43210);
  EXPECT_EQ(content["token"], "abc123");
  EXPECT_EQ(content["pid"], ::getpid());

  auto endpoint = read_api_file(home.path());
  ASSERT_TRUE(endpoint) << endpoint.error().message();
  EXPECT_EQ(endpoint->port, 43210);
  EXPECT_EQ(endpoint->token, "abc123");

  // No temporary file is left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(home.path())) {
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(ApiFile, ReplacesExistingFile) {
  TempHome home;
  ASSERT_TRUE(write_api_file(home.path(), ApiEndpoint{1000, "old"}));
  ASSERT_TRUE(write_api_file(home.path(), ApiEndpoint{2000, "new"}));
  auto endpoint = read_api_file(home.path());
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->port, 2000);
  EXPECT_EQ(endpoint->token, "new");
}

TEST(ApiFile, MissingMeansNotRunning) {
  TempHome home;
  auto endpoint = read_api_file(home.path());
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error(), ApiError::not_running);
  EXPECT_EQ(endpoint.error().message(), "the meshchat daemon is not running");
  EXPECT_STREQ(endpoint.error().category().name(), "api");
}

TEST(ApiFile, RemoveMakesItNotRunning) {
  TempHome home;
  ASSERT_TRUE(write_api_file(home.path(), ApiEndpoint{1000, "t"}));
  remove_api_file(home.path());
  EXPECT_EQ(read_api_file(home.path()).error(), ApiError::not_running);
  remove_api_file(home.path());  // a second removal is harmless
}

TEST(ApiFile, MalformedContent) {
  TempHome home;
  for (const std::string& text :
       {std::string(""), std::string("not json"), std::string("[1,2]"),
        std::string(R"({"token":"t"})"), std::string(R"({"port":80})"),
        std::string(R"({"port":0,"token":"t"})"), std::string(R"({"port":65536,"token":"t"})"),
        std::string(R"({"port":-1,"token":"t"})"), std::string(R"({"port":"80","token":"t"})"),
        std::string(R"({"port":80,"token":""})"), std::string(R"({"port":80,"token":5})"),
        std::string(R"({"port":80.5,"token":"t"})"),
        R"({"port":80,"token":")" + std::string(5000, 'x') + "\"}"}) {
    write_text(home.path() / "api.json", text);
    auto endpoint = read_api_file(home.path());
    ASSERT_FALSE(endpoint) << text;
    EXPECT_EQ(endpoint.error(), ApiError::bad_api_file) << text;
  }
}

TEST(ApiFile, MissingHomeIsAnIoError) {
  auto written = write_api_file("/nonexistent-meshchat-home/x", ApiEndpoint{1, "t"});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), std::errc::no_such_file_or_directory);
}

TEST(GenerateToken, SixtyFourHexDigitsEachTimeDifferent) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto token = generate_token();
    EXPECT_EQ(token.size(), 64u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 20u);
}

}  // namespace
}  // namespace meshchat::api
