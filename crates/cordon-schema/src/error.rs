//! The two ways a conversion fails: a function whose types have no JSON form, and arguments that do not fit the
//! function's parameters.

use crate::path::Path;

/// A function uses a type that cannot cross JSON, so it has no schema and cannot be called with JSON arguments.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{function}: {path} {kind}")]
pub struct SchemaError {
    function: String,
    path: String,
    kind: UnsupportedType,
}

impl SchemaError {
    pub(crate) fn new(function: &str, path: String, kind: UnsupportedType) -> Self {
        SchemaError { function: function.to_owned(), path, kind }
    }

    /// Returns the name of the function.
    pub fn function(&self) -> &str {
        &self.function
    }

    /// Returns where the type sits: `parameter NAME`, or `result`, followed by the way into the value, for example
    /// `parameter query.handle` or `result.ok[]`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Returns the kind of type that has no JSON form.
    pub fn kind(&self) -> UnsupportedType {
        self.kind
    }
}

/// A component-model type with no JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnsupportedType {
    /// An `own` or `borrow` handle. A handle is meaningful only inside the instance that made it, and every call
    /// gets a fresh instance.
    #[error(
        "is a resource handle, which has no JSON form, so pass the resource's data as a record, string or list instead"
    )]
    Resource,
    /// A `future`, which completes after the call has returned its JSON.
    #[error("is a future, which has no JSON form, so take or return the value itself instead")]
    Future,
    /// A `stream`, which delivers values after the call has returned its JSON.
    #[error("is a stream, which has no JSON form, so take or return a list instead")]
    Stream,
    /// An `error-context`: a handle, like a resource's, to an error the host keeps.
    #[error("is an error-context, which has no JSON form, so report errors as a string or a variant instead")]
    ErrorContext,
    /// An `option` whose payload is itself an `option`: `none` and `some(none)` would both be JSON `null`.
    #[error(
        "is an option directly inside an option, so `none` and `some(none)` would both be null. \
         Put the inner option in a record field or use a variant instead"
    )]
    NestedOption,
}

impl UnsupportedType {
    /// Names the kind of type, as a message's subject: "a resource handle".
    pub(crate) fn noun(self) -> &'static str {
        match self {
            UnsupportedType::Resource => "a resource handle",
            UnsupportedType::Future => "a future",
            UnsupportedType::Stream => "a stream",
            UnsupportedType::ErrorContext => "an error-context",
            UnsupportedType::NestedOption => "an option directly inside an option",
        }
    }
}

/// JSON arguments that do not fit the function's parameters.
///
/// The message is one line: it names the path of the offending argument, what was expected and what was given,
/// for example `query.mode: expected one of "literal", "whole-word", "prefix", got "fuzzy"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ArgumentError {
    path: String,
    message: String,
}

impl ArgumentError {
    pub(crate) fn new(path: &Path<'_>, message: impl Into<String>) -> Self {
        ArgumentError { path: path.render(), message: message.into() }
    }

    /// Returns the path of the offending argument, for example `query.mode` or `items[2].name`. The path is empty
    /// when the arguments object as a whole is at fault.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Returns what was wrong, without the path, for example `expected an integer from 0 to 255, got 300`.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn render(&self) -> String {
        if self.path.is_empty() { self.message.clone() } else { format!("{}: {}", self.path, self.message) }
    }
}
