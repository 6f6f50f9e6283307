//! The business profile: its schema, its model, and loading it from YAML.

pub mod error;
pub mod json_schema;
pub mod load;
pub mod model;
pub mod names;
pub mod schema;
pub(crate) mod yaml;

pub use error::{ProfileError, ProfileErrors};
pub use load::{load, load_bytes, load_path};
pub use model::{Date, Field, FieldValue, Origin, ParamSetting, Profile, Record, Waiver, Word};
pub use names::{ParamKind, RuleSetNames, check_against};
pub use yaml::{MAX_BYTES, MAX_DEPTH};

/// A commented starter profile that loads as it is; `pitfall init` writes it.
pub const STARTER_PROFILE: &str = include_str!("starter.yaml");
