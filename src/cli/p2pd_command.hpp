// `meshchat p2pd`: the libp2p daemon (go-libp2p-daemon's p2pd) with Go-style flags, dispatched
// from main() before CLI11 parses anything.
#pragma once

namespace meshchat::cli {

// argv[1] is "p2pd"; the flags follow. Exit codes: 0 after SIGTERM/SIGINT, 1 on a startup
// failure, 2 on a flag error (as Go's flag package), 77 for a configuration not served yet.
int run_p2pd(int argc, char** argv);

}  // namespace meshchat::cli
