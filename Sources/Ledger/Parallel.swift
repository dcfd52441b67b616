import Foundation

/// Work spread over threads: items handed out in turn (no thread idles while another
/// still has a long queue), results returned in item order (so output is stable).
package enum Parallel {
    /// `body(worker, item)` for every item in `0..<count`, on `workers` threads; a
    /// worker number lets each thread use state of its own (a repository handle). The
    /// first error thrown is rethrown after all threads finish.
    package static func map<Value>(
        count: Int, workers: Int, _ body: @Sendable (_ worker: Int, _ item: Int) throws -> Value
    ) throws -> [Value] {
        let box = Box<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { worker in
            while let item = box.claim() {
                box.set(item, Result { try body(worker, item) })
            }
        }
        return try box.results.map { try $0!.get() }
    }

    private final class Box<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var results: [Result<Value, Error>?]
        private var next = 0

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func claim() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < results.count else { return nil }
            next += 1
            return next - 1
        }

        func set(_ index: Int, _ result: Result<Value, Error>) {
            lock.lock()
            results[index] = result
            lock.unlock()
        }
    }
}

/// Values handed to worker threads, each of which uses only its own element.
package final class PerWorker<Element>: @unchecked Sendable {
    package let items: [Element]
    package init(_ items: [Element]) { self.items = items }
}
