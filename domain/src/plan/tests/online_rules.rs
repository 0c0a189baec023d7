//! Online rules, one test each.

use super::*;
