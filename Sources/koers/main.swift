import KoersCommand

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// A peer that hangs up must surface as an error from write(2), not kill the process.
signal(SIGPIPE, SIG_IGN)
exit(KoersCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
