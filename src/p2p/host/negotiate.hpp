// multistream-select over any ByteStream: the dialer proposes, the listener accepts or says `na`.
// Read-ahead past the final message is pushed back into the stream for the next protocol.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "p2p/host/byte_stream.hpp"
#include "p2p/multistream/dialer.hpp"

namespace meshchat::p2p {

asio::awaitable<Result<std::string>> negotiate_outbound(ByteStream& stream,
                                                        std::vector<std::string> protocols);

asio::awaitable<Result<std::string>> negotiate_inbound(
    ByteStream& stream, std::function<bool(std::string_view)> supports);

// Lazy selection of a single protocol (multistream Mode::lazy): the proposal is written at once
// and data may follow it without waiting, saving a round trip. The listener's header and echo
// are checked later, by finish_lazy_negotiation() before the first read; a refusal surfaces
// there as multistream::Error::protocol_not_supported.
asio::awaitable<Result<void>> start_lazy_negotiation(ByteStream& stream,
                                                     multistream::Dialer& dialer);
asio::awaitable<Result<void>> finish_lazy_negotiation(ByteStream& stream,
                                                      multistream::Dialer& dialer);

}  // namespace meshchat::p2p
