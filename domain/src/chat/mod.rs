pub mod history;
pub mod parse;
pub mod assistant;
pub mod service;
