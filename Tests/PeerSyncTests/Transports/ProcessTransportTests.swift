import PeerSync
import Testing

/// How an ssh:// URL becomes the command that reaches `koers serve --stdio` on the other host.
@Suite struct ProcessTransportTests {
    static func command(_ url: String, _ environment: [String: String] = [:]) throws -> String {
        try ProcessTransport.sshCommand(for: url, environment: environment)
    }

    @Test func userHostPortAndPath() throws {
        #expect(try Self.command("ssh://koers@replicas.example.org:2222/srv/koers/enschede")
            == #"ssh -p 2222 koers@replicas.example.org 'koers serve --stdio --store '\''/srv/koers/enschede'\'''"#)
    }

    @Test func hostAndPathOnly() throws {
        #expect(try Self.command("ssh://backup-1.local/data") == #"ssh backup-1.local 'koers serve --stdio --store '\''/data'\'''"#)
        #expect(try Self.command("ssh://10.0.0.7/") == #"ssh 10.0.0.7 'koers serve --stdio --store '\''/'\'''"#)
    }

    /// ssh hands its command words, joined by spaces, to the remote shell: the path is quoted for that shell, and
    /// the whole remote command once more for the local one, so odd paths survive both.
    @Test func aPathWithSpacesAndQuotesIsQuotedForBothShells() throws {
        #expect(try Self.command("ssh://host/home/it's mine; rm -rf ~")
            == #"ssh host 'koers serve --stdio --store '\''/home/it'\''\'\'''\''s mine; rm -rf ~'\'''"#)
    }

    @Test func overridesForSSHAndTheRemoteProgram() throws {
        let environment = ["KOERS_SSH": "ssh -i ~/.ssh/koers -o BatchMode=yes", "KOERS_REMOTE_KOERS": "/opt/koers/bin/koers"]
        #expect(try Self.command("ssh://me@host:22/r", environment)
            == #"ssh -i ~/.ssh/koers -o BatchMode=yes -p 22 me@host '/opt/koers/bin/koers serve --stdio --store '\''/r'\'''"#)
        #expect(try Self.command("ssh://host/r", ["KOERS_SSH": "/usr/local/bin/fake-ssh"]).hasPrefix("/usr/local/bin/fake-ssh host 'koers serve"))
    }

    static let refused: [(url: String, problem: String)] = [
        ("ssh://host:0/r", "has a bad port"),
        ("ssh://host:65536/r", "has a bad port"),
        ("ssh://host:ssh/r", "has a bad port"),
        ("ssh://host:/r", "has a bad port"),
        ("ssh://host:-1/r", "has a bad port"),
        ("ssh://host", "names no path: use ssh://[user@]host[:port]/path"),
        ("ssh://me@host:2222", "names no path"),
        ("ssh:///srv/koers", "has a bad host"),
        ("ssh://:22/srv/koers", "has a bad host"),
        ("ssh://ho st/r", "has a bad host"),
        ("ssh://host;reboot/r", "has a bad host"),
        ("ssh://$(id)/r", "has a bad host"),
        ("ssh://-oProxyCommand/r", "has a bad host"),
        ("ssh://-Epwned/r", "has a bad host"),
        ("http://host/r", "is not an ssh:// URL"),
        ("/srv/koers", "is not an ssh:// URL"),
    ]

    @Test(arguments: refused.indices)
    func badURLsAreRefusedNamingTheProblem(_ index: Int) {
        let (url, problem) = Self.refused[index]
        #expect {
            try Self.command(url)
        } throws: { error in
            guard case PeerSyncError.transport(let message) = error else { return false }
            return message.hasPrefix("'\(url)' ") && message.contains(problem)
        }
    }
}
