// One HTTP/1.1 connection of the API server: reads requests (keep-alive), checks access,
// dispatches to the Router and writes JSON responses (header only for HEAD), or hands an upgrade
// to the event stream.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>

#include "api/server_state.hpp"

namespace meshchat::api::detail {

class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerState> server, boost::asio::ip::tcp::socket socket);

  // Serves requests until the client closes, a timeout, an error, or stop().
  static boost::asio::awaitable<void> run(std::shared_ptr<HttpSession> self);
  void stop() override;

 private:
  enum class Next { keep_alive, close };
  boost::asio::awaitable<Next> serve_one();
  // Sends `response` with Connection: close, then closes without resetting the connection.
  boost::asio::awaitable<void> refuse(Response response, unsigned version);
  boost::asio::awaitable<void> linger_close();
  // Writes a response; to a HEAD request, only its header.
  boost::asio::awaitable<boost::system::error_code> write(
      boost::beast::http::response<boost::beast::http::string_body> out);

  std::shared_ptr<ServerState> server_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool stopped_ = false;
  bool upgraded_ = false;  // stream_ moved to an event stream session
  bool head_ = false;      // the request being answered is a HEAD
};

}  // namespace meshchat::api::detail
