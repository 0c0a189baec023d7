use crate::Backend;

pub async fn health_check_is_ok_after_open(b: &Backend) {
    assert_eq!(b.health.check().await, Ok(()));
    assert_eq!(b.health.backend(), b.name);
}
