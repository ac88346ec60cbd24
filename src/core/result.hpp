// Result<T>: the return type at module boundaries, a value or a std::error_code.
// tl::expected stands in for std::expected, which GCC 12 lacks.
#pragma once

#include <system_error>

#include <tl/expected.hpp>

namespace meshchat {

template <class T>
using Result = tl::expected<T, std::error_code>;

// Shorthand for returning an error: `return fail(Error::too_large);`
template <class E>
tl::unexpected<std::error_code> fail(E e) {
  return tl::unexpected<std::error_code>(std::error_code(e));
}

inline tl::unexpected<std::error_code> fail(std::error_code ec) {
  return tl::unexpected<std::error_code>(ec);
}

}  // namespace meshchat
