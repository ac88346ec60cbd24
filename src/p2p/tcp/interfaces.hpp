// Expands wildcard listen addresses (0.0.0.0, ::) into this machine's interface addresses,
// which is what peers can actually dial and what identify advertises.
#pragma once

#include <vector>

#include "core/multiaddr.hpp"

namespace meshchat::p2p::tcp {

// `address` itself unless its IP is unspecified; then one address per up interface of the same
// family (loopback included), with the same port.
std::vector<Multiaddr> expand_wildcard(const Multiaddr& address);

}  // namespace meshchat::p2p::tcp
