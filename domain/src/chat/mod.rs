pub mod history;
pub mod parse;
