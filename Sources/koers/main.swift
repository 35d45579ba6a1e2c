import KoersCommand

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

exit(KoersCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
