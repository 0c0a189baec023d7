//! The Ttokjang application: configuration, backend choice, wiring of ports
//! to use cases, the HTTP server and the operator's commands.

pub mod catalog_cache;
pub mod cli;
pub mod config;
pub mod housekeeping;
pub mod import;
pub mod llm;
pub mod logging;
pub mod malls;
pub mod metrics;
pub mod notify;
pub mod pricefeeds;
pub mod prices;
pub mod review;
pub mod routing;
pub mod sample;
pub mod scheduler;
pub mod server;
pub mod shopping;
pub mod storage;
pub mod sync;
pub mod system;
pub mod web;
