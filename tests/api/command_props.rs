//! A property test of the whole command path: arbitrary raw request bodies for every case
//! command and for `POST /cases` (any Unicode, dates far in the past and the future, huge
//! numbers, empty arrays, wrong types, missing and unknown fields, text that is not JSON)
//! against a real server. Each answer is 201 (or 200/204) or a 4xx whose `code` (and
//! `rule`, and each field error's `code`) is in the closed lists the OpenAPI document
//! publishes; never a 5xx. Afterwards the projections equal a fold of each case's stream and
//! a rebuild from the log, `verify` passes, and the server starts again on the directory.
//!
//! 256 bodies from a fixed seed, about a second in a debug build. Another seed:
//! `TINCAY_PROPTEST_SEED=12345 cargo test --test api command_props`; more bodies:
//! `TINCAY_PROPTEST_CASES=1000`.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};
use tincay::domain::case::{CaseEvent, CaseState};
use tincay::domain::ids::CaseId;
use tincay::projections::runner::Projections;
use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::{EventLog, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;
use tincay::store::verify::{decodes, verify};

use crate::cases_kit::*;
use crate::support::*;

const DEFAULT_SEED: u64 = 0x0711_1CA7;
const DEFAULT_CASES: u32 = 256;

/// A value a client might send anywhere: strings of any Unicode, dates far out of range,
/// numbers at the edges, empty and nested arrays, objects, the wrong types.
fn hostile_value() -> impl Strategy<Value = Value> {
    let numbers = prop_oneof![
        Just(json!(i64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(1e308)),
        Just(json!(-0.5)),
        Just(json!(0)),
    ];
    let leaf: Vec<BoxedStrategy<Value>> = vec![
        any::<String>().prop_map(Value::from).boxed(),
        "\\PC{0,40}".prop_map(Value::from).boxed(),
        (-200_000i64..200_000, 0u32..15, 0u32..40)
            .prop_map(|(y, m, d)| Value::from(format!("{y:04}-{m:02}-{d:02}")))
            .boxed(),
        (1899i64..2031, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| Value::from(format!("{y}-{m:02}-{d:02}")))
            .boxed(),
        numbers.boxed(),
        any::<i64>().prop_map(Value::from).boxed(),
        any::<bool>().prop_map(Value::from).boxed(),
        Just(Value::Null).boxed(),
        Just(json!([])).boxed(),
        Just(json!({})).boxed(),
        "[a-z_]{0,20}".prop_map(Value::from).boxed(),
    ];
    let leaf = proptest::strategy::Union::new(leaf);
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A hostile value of the same JSON type as `example`: past the parser's types, into bounds.
fn same_type_hostile(example: &Value) -> BoxedStrategy<Value> {
    match example {
        Value::String(_) => prop_oneof![
            any::<String>().prop_map(Value::from),
            "\\PC{0,3000}".prop_map(Value::from),
            (-200_000i64..200_000, 0u32..15, 0u32..40)
                .prop_map(|(y, m, d)| Value::from(format!("{y:04}-{m:02}-{d:02}"))),
            (-99_999i64..99_999).prop_map(|y| Value::from(format!("{y:+05}-01-01"))),
            "[a-z_]{0,20}".prop_map(Value::from),
        ]
        .boxed(),
        Value::Number(_) => prop_oneof![
            any::<i64>().prop_map(Value::from),
            Just(json!(u64::MAX)),
            Just(json!(1e308)),
            Just(json!(-1)),
            (0i64..100_000).prop_map(Value::from),
        ]
        .boxed(),
        Value::Array(_) => prop_oneof![
            Just(json!([])),
            prop::collection::vec("[a-z_]{0,12}", 0..12).prop_map(Value::from),
        ]
        .boxed(),
        _ => hostile_value().boxed(),
    }
}

/// A field's value: mostly one the server would accept (so that the other fields are
/// reached), else a hostile one of the right type, else anything.
fn field_value(valid: Vec<Value>) -> BoxedStrategy<Value> {
    let typed = same_type_hostile(&valid[0]);
    let valid = proptest::sample::select(valid);
    prop_oneof![10 => valid, 3 => typed, 1 => hostile_value()].boxed()
}

/// An object over `fields` (each present or not, its value valid or hostile), sometimes with
/// an unknown field; or, now and then, anything at all.
fn body(fields: Vec<(&'static str, Vec<Value>)>) -> BoxedStrategy<Value> {
    let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .into_iter()
        .map(|(name, valid)| {
            prop::option::weighted(0.95, field_value(valid))
                .prop_map(move |value| value.map(|value| (name.to_owned(), value)))
                .boxed()
        })
        .collect();
    let object = (
        parts,
        prop::option::weighted(0.05, ("\\PC{1,12}", hostile_value())),
    )
        .prop_map(|(parts, extra)| {
            let mut map: Map<String, Value> = parts.into_iter().flatten().collect();
            if let Some((name, value)) = extra {
                map.insert(name, value);
            }
            Value::Object(map)
        });
    prop_oneof![19 => object, 1 => hostile_value()].boxed()
}

fn days() -> Vec<Value> {
    vec![
        json!("2026-11-20"),
        json!("2026-11-01"),
        json!("1999-02-28"),
    ]
}

/// The commands: a path under a case, the body's fields and values the server accepts.
fn command(world: &World) -> BoxedStrategy<(&'static str, Value)> {
    let address = json!(world.address_a1_second.to_string());
    let text = || vec![json!("ghi chú"), json!("")];
    prop_oneof![
        body(vec![
            ("type", vec![json!("shelter"), json!("medical")]),
            ("provided_on", days()),
            ("nights", vec![json!(2), json!(0)]),
            ("by", text()),
            ("notes", text()),
        ])
        .prop_map(|b| ("support", b))
        .boxed(),
        body(vec![
            ("target", vec![json!("police"), json!("court")]),
            ("made_on", days()),
            ("organisation", text()),
            ("notes", text()),
        ])
        .prop_map(|b| ("referrals", b))
        .boxed(),
        body(vec![
            ("outcome", vec![json!("accepted"), json!("declined")]),
            ("recorded_on", days()),
            ("notes", text()),
        ])
        .prop_map(|b| ("referrals/{rid}/outcome", b))
        .boxed(),
        body(vec![
            ("due_on", vec![json!("2026-12-01"), json!("2027-03-01")]),
            ("method", vec![json!("visit"), json!("phone")]),
        ])
        .prop_map(|b| ("follow-ups", b))
        .boxed(),
        body(vec![
            ("completed_on", days()),
            ("outcome", vec![json!("safe"), json!("unreachable")]),
            ("notes", text()),
        ])
        .prop_map(|b| ("follow-ups/{fid}/complete", b))
        .boxed(),
        body(vec![("text", text())])
            .prop_map(|b| ("notes", b))
            .boxed(),
        body(vec![
            ("level", vec![json!("low"), json!("high")]),
            ("notes", text())
        ])
        .prop_map(|b| ("risk", b))
        .boxed(),
        body(vec![
            (
                "decision",
                vec![json!("approved"), json!("action_requested")]
            ),
            ("comment", text()),
        ])
        .prop_map(|b| ("reviews", b))
        .boxed(),
        body(vec![("trusted_address", vec![address]), ("reason", text())])
            .prop_map(|b| ("transfer", b))
            .boxed(),
        body(vec![
            ("reason", vec![json!("safe"), json!("relocated")]),
            ("closed_on", days()),
            ("notes", text()),
        ])
        .prop_map(|b| ("close", b))
        .boxed(),
        body(vec![("reason", vec![json!("bạo lực tái diễn")])])
            .prop_map(|b| ("reopen", b))
            .boxed(),
        opening_body().prop_map(|b| ("", b)).boxed(),
    ]
    .boxed()
}

/// `POST /cases`, its nested objects included.
fn opening_body() -> BoxedStrategy<Value> {
    let survivor = body(vec![
        ("name", vec![json!("Nguyễn Thị A")]),
        ("birth_year", vec![json!(1994), json!(1900)]),
        ("sex", vec![json!("female")]),
        ("ethnicity", vec![json!("11"), json!("54")]),
        ("disability", vec![json!(false)]),
        ("contact", vec![json!("0912")]),
        ("address", vec![json!("thôn 3")]),
        ("children_with_her", vec![json!(2), json!(0)]),
    ]);
    let consent = body(vec![
        ("services", vec![json!(true)]),
        ("referral", vec![json!(true), json!(false)]),
        ("reporting", vec![json!(true)]),
    ]);
    (
        body(vec![
            ("opened_on", days()),
            ("referred_by", vec![json!("neighbour"), json!("self")]),
            (
                "violence_types",
                vec![json!(["physical"]), json!([]), json!(["rape", "economic"])],
            ),
            ("perpetrator", vec![json!("spouse")]),
            ("risk_level", vec![json!("high")]),
            ("informant", vec![json!({"name": "x"}), json!({})]),
            ("narrative", vec![json!("chuyện đã xảy ra")]),
        ]),
        prop::option::weighted(0.85, survivor),
        prop::option::weighted(0.85, consent),
    )
        .prop_map(|(mut body, survivor, consent)| {
            if let Value::Object(map) = &mut body {
                if let Some(survivor) = survivor {
                    map.insert("survivor".into(), survivor);
                }
                if let Some(consent) = consent {
                    map.insert("consent".into(), consent);
                }
            }
            body
        })
        .boxed()
}

/// The closed lists of the OpenAPI document: problem codes, rule codes, field error codes.
struct Contract {
    problems: Vec<String>,
    rules: Vec<String>,
    fields: Vec<String>,
}

impl Contract {
    async fn of(app: &TestApp) -> Self {
        let document: Value = reqwest::get(app.api("/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = |pointer: &str| -> Vec<String> {
            document
                .pointer(pointer)
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{pointer} lists codes"))
                .iter()
                .map(|code| code.as_str().unwrap().to_owned())
                .collect()
        };
        Self {
            problems: list("/components/schemas/Problem/properties/code/enum"),
            rules: list("/components/schemas/Problem/properties/rule/enum"),
            fields: list("/components/schemas/FieldError/properties/code/enum"),
        }
    }

    /// Whether `reply` is a success or a refusal the contract describes.
    fn check(&self, reply: &Reply) -> Result<(), String> {
        if matches!(reply.status, 200 | 201 | 204) {
            return Ok(());
        }
        if !(400..500).contains(&reply.status) {
            return Err(format!("status {}: {}", reply.status, reply.text));
        }
        let problem = reply.json();
        let code = problem["code"].as_str().unwrap_or_default();
        if !self.problems.iter().any(|known| known == code) {
            return Err(format!(
                "code {code:?} is not in the contract: {}",
                reply.text
            ));
        }
        if code == "rule_violated" {
            let rule = problem["rule"].as_str().unwrap_or_default();
            if !self.rules.iter().any(|known| known == rule) {
                return Err(format!("rule {rule:?} is not in the contract"));
            }
        }
        for error in problem["errors"].as_array().into_iter().flatten() {
            let field_code = error["code"].as_str().unwrap_or_default();
            if !self.fields.iter().any(|known| known == field_code) {
                return Err(format!("field code {field_code:?} is not in the contract"));
            }
        }
        Ok(())
    }
}

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn case_id(text: &str) -> CaseId {
    CaseId::from_uuid(uuid::Uuid::parse_str(text).unwrap())
}

/// Every case folded from its own stream in the log.
fn folded(log: &EventLog, ids: &[CaseId]) -> BTreeMap<String, CaseState> {
    ids.iter()
        .map(|id| {
            let events: Vec<CaseEvent> = log
                .read_stream(&StreamId::case(id))
                .unwrap()
                .iter()
                .map(|recorded| recorded.decode().unwrap())
                .collect();
            (id.to_string(), CaseState::from_events(&events))
        })
        .collect()
}

#[test]
fn arbitrary_bodies_for_every_command_answer_the_contract_and_leave_a_sound_log() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, world) = runtime.block_on(async {
        let app = spawn_app().await;
        let world = seed_world(&app).await;
        (app, world)
    });
    let contract = runtime.block_on(Contract::of(&app));
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    // Real cases for the commands to land on, with a referral and a follow-up each.
    let targets: Vec<(String, String, String)> = runtime.block_on(async {
        let mut targets = Vec::new();
        for _ in 0..3 {
            let case = open_case(&app, &volunteer).await;
            let referral = refer(&app, &volunteer, &case).await;
            let follow_up = schedule(&app, &volunteer, &case, "2026-12-01").await;
            targets.push((case, referral, follow_up));
        }
        targets
    });
    let opened = std::sync::Mutex::new(Vec::new());
    let statuses = std::sync::Mutex::new(BTreeMap::<u16, u32>::new());

    let seed: u64 = setting("TINCAY_PROPTEST_SEED", DEFAULT_SEED);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: setting("TINCAY_PROPTEST_CASES", DEFAULT_CASES),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (
        command(&world),
        0..targets.len(),
        any::<bool>(),
        prop::option::weighted(0.03, "\\PC{0,30}"),
    );
    let result = runner.run(&strategy, |((path, body), target, as_supervisor, raw)| {
        let (case, referral, follow_up) = &targets[target];
        let token = if as_supervisor {
            &supervisor
        } else {
            &volunteer
        };
        let path = if path.is_empty() {
            "/cases".to_owned()
        } else {
            let path = path.replace("{rid}", referral).replace("{fid}", follow_up);
            format!("/cases/{case}/{path}")
        };
        let text = raw.unwrap_or_else(|| body.to_string());
        let reply = runtime.block_on(post_raw(&app, token, &path, &text));
        *statuses.lock().unwrap().entry(reply.status).or_default() += 1;
        if let Err(why) = contract.check(&reply) {
            return Err(TestCaseError::fail(format!("POST {path} {text}: {why}")));
        }
        if path == "/cases" && reply.status == 201 {
            opened
                .lock()
                .unwrap()
                .push(reply.json()["id"].as_str().unwrap().to_owned());
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("seed {seed}: {error}");
    }
    // The bodies reach past parsing: some are accepted, some refused by bounds or rules.
    let statuses = statuses.into_inner().unwrap();
    eprintln!("seed {seed}: answers by status {statuses:?}");
    assert!(statuses.get(&201).is_some_and(|&n| n >= 5), "{statuses:?}");
    assert!(statuses.get(&422).is_some_and(|&n| n >= 5), "{statuses:?}");

    // The projections are a fold of the log (once they have applied all of it).
    runtime
        .block_on(app.state.projections.wait_for(app.head()))
        .unwrap();
    let mut ids: Vec<CaseId> = targets.iter().map(|(case, ..)| case_id(case)).collect();
    ids.extend(opened.lock().unwrap().iter().map(|id| case_id(id)));
    let live: BTreeMap<String, CaseState> = ids
        .iter()
        .map(|id| (id.to_string(), app.state.projections.cases.get(id).unwrap()))
        .collect();
    assert_eq!(live, folded(&app.state.log, &ids), "seed {seed}");
    assert!(app.state.projections.set_aside.is_empty(), "seed {seed}");

    // The log verifies, rebuilds to the same projections, and serves again.
    let dir = runtime.block_on(app.stop_keeping_dir());
    let data = dir.path().join("data");
    let master = || MasterKey::from_bytes([3; 32]);
    {
        let store = SledStore::open(&data, SledOptions::default()).unwrap();
        verify(&store, master(), &decodes).unwrap();
    }
    {
        let store = std::sync::Arc::new(SledStore::open(&data, SledOptions::default()).unwrap());
        let log = EventLog::open(
            store as std::sync::Arc<dyn EventStore>,
            master(),
            LogOptions::default(),
        )
        .unwrap();
        let rebuilt = Projections::new();
        rebuilt.catch_up(&log).unwrap();
        for id in &ids {
            assert_eq!(
                rebuilt.cases.get(id).as_ref(),
                live.get(&id.to_string()),
                "seed {seed}"
            );
        }
        log.close();
    }
    runtime.block_on(async {
        let app = spawn_app_in(dir, Default::default()).await;
        let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), 200);
        // A supervisor of the province reads it, wherever it was transferred to.
        let supervisor = app.token_for(world.supervisor_a);
        let case = &targets[0].0;
        let read = get(&app, &supervisor, &format!("/cases/{case}")).await;
        assert!(matches!(read.status, 200 | 410), "{}", read.text);
        app.stop().await;
    });
}
