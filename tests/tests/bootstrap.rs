//! The bootstrap creates what template.yaml declares: every resource the
//! dev server does not stand in for exists in the emulator, as declared.
//! Checked against the emulator's own descriptions, read independently of
//! the bootstrap code.

use e2e::*;
use infra::bootstrap::{self, CREATED_TYPES, PLAYED_BY_DEV_SERVER};
use serde_yaml::Value;

fn strs(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn bootstrap_creates_what_the_template_declares_and_is_idempotent() {
    let stack = stack().await;
    let template = bootstrap::load(&infra::local::project_root().join("template.yaml")).unwrap();
    let ddb = aws_sdk_dynamodb::Client::new(&stack.sdk);
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&stack.sdk);
    let sns = aws_sdk_sns::Client::new(&stack.sdk);
    let sqs = aws_sdk_sqs::Client::new(&stack.sdk);
    let ses = aws_sdk_sesv2::Client::new(&stack.sdk);
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&stack.sdk)
            .force_path_style(true)
            .build(),
    );

    // A second run finds everything and creates nothing new.
    let again = bootstrap::apply(&stack.sdk, &template, "destinyjobs-test")
        .await
        .unwrap();
    assert_eq!(again.physical, stack.resources.physical);

    let mut checked = 0;
    for (id, ty, props) in bootstrap::resources(&template).unwrap() {
        assert!(
            CREATED_TYPES.contains(&ty.as_str()) || PLAYED_BY_DEV_SERVER.contains(&ty.as_str()),
            "{id}: {ty}"
        );
        match ty.as_str() {
            "AWS::DynamoDB::Table" => {
                let table = ddb
                    .describe_table()
                    .table_name(&stack.resources.table_name)
                    .send()
                    .await
                    .unwrap()
                    .table
                    .unwrap();
                let keys = |schema: &[aws_sdk_dynamodb::types::KeySchemaElement]| {
                    schema
                        .iter()
                        .map(|k| {
                            (
                                k.attribute_name().to_string(),
                                k.key_type().as_str().to_string(),
                            )
                        })
                        .collect::<Vec<_>>()
                };
                let declared = |v: &Value| {
                    v.as_sequence()
                        .unwrap()
                        .iter()
                        .map(|k| {
                            (
                                k["AttributeName"].as_str().unwrap().to_string(),
                                k["KeyType"].as_str().unwrap().to_string(),
                            )
                        })
                        .collect::<Vec<_>>()
                };
                assert_eq!(keys(table.key_schema()), declared(&props["KeySchema"]));
                let gsis = table.global_secondary_indexes();
                let declared_gsis = props["GlobalSecondaryIndexes"].as_sequence().unwrap();
                assert_eq!(gsis.len(), declared_gsis.len());
                for d in declared_gsis {
                    let name = d["IndexName"].as_str().unwrap();
                    let g = gsis
                        .iter()
                        .find(|g| g.index_name() == Some(name))
                        .unwrap_or_else(|| panic!("GSI {name} missing"));
                    assert_eq!(keys(g.key_schema()), declared(&d["KeySchema"]), "{name}");
                    assert_eq!(
                        g.projection().unwrap().projection_type().unwrap().as_str(),
                        d["Projection"]["ProjectionType"].as_str().unwrap()
                    );
                }
                let ttl = ddb
                    .describe_time_to_live()
                    .table_name(&stack.resources.table_name)
                    .send()
                    .await
                    .unwrap();
                let ttl = ttl.time_to_live_description().unwrap();
                assert_eq!(
                    ttl.attribute_name(),
                    props["TimeToLiveSpecification"]["AttributeName"].as_str()
                );
                assert_eq!(
                    ttl.time_to_live_status().map(|s| s.as_str()),
                    Some("ENABLED")
                );
                let backups = ddb
                    .describe_continuous_backups()
                    .table_name(&stack.resources.table_name)
                    .send()
                    .await
                    .unwrap();
                let pitr = backups
                    .continuous_backups_description()
                    .unwrap()
                    .point_in_time_recovery_description()
                    .unwrap();
                // The local stack is the dev environment: no recovery
                // there (staging and prod have it).
                let dev = infra::bootstrap::condition(&template, "IsDev").unwrap();
                assert!(dev);
                assert_eq!(
                    pitr.point_in_time_recovery_status().map(|s| s.as_str()),
                    Some(if dev { "DISABLED" } else { "ENABLED" })
                );
            }
            "AWS::Cognito::UserPool" => {
                let pool = idp
                    .describe_user_pool()
                    .user_pool_id(&stack.resources.user_pool_id)
                    .send()
                    .await
                    .unwrap()
                    .user_pool
                    .unwrap();
                assert!(pool.name().unwrap().ends_with("-users"));
                let policy = pool.policies().unwrap().password_policy().unwrap();
                let declared = &props["Policies"]["PasswordPolicy"];
                assert_eq!(
                    policy.minimum_length(),
                    declared["MinimumLength"].as_i64().map(|v| v as i32)
                );
                assert_eq!(
                    policy.require_symbols(),
                    declared["RequireSymbols"].as_bool().unwrap()
                );
                assert_eq!(
                    policy.require_uppercase(),
                    declared["RequireUppercase"].as_bool().unwrap()
                );
                let verified: Vec<String> = pool
                    .auto_verified_attributes()
                    .iter()
                    .map(|a| a.as_str().to_string())
                    .collect();
                assert_eq!(verified, strs(&props, "AutoVerifiedAttributes"));
                let recovery = pool
                    .account_recovery_setting()
                    .unwrap()
                    .recovery_mechanisms();
                assert_eq!(
                    recovery[0].name().as_str(),
                    props["AccountRecoverySetting"]["RecoveryMechanisms"][0]["Name"]
                        .as_str()
                        .unwrap()
                );
            }
            "AWS::Cognito::UserPoolClient" => {
                let client = idp
                    .describe_user_pool_client()
                    .user_pool_id(&stack.resources.user_pool_id)
                    .client_id(&stack.resources.user_pool_client_id)
                    .send()
                    .await
                    .unwrap()
                    .user_pool_client
                    .unwrap();
                let flows: Vec<String> = client
                    .explicit_auth_flows()
                    .iter()
                    .map(|f| f.as_str().to_string())
                    .collect();
                assert_eq!(flows, strs(&props, "ExplicitAuthFlows"));
                assert_eq!(
                    client.prevent_user_existence_errors().map(|p| p.as_str()),
                    props["PreventUserExistenceErrors"].as_str()
                );
                assert_eq!(
                    client.access_token_validity(),
                    props["AccessTokenValidity"].as_i64().map(|v| v as i32)
                );
                assert_eq!(
                    client.refresh_token_validity(),
                    props["RefreshTokenValidity"].as_i64().unwrap() as i32
                );
                let units = client.token_validity_units().unwrap();
                assert_eq!(
                    units.refresh_token().map(|u| u.as_str()),
                    props["TokenValidityUnits"]["RefreshToken"].as_str()
                );
            }
            "AWS::Cognito::UserPoolGroup" => {
                let name = props["GroupName"].as_str().unwrap();
                idp.get_group()
                    .user_pool_id(&stack.resources.user_pool_id)
                    .group_name(name)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("group {name}: {e}"));
            }
            "AWS::SNS::Topic" => {
                sns.get_topic_attributes()
                    .topic_arn(stack.resources.id(&id).unwrap())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("topic {id}: {e}"));
            }
            "AWS::SQS::Queue" => {
                let attributes = sqs
                    .get_queue_attributes()
                    .queue_url(stack.resources.id(&id).unwrap())
                    .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
                    .send()
                    .await
                    .unwrap()
                    .attributes
                    .unwrap();
                let attribute = |name: &str| {
                    attributes
                        .get(&aws_sdk_sqs::types::QueueAttributeName::from(name))
                        .cloned()
                };
                for key in ["VisibilityTimeout", "MessageRetentionPeriod"] {
                    if let Some(declared) = props.get(key) {
                        assert_eq!(
                            attribute(key).as_deref(),
                            Some(declared.as_i64().unwrap().to_string().as_str()),
                            "{id}.{key}"
                        );
                    }
                }
                if let Some(declared) = props.get("RedrivePolicy") {
                    let actual: serde_json::Value =
                        serde_json::from_str(&attribute("RedrivePolicy").unwrap()).unwrap();
                    assert_eq!(
                        actual["maxReceiveCount"].to_string().trim_matches('"'),
                        declared["maxReceiveCount"].as_i64().unwrap().to_string()
                    );
                    let Value::Tagged(target) = &declared["deadLetterTargetArn"] else {
                        panic!("{id}: deadLetterTargetArn is a !GetAtt")
                    };
                    let dlq = target.value.as_str().unwrap().replace(".Arn", "");
                    assert_eq!(
                        actual["deadLetterTargetArn"].as_str(),
                        stack
                            .resources
                            .attributes
                            .get(&format!("{dlq}.Arn"))
                            .map(String::as_str),
                        "{id} sends its poison messages to {dlq}"
                    );
                }
            }
            "AWS::SQS::QueuePolicy" => {
                let queue = stack.resources.id("NotificationsQueue").unwrap();
                let policy = sqs
                    .get_queue_attributes()
                    .queue_url(queue)
                    .attribute_names(aws_sdk_sqs::types::QueueAttributeName::Policy)
                    .send()
                    .await
                    .unwrap()
                    .attributes
                    .unwrap_or_default();
                let policy = policy
                    .get(&aws_sdk_sqs::types::QueueAttributeName::Policy)
                    .expect("queue policy set");
                assert!(policy.contains("sns.amazonaws.com"), "{policy}");
            }
            "AWS::SNS::Subscription" => {
                let topic = stack.resources.id("EventsTopic").unwrap();
                let subs = sns
                    .list_subscriptions_by_topic()
                    .topic_arn(topic)
                    .send()
                    .await
                    .unwrap();
                let queue_arn = &stack.resources.attributes["NotificationsQueue.Arn"];
                let sub = subs
                    .subscriptions()
                    .iter()
                    .find(|s| s.endpoint() == Some(queue_arn.as_str()))
                    .expect("the queue is subscribed to the topic");
                assert_eq!(sub.protocol(), props["Protocol"].as_str());
                let attributes = sns
                    .get_subscription_attributes()
                    .subscription_arn(sub.subscription_arn().unwrap())
                    .send()
                    .await
                    .unwrap()
                    .attributes
                    .unwrap_or_default();
                assert_eq!(
                    attributes.get("RawMessageDelivery").map(String::as_str),
                    Some("true")
                );
                assert_eq!(
                    subs.subscriptions().len(),
                    1,
                    "subscribed once, even after a second bootstrap"
                );
            }
            "AWS::SES::EmailIdentity" => {
                let identity = ses
                    .get_email_identity()
                    .email_identity(stack.resources.id(&id).unwrap())
                    .send()
                    .await
                    .unwrap();
                assert!(
                    identity.verified_for_sending_status() || identity.identity_type().is_some()
                );
            }
            "AWS::S3::Bucket" => {
                let bucket = stack.resources.id(&id).unwrap();
                let encryption = s3
                    .get_bucket_encryption()
                    .bucket(bucket)
                    .send()
                    .await
                    .unwrap();
                let rule = &encryption
                    .server_side_encryption_configuration()
                    .unwrap()
                    .rules()[0];
                assert_eq!(
                    rule.apply_server_side_encryption_by_default()
                        .unwrap()
                        .sse_algorithm()
                        .as_str(),
                    props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
                        ["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
                        .as_str()
                        .unwrap()
                );
                let block = s3
                    .get_public_access_block()
                    .bucket(bucket)
                    .send()
                    .await
                    .unwrap();
                let block = block.public_access_block_configuration().unwrap();
                assert_eq!(block.block_public_acls(), Some(true));
                assert_eq!(block.restrict_public_buckets(), Some(true));
                let declared: Vec<_> = props["LifecycleConfiguration"]["Rules"]
                    .as_sequence()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| r["Id"].as_str())
                    .collect();
                if declared.is_empty() {
                    // The images bucket: nothing expires there.
                    assert!(
                        s3.get_bucket_lifecycle_configuration()
                            .bucket(bucket)
                            .send()
                            .await
                            .is_err(),
                        "{id}"
                    );
                } else {
                    let lifecycle = s3
                        .get_bucket_lifecycle_configuration()
                        .bucket(bucket)
                        .send()
                        .await
                        .unwrap();
                    let rules: Vec<_> = lifecycle.rules().iter().filter_map(|r| r.id()).collect();
                    assert_eq!(rules, declared);
                    // The pending tag the uploads function sets is the one
                    // the rule expires.
                    let tag = lifecycle.rules()[0]
                        .filter()
                        .and_then(|f| f.tag())
                        .map(|t| format!("{}={}", t.key(), t.value()));
                    assert_eq!(tag.as_deref(), Some(shared::files::PENDING_TAG));
                }
            }
            _ => continue,
        }
        checked += 1;
    }
    assert!(
        checked >= 15,
        "table, pool, client, four groups, topic, two queues, policy, subscription, identity, two buckets: {checked}"
    );
}

#[test]
fn the_bootstrap_refuses_properties_it_would_not_apply() {
    let template: Value = serde_yaml::from_str("Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: t\n      SSESpecification: {SSEEnabled: true}\n").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sdk = rt.block_on(infra::local::sdk_config("http://127.0.0.1:9", "eu-west-3"));
    let err = rt
        .block_on(bootstrap::apply(&sdk, &template, "x"))
        .unwrap_err();
    assert!(err.to_string().contains("SSESpecification"), "{err}");
}

#[test]
fn the_bootstrap_refuses_resource_types_it_does_not_know() {
    let template: Value =
        serde_yaml::from_str("Resources:\n  K:\n    Type: AWS::Kinesis::Stream\n").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sdk = rt.block_on(infra::local::sdk_config("http://127.0.0.1:9", "eu-west-3"));
    let err = rt
        .block_on(bootstrap::apply(&sdk, &template, "x"))
        .unwrap_err();
    assert!(err.to_string().contains("AWS::Kinesis::Stream"), "{err}");
}

/// `sam build` runs `cargo lambda build --bin <Binary>` in each function's
/// `CodeUri`. From the workspace root, cargo would merge the features of
/// every member into each binary (the auth binary was 8.27 MB so, 7.79 MB
/// from its own crate); from the crate's folder it builds that crate
/// alone, as `make bench` measures it.
#[test]
fn each_function_is_built_from_its_own_crate() {
    let template = bootstrap::load(&infra::local::project_root().join("template.yaml")).unwrap();
    let binaries = bootstrap::function_binaries(&template).unwrap();
    assert_eq!(binaries.len(), 16, "the 15 areas and the apps' API");
    for (id, resource) in template["Resources"].as_mapping().unwrap() {
        let Some(binary) = resource["Metadata"]["BuildProperties"]["Binary"].as_str() else {
            continue;
        };
        let code = resource["Properties"]["CodeUri"].as_str().unwrap();
        assert_eq!(code, format!("functions/{binary}"), "{id:?}");
        assert!(
            infra::local::project_root()
                .join(code)
                .join("Cargo.toml")
                .exists()
        );
    }
}
