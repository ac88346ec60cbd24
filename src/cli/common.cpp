#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/command.hpp"

namespace meshchat::cli {

int report_error(const std::string& context, const std::error_code& error) {
  std::cerr << "error: " << context << ": " << error.message() << std::endl;
  return kExitFailure;
}

int report_error(const std::string& message) {
  std::cerr << "error: " << message << std::endl;
  return kExitFailure;
}

void configure_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("meshchat");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace meshchat::cli
