#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread of its own for one piece of work, rather than a shared pool that may be busy: the readers
/// and parsers that run beside the main thread. Plain POSIX threads, so that koers needs no Foundation.
public enum DetachedThread {
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body` on a new thread; waiting for it is the caller's business (a semaphore, a group).
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, nil, { raw in
            #if canImport(Glibc)
            let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
            #else
            let work = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
            #endif
            work.body()
            return nil
        }, work)
        // Without a thread, nothing can go on: the callers wait for work that would never be done.
        precondition(result == 0, "cannot start a thread: \(String(cString: strerror(result)))")
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        pthread_detach(thread!)
        #endif
    }
}
