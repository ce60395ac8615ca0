//! One module per subcommand.

pub mod demo;
pub mod ledger;
pub mod serve;
pub mod stats;
pub mod user;
