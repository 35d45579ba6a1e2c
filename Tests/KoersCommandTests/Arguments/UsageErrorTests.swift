import Testing

import KoersCommand

@Suite struct UsageErrorTests {
    @Test(arguments: [
        (UsageError.unknownOption("--bogus"), "unknown option '--bogus'"),
        (.missingValue(option: "--store"), "option '--store' needs a value"),
        (.unexpectedValue(option: "--json", value: "yes"), "option '--json' takes no value, got 'yes'"),
        (.missingOption("--replica"), "missing required option '--replica'"),
        (
            .invalidOptionName("--Amount"),
            "invalid option name '--Amount': use lowercase letters, digits and '-', starting with a letter"
        ),
        (.missingArgument("DIR"), "missing argument DIR"),
        (.unexpectedArgument("extra"), "unexpected argument 'extra'"),
        (.unknownCommand("frobnicate"), "unknown command 'frobnicate'"),
        (.invalidValue(option: "--amount", value: "1.234", reason: "too precise"), "invalid value '1.234' for '--amount': too precise"),
    ])
    func message(error: UsageError, expected: String) {
        #expect(error.message == expected)
        #expect(error.message.first?.isLowercase == true)
    }

    @Test func exitStatusIsExUsage() {
        #expect(UsageError.exitStatus == 64)
    }
}
