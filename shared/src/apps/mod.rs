//! The DestinyJobs React apps' API (#19, docs/apps-api.md): their paths,
//! names and shapes, translated to ours. A translation never decides
//! anything: it renames (`mapping`), then calls the same route of ours
//! that our own clients call, so every rule, check and write is the one
//! our API has.

pub mod api;
pub mod mapping;
