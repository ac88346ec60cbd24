#include "api/log_failure.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace meshchat::api {

void LogFailure::operator()(std::exception_ptr failure) const {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", what, e.what());
  } catch (...) {
    spdlog::error("{} failed with a non-standard exception", what);
  }
}

}  // namespace meshchat::api
