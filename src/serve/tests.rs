//! Unit tests of the server's state machine and routes (`serve/mod.rs`).

use super::*;

fn app(phase: Phase) -> App {
    App {
        phase: Shared::new(phase),
        map_json: Arc::new(String::new()),
    }
}

#[test]
fn not_ready_is_503_while_building_and_500_when_the_build_failed() {
    let e = ready(&app(Phase::Building("indexing documents/".into()))).err();
    let e = e.expect("not ready");
    assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(e.message.contains("indexing documents/"), "{}", e.message);
    let e = ready(&app(Phase::Failed("disk full".into()))).err();
    assert_eq!(e.map(|e| e.status), Some(StatusCode::INTERNAL_SERVER_ERROR));
}

#[test]
fn a_locked_index_is_503_and_a_usage_error_400() {
    let locked = ApiError::from(Error::Locked(PathBuf::from("index")));
    assert_eq!(locked.status, StatusCode::SERVICE_UNAVAILABLE);
    let usage = ApiError::from(Error::Usage("unknown region `x`".into()));
    assert_eq!(usage.status, StatusCode::BAD_REQUEST);
}
