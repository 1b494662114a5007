//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every route of the server, its
//! parameters, answers and errors (`assets/openapi.json`, embedded). The tests below hold it
//! to the router: the same paths with the same methods, and each method answered by the real
//! router (any other answered 405).

/// The document, as served.
pub(super) const DOCUMENT: &str = include_str!("assets/openapi.json");

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::super::state::{Phase, Shared};
    use super::super::{auth::Auth, router, routes, App};

    /// `(path, method)` of every operation of the document, paths in axum's syntax.
    fn documented() -> BTreeSet<(String, String)> {
        let doc: serde_json::Value = serde_json::from_str(super::DOCUMENT).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            // OpenAPI's `{id}` is axum's catch-all `{*id}` (an id may hold `/`).
            let axum_path = path.replace("{id}", "{*id}");
            for method in item.as_object().expect("path item").keys() {
                out.insert((axum_path.clone(), method.to_uppercase()));
            }
        }
        out
    }

    #[test]
    fn the_document_names_every_route_and_method_of_the_router() {
        let routed: BTreeSet<(String, String)> = routes(&Auth::default())
            .iter()
            .flat_map(|r| {
                r.methods
                    .iter()
                    .map(|m| (r.path.to_string(), m.to_string()))
            })
            .collect();
        let documented = documented();
        let missing: Vec<_> = routed.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&routed).collect();
        assert!(
            missing.is_empty(),
            "routes the document leaves out: {missing:?}"
        );
        assert!(extra.is_empty(), "documented but not routed: {extra:?}");
    }

    /// Every declared method is answered by its handler (not 404/405) and any other method is
    /// 405: the declared methods are the router's.
    #[tokio::test]
    async fn the_router_answers_exactly_the_declared_methods() {
        let app = App {
            phase: Shared::new(Phase::Building("test".into())),
            map_json: Arc::new("{}".into()),
        };
        let router = router(app, Auth::default());
        for route in routes(&Auth::default()) {
            let path = route.path.replace("{*id}", "some/id");
            for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
                let req = Request::builder()
                    .method(method)
                    .uri(&path)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::empty())
                    .expect("request");
                let status = router.clone().oneshot(req).await.expect("answer").status();
                if route.methods.contains(&method) {
                    assert!(
                        status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_FOUND,
                        "{method} {path}: {status}"
                    );
                } else {
                    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                }
            }
        }
    }
}
