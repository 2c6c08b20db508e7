//! Typed ids: a deal's, a stage's and a pipeline's ids are different types, so a
//! `(pipeline, stage)` pair cannot be passed the wrong way round. Each is stored and
//! exported as a plain string (`serde(transparent)`), so no stored or backup format
//! changes. They read as `&str` where text is wanted (`Deref`).
//!
//! A rule names a pipeline, stage or deal by its typed id or by plain text (read from a
//! file, the page or a test); a typed id of the wrong kind does not compile:
//!
//! ```compile_fail
//! use pipewright::domain::{StageId, Workspace};
//! let ws = Workspace::default();
//! let stage = StageId::from("lead");
//! ws.pipeline(&stage); // a stage id where a pipeline id belongs
//! ```
//!
//! ```
//! use pipewright::domain::{PipelineId, Workspace};
//! let ws = Workspace::default();
//! assert!(ws.pipeline(&PipelineId::from("sales")).is_none());
//! assert!(ws.pipeline("sales").is_none());
//! ```

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> $name {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_string())
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> $name {
                $name(id.clone())
            }
        }

        impl PartialEq<$name> for &$name {
            fn eq(&self, other: &$name) -> bool {
                self.0 == other.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

id_type!(
    /// The id of a pipeline.
    PipelineId
);
id_type!(
    /// The id of a stage. Unique across all pipelines: a deal's history names stages by id.
    StageId
);
id_type!(
    /// The id of a deal; also the key it is stored under.
    DealId
);

macro_rules! id_ref {
    ($(#[$doc:meta])* $trait:ident for $name:ident) => {
        $(#[$doc])*
        pub trait $trait {
            fn id_str(&self) -> &str;
        }

        impl $trait for $name {
            fn id_str(&self) -> &str {
                &self.0
            }
        }

        impl $trait for str {
            fn id_str(&self) -> &str {
                self
            }
        }

        impl $trait for String {
            fn id_str(&self) -> &str {
                self
            }
        }

        impl<T: $trait + ?Sized> PartialEq<&T> for $name {
            fn eq(&self, other: &&T) -> bool {
                self.0 == other.id_str()
            }
        }
    };
}

id_ref!(
    /// What names a pipeline in a rule's arguments: its typed id, or text read from a file,
    /// the page or a test. A `StageId` or `DealId` is neither, so typed ids cannot be
    /// passed in the wrong place.
    PipelineRef for PipelineId
);
id_ref!(
    /// What names a stage in a rule's arguments (see [`PipelineRef`]).
    StageRef for StageId
);
id_ref!(
    /// What names a deal in a rule's arguments (see [`PipelineRef`]).
    DealRef for DealId
);
