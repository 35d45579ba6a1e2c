import EventLog

/// Computes the programme's state from a replica's events at a cut: the one place where events become views.
public enum ProgrammeHistory {
    /// The events of the cut's set, sorted in the log's total order.
    public static func events(of replica: Replica, cut: Cut) throws -> [Event] {
        var events = try replica.allEvents().filter(cut.holds)
        if let upto = cut.upto {
            for event in events {
                for entry in event.clock.entries where entry.seq > upto[entry.origin] {
                    throw OpenFrontierError(event: "\(event.origin):\(event.seq)", cause: "\(entry.origin):\(entry.seq)")
                }
            }
        }
        events.sort(by: Event.precedesInLogOrder)
        return events
    }

    /// Folds sorted events into a state, keeping only those in effect at the cut's date.
    public static func state(of events: [Event], cut: Cut) -> ProgrammeState {
        var state = ProgrammeState()
        for event in events where cut.inEffect(event) {
            state.apply(event)
        }
        return state
    }

    /// The state of a replica at a cut.
    public static func state(of replica: Replica, cut: Cut = Cut()) throws -> ProgrammeState {
        state(of: try events(of: replica, cut: cut), cut: cut)
    }
}
