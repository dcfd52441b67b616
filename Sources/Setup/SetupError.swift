import Diagnostics

/// Why a hook or repository could not be set up (a hook that cannot be chained, an
/// agent configuration that is not JSON); nothing was changed when it is thrown.
package struct SetupError: UserFacingError {
    package let description: String

    package init(_ description: String) { self.description = description }
}
