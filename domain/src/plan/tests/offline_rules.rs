//! Offline rules, one test each.

use super::*;
