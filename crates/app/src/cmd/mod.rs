//! One module per subcommand.

pub mod bench;
pub mod bench_data;
pub mod check;
pub mod demo;
pub mod ledger;
pub mod review;
pub mod security_args;
pub mod serve;
pub mod stats;
pub mod user;
