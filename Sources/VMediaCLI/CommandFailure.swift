/// A failure the user reads as "Error: <message>" with exit status 1 (ArgumentParser prints `description`).
/// Usage mistakes are `ValidationError`s instead (exit 64).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
