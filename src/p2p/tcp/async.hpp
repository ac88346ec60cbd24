// Small coroutine helpers over Boost.Asio shared by the transports and the host:
// error-code completion tokens, a wake-up signal, and a timeout wrapper.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/result.hpp"
#include "core/time.hpp"
#include "p2p/tcp/error.hpp"

namespace meshchat::p2p {

namespace asio = boost::asio;

// I/O errors are values: completions return (error_code, result...) tuples.
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

inline bool is_operation_aborted(const std::error_code& ec) {
  return ec == std::error_code(boost::system::error_code(asio::error::operation_aborted));
}

// Wakes every coroutine waiting on it. Waiters re-check their condition after waking, so a
// notify with nobody waiting is harmless (one io_context thread: no race between check and wait).
class Signal {
 public:
  explicit Signal(const asio::any_io_executor& executor)
      : timer_(executor, asio::steady_timer::time_point::max()) {}
  void notify() { timer_.cancel(); }
  asio::awaitable<void> wait() { co_await timer_.async_wait(use_nothrow); }

 private:
  asio::steady_timer timer_;
};

// Runs `op` and gives up with tcp::Error::timeout after `timeout`; the loser is cancelled.
template <class T>
asio::awaitable<Result<T>> with_timeout(asio::awaitable<Result<T>> op, Duration timeout) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(timeout);
  auto outcome = co_await (std::move(op) || timer.async_wait(use_nothrow));
  if (outcome.index() == 0) co_return std::get<0>(std::move(outcome));
  co_return fail(tcp::Error::timeout);
}

}  // namespace meshchat::p2p
