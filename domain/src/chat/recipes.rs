//! The recipe table (`recipes.tsv`, compiled in): dish → ingredients, proposed
//! by the chat as a bundle to confirm ("김치찌개 재료 담아줘").

use crate::catalog::search::normalize;

const TABLE: &str = include_str!("recipes.tsv");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipe {
    /// The dish's first name in the table.
    pub name: &'static str,
    pub ingredients: Vec<&'static str>,
}

/// Every dish of the table.
pub fn recipes() -> Vec<Recipe> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (names, ingredients) = l.split_once('\t')?;
            Some(Recipe {
                name: names.split('|').next()?.trim(),
                ingredients: ingredients
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect(),
            })
        })
        .collect()
}

/// The dish named `dish` (any of its names; spacing and case ignored).
pub fn recipe(dish: &str) -> Option<Recipe> {
    let want = normalize(dish);
    if want.is_empty() {
        return None;
    }
    exact(&want).or_else(|| {
        // A particle left on the name ("김치찌개를"), or the dish written with 용.
        ["을", "를", "이", "가", "은", "는", "도", "용", "의"]
            .iter()
            .find_map(|p| want.strip_suffix(p).and_then(exact))
    })
}

fn exact(want: &str) -> Option<Recipe> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .find(|l| {
            l.split_once('\t')
                .is_some_and(|(names, _)| names.split('|').any(|n| normalize(n) == want))
        })
        .and_then(|l| {
            let first = l
                .split('|')
                .next()
                .unwrap_or("")
                .split('\t')
                .next()
                .unwrap_or("");
            recipes().into_iter().find(|r| r.name == first.trim())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_thirty_dishes_with_ingredients() {
        let all = recipes();
        assert!(all.len() >= 30, "{}", all.len());
        for r in &all {
            assert!(r.ingredients.len() >= 2, "{}", r.name);
        }
        let mut names: Vec<&str> = all.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "dish names are unique");
    }

    #[test]
    fn dishes_are_found_by_any_name() {
        assert_eq!(recipe("김치찌개").map(|r| r.name), Some("김치찌개"));
        assert_eq!(recipe("김치 찌개").map(|r| r.name), Some("김치찌개"));
        assert_eq!(recipe("닭도리탕").map(|r| r.name), Some("닭볶음탕"));
        assert!(recipe("우주라면").is_none());
    }
}
