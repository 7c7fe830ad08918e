// The flags of the chat commands (ask, chat, eval, app) read from the command line into
// session/chat_session.h's SessionFlags, and their help lines. Not what they mean (the session).
#pragma once
#include "cli/cli_args.h"
#include "session/chat_session.h"

namespace tunedeck {

// The help lines of those flags, for the commands' usage texts.
extern const char kSessionFlagsUsage[];

// Reads (consumes) the flags. Throws UsageError for a malformed number.
SessionFlags session_flags_read(CliArgs& args);

}  // namespace tunedeck
