// Serialization of an api::Response into a Beast HTTP response: JSON body, Content-Type,
// no-store caching, and the handler's extra headers when they are safe to send.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/router.hpp"

namespace meshchat::api {

// A status outside 100..599 is a handler bug and becomes 500.
boost::beast::http::response<boost::beast::http::string_body> to_http(const Response& response,
                                                                      unsigned version,
                                                                      bool keep_alive);

}  // namespace meshchat::api
