//! The business profile: its schema, its model, and loading it from YAML.

pub mod model;
pub mod schema;

pub use model::{Date, Field, FieldValue, Origin, ParamSetting, Profile, Record, Waiver, Word};
