//! OpenAPI `links` from what a `POST` creates to what can then be done with it, derived from
//! the paths themselves: a `POST` on a collection (`/api/v1/cases`,
//! `/api/v1/cases/{id}/referrals`) that answers 201 with the new thing's `id` links to every
//! operation on a path one parameter deeper (`/api/v1/cases/{id}`, `…/{id}/notes`,
//! `…/referrals/{referral_id}/outcome`), with that parameter taken from the response body and
//! the collection's own parameters from the request. Contract-driven clients (schemathesis's
//! stateful phase) follow them to reach real cases instead of guessing ids.

use serde_json::{Map, Value, json};

use crate::http::openapi_bounds::escape;

/// Adds the links to every 201 response of a `POST` in `document`.
pub fn annotate(document: &mut Value) {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return;
    };
    let targets: Vec<(String, String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().cloned().unwrap_or_default();
            methods.into_iter().filter_map(move |(method, operation)| {
                let id = operation.get("operationId")?.as_str()?.to_owned();
                Some((path.clone(), method, id))
            })
        })
        .collect();
    let collections: Vec<String> = paths
        .iter()
        .filter(|(_, item)| item.pointer("/post/responses/201").is_some())
        .map(|(path, _)| path.clone())
        .collect();
    for collection in collections {
        let links = links_from(&collection, &targets);
        if links.is_empty() {
            continue;
        }
        let pointer = format!("/paths/{}/post/responses/201", escape(&collection));
        if let Some(Value::Object(response)) = document.pointer_mut(&pointer) {
            response.insert("links".to_owned(), Value::Object(links));
        }
    }
}

/// The links from a `POST` on `collection` to the operations one parameter below it.
fn links_from(collection: &str, targets: &[(String, String, String)]) -> Map<String, Value> {
    let own = parameters(collection);
    let mut links = Map::new();
    for (path, _method, operation) in targets {
        let Some(rest) = path.strip_prefix(collection) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix('/') else {
            continue;
        };
        let Some(new) = rest
            .split('/')
            .next()
            .and_then(|segment| segment.strip_prefix('{'))
            .and_then(|segment| segment.strip_suffix('}'))
        else {
            continue;
        };
        if parameters(path).len() != own.len() + 1 {
            // It needs another id besides the new one (a referral's outcome below a case).
            continue;
        }
        let mut values = Map::new();
        for name in &own {
            values.insert(name.clone(), json!(format!("$request.path.{name}")));
        }
        values.insert(new.to_owned(), json!("$response.body#/id"));
        links.insert(
            operation.clone(),
            json!({"operationId": operation, "parameters": values}),
        );
    }
    links
}

/// The `{name}` parameters of a path, in order.
fn parameters(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        let op =
            |id: &str| json!({"operationId": id, "responses": {"201": {"description": "made"}}});
        json!({"paths": {
            "/api/v1/cases": {"post": op("open_case"), "get": {"operationId": "list_cases"}},
            "/api/v1/cases/{id}": {"get": {"operationId": "get_case"}},
            "/api/v1/cases/{id}/referrals": {"post": op("refer")},
            "/api/v1/cases/{id}/referrals/{referral_id}/outcome": {"post": op("outcome")},
            "/api/v1/areas": {"get": {"operationId": "list_areas"}},
        }})
    }

    #[test]
    fn a_created_case_links_to_what_takes_its_id_and_nothing_else() {
        let mut doc = document();
        annotate(&mut doc);
        let links = &doc["paths"]["/api/v1/cases"]["post"]["responses"]["201"]["links"];
        assert_eq!(
            links["get_case"],
            json!({"operationId": "get_case", "parameters": {"id": "$response.body#/id"}})
        );
        assert_eq!(links["refer"]["parameters"]["id"], "$response.body#/id");
        assert!(
            links.get("outcome").is_none(),
            "two levels down is not linked"
        );
        assert!(links.get("list_areas").is_none());
    }

    #[test]
    fn a_nested_collection_passes_its_own_parameters_on_from_the_request() {
        let mut doc = document();
        annotate(&mut doc);
        let pointer = "/paths/~1api~1v1~1cases~1{id}~1referrals/post/responses/201/links/outcome";
        assert_eq!(
            doc.pointer(pointer).unwrap()["parameters"],
            json!({"id": "$request.path.id", "referral_id": "$response.body#/id"})
        );
    }

    #[test]
    fn a_post_without_201_gets_no_links() {
        let mut doc = json!({"paths": {
            "/api/v1/sessions": {"post": {"operationId": "sign_in", "responses": {"200": {}}}},
            "/api/v1/sessions/{id}": {"get": {"operationId": "x"}},
        }});
        annotate(&mut doc);
        assert!(
            doc.pointer("/paths/~1api~1v1~1sessions/post/responses/200/links")
                .is_none()
        );
    }
}
