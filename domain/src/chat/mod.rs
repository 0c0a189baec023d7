pub mod assistant;
pub mod history;
pub mod parse;
pub mod ports;
pub mod service;
