// TEMPORARY STUB by the lead so the crate compiles; the logging helper replaces this file entirely.
#[derive(Debug, Clone, Copy)]
pub enum LogFormat {
    Text,
    Json,
}
impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Self::Json),
            "text" => Ok(Self::Text),
            _ => Err(s.into()),
        }
    }
}
pub fn init(_f: LogFormat, _filter: &str) {}
