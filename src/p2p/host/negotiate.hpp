// multistream-select over any ByteStream: the dialer proposes, the listener accepts or says `na`.
// Read-ahead past the final message is pushed back into the stream for the next protocol.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "p2p/host/byte_stream.hpp"

namespace meshchat::p2p {

asio::awaitable<Result<std::string>> negotiate_outbound(ByteStream& stream,
                                                        std::vector<std::string> protocols);

asio::awaitable<Result<std::string>> negotiate_inbound(
    ByteStream& stream, std::function<bool(std::string_view)> supports);

}  // namespace meshchat::p2p
