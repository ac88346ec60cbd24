// LogFailure: the co_spawn completion for background coroutines (API sessions, chat tasks,
// discovery loops): an exception that escapes one is logged, never rethrown into io_context::run().
#pragma once

#include <exception>

namespace meshchat::api {

struct LogFailure {
  const char* what;  // "<what> failed: <exception text>"
  void operator()(std::exception_ptr failure) const;
};

}  // namespace meshchat::api
