//! Creates, in an emulator (or any AWS endpoint), the resources that
//! template.yaml declares, read from the template itself so the two cannot
//! drift. Idempotent: what exists is kept.
//!
//! The Serverless functions and the HTTP API are not created: locally the
//! dev server plays them. Monitoring (CloudWatch alarms) exists only in
//! AWS. Any other resource type the bootstrap does not know is an error,
//! so a template change cannot be silently skipped.
//!
//! The local stack is the template with its parameters' defaults: the
//! `dev` environment. `Conditions`, `!If` and `!FindInMap` are evaluated
//! with them; a resource whose `Condition` is false is not created, as
//! CloudFormation would not create it.

use std::collections::HashMap;
use std::path::Path;

use aws_sdk_cognitoidentityprovider as cognito;
use aws_sdk_dynamodb as dynamodb;
use cognito::types as ct;
use dynamodb::types as dt;
use serde_yaml::Value;

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("template: {0}")]
    Template(String),
    #[error("{resource}: {message}")]
    Aws { resource: String, message: String },
}

type Result<T> = std::result::Result<T, BootstrapError>;

/// The physical ids of what was created.
#[derive(Clone, Debug, Default)]
pub struct Resources {
    pub table_name: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    /// Logical id → physical id (what `!Ref` gives), for every created resource.
    pub physical: HashMap<String, String>,
    /// `LogicalId.Attribute` → value (what `!GetAtt` gives).
    pub attributes: HashMap<String, String>,
    /// Template parameters the local stack fills itself (push platforms).
    pub parameters: HashMap<String, String>,
}

impl Resources {
    /// The physical id of a logical resource of the template.
    pub fn id(&self, logical: &str) -> Option<&str> {
        self.physical.get(logical).map(String::as_str)
    }
}

/// Resource types the dev server stands in for.
pub const PLAYED_BY_DEV_SERVER: &[&str] =
    &["AWS::Serverless::Function", "AWS::Serverless::HttpApi"];

/// Resource types with no local meaning, skipped: monitoring exists only
/// in AWS, and the emulator has no metrics from API Gateway or Lambda for
/// an alarm to watch (the dev server plays both). `resources` leaves them
/// out; the unknown-type check accepts them.
pub const ONLY_IN_AWS: &[&str] = &[
    "AWS::CloudWatch::Alarm",
    "AWS::Logs::LogGroup",
    // The images' CDN: locally, the emulator serves the bucket itself.
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::OriginAccessControl",
];

/// The properties the bootstrap applies, per type. A template property
/// outside this list is an error, so nothing declared is dropped silently.
pub const APPLIED_PROPERTIES: &[(&str, &[&str])] = &[
    (
        "AWS::DynamoDB::Table",
        &[
            "TableName",
            "BillingMode",
            "AttributeDefinitions",
            "KeySchema",
            "GlobalSecondaryIndexes",
            "StreamSpecification",
            "TimeToLiveSpecification",
            "PointInTimeRecoverySpecification",
            "DeletionProtectionEnabled",
        ],
    ),
    (
        "AWS::Cognito::UserPool",
        &[
            "UserPoolName",
            "UsernameConfiguration",
            "AutoVerifiedAttributes",
            "Policies",
            "AccountRecoverySetting",
        ],
    ),
    (
        "AWS::Cognito::UserPoolClient",
        &[
            "ClientName",
            "UserPoolId",
            "GenerateSecret",
            "ExplicitAuthFlows",
            "PreventUserExistenceErrors",
            "EnableTokenRevocation",
            "AccessTokenValidity",
            "IdTokenValidity",
            "RefreshTokenValidity",
            "TokenValidityUnits",
        ],
    ),
    (
        "AWS::Cognito::UserPoolGroup",
        &["GroupName", "UserPoolId", "Precedence"],
    ),
    ("AWS::SNS::Topic", &["TopicName"]),
    (
        "AWS::SQS::Queue",
        &[
            "QueueName",
            "VisibilityTimeout",
            "MessageRetentionPeriod",
            "ReceiveMessageWaitTimeSeconds",
            "RedrivePolicy",
        ],
    ),
    ("AWS::SQS::QueuePolicy", &["Queues", "PolicyDocument"]),
    (
        "AWS::SNS::Subscription",
        &["TopicArn", "Protocol", "Endpoint", "RawMessageDelivery"],
    ),
    ("AWS::SES::EmailIdentity", &["EmailIdentity"]),
    (
        "AWS::S3::Bucket",
        &[
            "BucketName",
            "BucketEncryption",
            "PublicAccessBlockConfiguration",
            "OwnershipControls",
            "LifecycleConfiguration",
        ],
    ),
    ("AWS::S3::BucketPolicy", &["Bucket", "PolicyDocument"]),
];

/// The order in which types are created (dependencies first).
pub const CREATED_TYPES: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::Subscription",
    "AWS::SES::EmailIdentity",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
];

/// The template's resources that exist locally, created or played by the
/// dev server (every one but the `ONLY_IN_AWS` types): logical id → (type,
/// properties).
pub fn resources(template: &Value) -> Result<Vec<(String, String, Value)>> {
    Ok(all_resources(template)?
        .into_iter()
        .filter(|(_, ty, _)| !ONLY_IN_AWS.contains(&ty.as_str()))
        .collect())
}

/// Every resource of the template, `ONLY_IN_AWS` ones included: logical
/// id → (type, properties).
pub fn all_resources(template: &Value) -> Result<Vec<(String, String, Value)>> {
    let map = template
        .get("Resources")
        .and_then(Value::as_mapping)
        .ok_or_else(|| BootstrapError::Template("no Resources".into()))?;
    let mut out = Vec::new();
    for (k, v) in map {
        if let Some(name) = v.get("Condition").and_then(Value::as_str)
            && !condition(template, name)?
        {
            continue;
        }
        out.push((k, v));
    }
    out.into_iter()
        .map(|(k, v)| {
            let id = k
                .as_str()
                .ok_or_else(|| BootstrapError::Template("non-string logical id".into()))?;
            let ty = v
                .get("Type")
                .and_then(Value::as_str)
                .ok_or_else(|| BootstrapError::Template(format!("{id}: no Type")))?;
            Ok((
                id.to_string(),
                ty.to_string(),
                v.get("Properties").cloned().unwrap_or(Value::Null),
            ))
        })
        .collect()
}

/// The Lambda binaries the template builds (`BuildProperties.Binary` of its
/// Serverless functions).
pub fn function_binaries(template: &Value) -> Result<Vec<String>> {
    Ok(resources(template)?
        .into_iter()
        .filter(|(_, ty, _)| ty == "AWS::Serverless::Function")
        .filter_map(|(id, _, _)| {
            template["Resources"][id.as_str()]["Metadata"]["BuildProperties"]["Binary"]
                .as_str()
                .map(String::from)
        })
        .collect())
}

pub fn load(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BootstrapError::Template(format!("{}: {e}", path.display())))?;
    serde_yaml::from_str(&text).map_err(|e| BootstrapError::Template(e.to_string()))
}

/// Resolves `!Ref`, `!Sub` and `!GetAtt` against what exists so far.
struct Resolver<'a> {
    stack: &'a str,
    region: &'a str,
    template: &'a Value,
    created: &'a Resources,
}

impl Resolver<'_> {
    fn value(&self, v: &Value) -> Result<Value> {
        Ok(match v {
            Value::Tagged(tagged) if tagged.tag == "!If" => {
                // Only the branch taken is resolved (the other may name
                // what this stack does not create).
                let (name, then, otherwise) = match tagged.value.as_sequence().map(Vec::as_slice) {
                    Some([Value::String(name), then, otherwise]) => (name, then, otherwise),
                    _ => return Err(BootstrapError::Template(format!("!If {:?}", tagged.value))),
                };
                self.value(if condition(self.template, name)? {
                    then
                } else {
                    otherwise
                })?
            }
            Value::Tagged(tagged) => {
                let tag = tagged.tag.to_string();
                let inner = self.value(&tagged.value)?;
                match tag.as_str() {
                    "!Ref" => Value::String(self.reference(inner.as_str().unwrap_or_default())?),
                    "!Sub" => Value::String(self.substitute(inner.as_str().unwrap_or_default())?),
                    "!FindInMap" => find_in_map(self.template, &inner)?,
                    "!GetAtt" => {
                        let name = inner.as_str().unwrap_or_default();
                        Value::String(
                            self.created
                                .attributes
                                .get(name)
                                .cloned()
                                .unwrap_or_else(|| format!("arn:local:{name}")),
                        )
                    }
                    other => {
                        return Err(BootstrapError::Template(format!(
                            "unsupported intrinsic {other}"
                        )));
                    }
                }
            }
            Value::Mapping(m) => {
                let mut out = serde_yaml::Mapping::new();
                for (k, v) in m {
                    out.insert(k.clone(), self.value(v)?);
                }
                Value::Mapping(out)
            }
            Value::Sequence(s) => {
                Value::Sequence(s.iter().map(|v| self.value(v)).collect::<Result<_>>()?)
            }
            other => other.clone(),
        })
    }

    fn reference(&self, name: &str) -> Result<String> {
        match name {
            "AWS::StackName" => Ok(self.stack.into()),
            "AWS::Region" => Ok(self.region.into()),
            "AWS::Partition" => Ok("aws".into()),
            // The emulator's account.
            "AWS::AccountId" => Ok("123456789012".into()),
            // A resource only AWS has (a CDN a policy names): a stand-in.
            _ if ONLY_IN_AWS.contains(
                &self.template["Resources"][name]["Type"]
                    .as_str()
                    .unwrap_or_default(),
            ) =>
            {
                Ok(format!("local-{name}"))
            }
            _ => {
                if let Some(id) = self.created.physical.get(name) {
                    return Ok(id.clone());
                }
                // `${Logical.Attribute}` in a !Sub.
                if let Some(value) = self.created.attributes.get(name) {
                    return Ok(value.clone());
                }
                // A parameter: the emulator's stack uses the defaults.
                match self.template["Parameters"][name].get("Default") {
                    Some(Value::String(text)) => Ok(text.clone()),
                    Some(other) => Ok(serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_string()),
                    None => Err(BootstrapError::Template(format!(
                        "!Ref {name}: not created yet, nor a parameter with a default"
                    ))),
                }
            }
        }
    }

    fn substitute(&self, text: &str) -> Result<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| BootstrapError::Template(format!("!Sub {text}")))?;
            out.push_str(&self.reference(&rest[start + 2..start + end])?);
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// A parameter's value in the local stack: its default.
fn parameter(template: &Value, name: &str) -> Result<Value> {
    template["Parameters"][name]
        .get("Default")
        .cloned()
        .ok_or_else(|| BootstrapError::Template(format!("parameter {name} has no default")))
}

/// `!FindInMap [Map, Top, Second]`, its keys already resolved.
fn find_in_map(template: &Value, args: &Value) -> Result<Value> {
    let keys: Vec<&str> = args
        .as_sequence()
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match keys.as_slice() {
        [map, top, second] => template["Mappings"][*map][*top]
            .get(*second)
            .cloned()
            .ok_or_else(|| BootstrapError::Template(format!("!FindInMap {map}.{top}.{second}"))),
        _ => Err(BootstrapError::Template(format!("!FindInMap {args:?}"))),
    }
}

/// A condition of `Conditions`, with the parameters' defaults.
pub fn condition(template: &Value, name: &str) -> Result<bool> {
    let expression = template["Conditions"]
        .get(name)
        .ok_or_else(|| BootstrapError::Template(format!("no condition {name}")))?;
    truth(template, expression)
}

fn truth(template: &Value, expression: &Value) -> Result<bool> {
    let Value::Tagged(tagged) = expression else {
        return Err(BootstrapError::Template(format!(
            "condition {expression:?}"
        )));
    };
    let args = tagged.value.as_sequence().map(Vec::as_slice).unwrap_or(&[]);
    let operand = |v: &Value| -> Result<Value> {
        match v {
            Value::Tagged(t) if t.tag == "!Ref" => {
                parameter(template, t.value.as_str().unwrap_or_default())
            }
            Value::Tagged(t) if t.tag == "!FindInMap" => find_in_map(template, &t.value),
            other => Ok(other.clone()),
        }
    };
    let tag = tagged.tag.to_string();
    match (tag.as_str(), args) {
        ("!Equals", [a, b]) => Ok(operand(a)? == operand(b)?),
        ("!Not", [a]) => Ok(!truth(template, a)?),
        ("!And", all) => all
            .iter()
            .try_fold(true, |acc, c| Ok(acc && truth(template, c)?)),
        ("!Or", any) => any
            .iter()
            .try_fold(false, |acc, c| Ok(acc || truth(template, c)?)),
        ("!Condition", _) => condition(template, tagged.value.as_str().unwrap_or_default()),
        _ => Err(BootstrapError::Template(format!("condition {tag}"))),
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn seq<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_sequence)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn aws_err(resource: &str, err: impl std::fmt::Display) -> BootstrapError {
    BootstrapError::Aws {
        resource: resource.into(),
        message: err.to_string(),
    }
}

/// Creates every resource of the template that does not exist yet.
pub async fn apply(
    sdk: &aws_config::SdkConfig,
    template: &Value,
    stack: &str,
) -> Result<Resources> {
    let region = sdk
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".into());
    let ddb = dynamodb::Client::new(sdk);
    let idp = cognito::Client::new(sdk);
    let sns = aws_sdk_sns::Client::new(sdk);
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let ses = aws_sdk_sesv2::Client::new(sdk);
    // Path-style: an emulator on localhost has no bucket subdomains.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    );
    for (id, ty, _) in &all_resources(template)? {
        if ONLY_IN_AWS.contains(&ty.as_str()) {
            continue;
        }
        if !CREATED_TYPES.contains(&ty.as_str()) && !PLAYED_BY_DEV_SERVER.contains(&ty.as_str()) {
            return Err(BootstrapError::Template(format!(
                "{id}: the bootstrap does not know {ty}"
            )));
        }
    }
    let all = resources(template)?;
    for (id, ty, props) in &all {
        let Some((_, applied)) = APPLIED_PROPERTIES.iter().find(|(t, _)| t == ty) else {
            continue;
        };
        for key in props
            .as_mapping()
            .into_iter()
            .flat_map(|m| m.keys())
            .filter_map(Value::as_str)
        {
            if !applied.contains(&key) {
                return Err(BootstrapError::Template(format!(
                    "{id}: the bootstrap does not apply {key}"
                )));
            }
        }
    }
    let mut out = Resources::default();
    for ty in CREATED_TYPES {
        for (id, _, props) in all.iter().filter(|(_, t, _)| t == ty) {
            let props = Resolver {
                stack,
                region: &region,
                template,
                created: &out,
            }
            .value(props)?;
            let physical = match *ty {
                "AWS::DynamoDB::Table" => table(&ddb, id, &props).await?,
                "AWS::Cognito::UserPool" => user_pool(&idp, id, &props).await?,
                "AWS::Cognito::UserPoolClient" => user_pool_client(&idp, id, &props).await?,
                "AWS::Cognito::UserPoolGroup" => group(&idp, id, &props).await?,
                "AWS::SNS::Topic" => topic(&sns, id, &props).await?,
                "AWS::SQS::Queue" => {
                    let (url, arn) = queue(&sqs, id, &props).await?;
                    out.attributes.insert(format!("{id}.Arn"), arn);
                    url
                }
                "AWS::SQS::QueuePolicy" => queue_policy(&sqs, id, &props).await?,
                "AWS::SNS::Subscription" => subscription(&sns, id, &props).await?,
                "AWS::SES::EmailIdentity" => email_identity(&ses, id, &props).await?,
                "AWS::S3::Bucket" => {
                    let name = bucket(&s3, id, &props, stack, &region).await?;
                    out.attributes
                        .insert(format!("{id}.Arn"), format!("arn:aws:s3:::{name}"));
                    name
                }
                "AWS::S3::BucketPolicy" => {
                    let plain_http = sdk.endpoint_url().is_some_and(|u| u.starts_with("http://"));
                    bucket_policy(&s3, id, &props, plain_http).await?
                }
                _ => unreachable!(),
            };
            match *ty {
                "AWS::DynamoDB::Table" => out.table_name = physical.clone(),
                "AWS::Cognito::UserPool" => out.user_pool_id = physical.clone(),
                "AWS::Cognito::UserPoolClient" => out.user_pool_client_id = physical.clone(),
                _ => {}
            }
            out.physical.insert(id.clone(), physical);
        }
    }
    Ok(out)
}

fn key_schema(list: &[Value]) -> Result<Vec<dt::KeySchemaElement>> {
    list.iter()
        .map(|k| {
            dt::KeySchemaElement::builder()
                .attribute_name(s(k, "AttributeName").unwrap_or_default())
                .key_type(dt::KeyType::from(s(k, "KeyType").unwrap_or_default()))
                .build()
                .map_err(|e| BootstrapError::Template(e.to_string()))
        })
        .collect()
}

async fn table(ddb: &dynamodb::Client, id: &str, p: &Value) -> Result<String> {
    let name = s(p, "TableName")
        .ok_or_else(|| BootstrapError::Template(format!("{id}: TableName")))?
        .to_string();
    if ddb.describe_table().table_name(&name).send().await.is_ok() {
        return Ok(name);
    }
    let mut create = ddb
        .create_table()
        .table_name(&name)
        .billing_mode(dt::BillingMode::from(
            s(p, "BillingMode").unwrap_or("PAY_PER_REQUEST"),
        ))
        .set_key_schema(Some(key_schema(seq(p, "KeySchema"))?))
        .set_deletion_protection_enabled(
            p.get("DeletionProtectionEnabled").and_then(Value::as_bool),
        );
    for a in seq(p, "AttributeDefinitions") {
        create = create.attribute_definitions(
            dt::AttributeDefinition::builder()
                .attribute_name(s(a, "AttributeName").unwrap_or_default())
                .attribute_type(dt::ScalarAttributeType::from(
                    s(a, "AttributeType").unwrap_or_default(),
                ))
                .build()
                .map_err(|e| aws_err(id, e))?,
        );
    }
    for g in seq(p, "GlobalSecondaryIndexes") {
        let projection = g
            .get("Projection")
            .and_then(|pr| s(pr, "ProjectionType"))
            .unwrap_or("ALL");
        create = create.global_secondary_indexes(
            dt::GlobalSecondaryIndex::builder()
                .index_name(s(g, "IndexName").unwrap_or_default())
                .set_key_schema(Some(key_schema(seq(g, "KeySchema"))?))
                .projection(
                    dt::Projection::builder()
                        .projection_type(dt::ProjectionType::from(projection))
                        .build(),
                )
                .build()
                .map_err(|e| aws_err(id, e))?,
        );
    }
    if let Some(stream) = p.get("StreamSpecification") {
        create = create.stream_specification(
            dt::StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(dt::StreamViewType::from(
                    s(stream, "StreamViewType").unwrap_or("NEW_AND_OLD_IMAGES"),
                ))
                .build()
                .map_err(|e| aws_err(id, e))?,
        );
    }
    create
        .send()
        .await
        .map_err(|e| aws_err(id, dynamodb::error::DisplayErrorContext(e)))?;
    if p.get("PointInTimeRecoverySpecification")
        .and_then(|x| x.get("PointInTimeRecoveryEnabled"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        ddb.update_continuous_backups()
            .table_name(&name)
            .point_in_time_recovery_specification(
                dt::PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(true)
                    .build()
                    .map_err(|e| aws_err(id, e))?,
            )
            .send()
            .await
            .map_err(|e| aws_err(id, dynamodb::error::DisplayErrorContext(e)))?;
    }
    if let Some(ttl) = p.get("TimeToLiveSpecification") {
        ddb.update_time_to_live()
            .table_name(&name)
            .time_to_live_specification(
                dt::TimeToLiveSpecification::builder()
                    .attribute_name(s(ttl, "AttributeName").unwrap_or_default())
                    .enabled(ttl.get("Enabled").and_then(Value::as_bool).unwrap_or(true))
                    .build()
                    .map_err(|e| aws_err(id, e))?,
            )
            .send()
            .await
            .map_err(|e| aws_err(id, dynamodb::error::DisplayErrorContext(e)))?;
    }
    Ok(name)
}

async fn find_pool(idp: &cognito::Client, name: &str) -> Result<Option<String>> {
    let mut next = None;
    loop {
        let page = idp
            .list_user_pools()
            .max_results(60)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| aws_err(name, cognito::error::DisplayErrorContext(e)))?;
        if let Some(pool) = page.user_pools().iter().find(|p| p.name() == Some(name)) {
            return Ok(pool.id().map(String::from));
        }
        next = page.next_token;
        if next.is_none() {
            return Ok(None);
        }
    }
}

async fn user_pool(idp: &cognito::Client, id: &str, p: &Value) -> Result<String> {
    let name = s(p, "UserPoolName")
        .ok_or_else(|| BootstrapError::Template(format!("{id}: UserPoolName")))?;
    if let Some(existing) = find_pool(idp, name).await? {
        return Ok(existing);
    }
    let policy = p
        .get("Policies")
        .and_then(|x| x.get("PasswordPolicy"))
        .cloned()
        .unwrap_or(Value::Null);
    let flag = |k: &str| policy.get(k).and_then(Value::as_bool).unwrap_or(true);
    let password = ct::PasswordPolicyType::builder()
        .minimum_length(
            policy
                .get("MinimumLength")
                .and_then(Value::as_i64)
                .unwrap_or(8) as i32,
        )
        .require_lowercase(flag("RequireLowercase"))
        .require_uppercase(flag("RequireUppercase"))
        .require_numbers(flag("RequireNumbers"))
        .require_symbols(flag("RequireSymbols"))
        .build();
    let mut create = idp.create_user_pool().pool_name(name).policies(
        ct::UserPoolPolicyType::builder()
            .password_policy(password)
            .build(),
    );
    for attr in seq(p, "AutoVerifiedAttributes") {
        create = create.auto_verified_attributes(ct::VerifiedAttributeType::from(
            attr.as_str().unwrap_or_default(),
        ));
    }
    if let Some(cs) = p
        .get("UsernameConfiguration")
        .and_then(|u| u.get("CaseSensitive"))
        .and_then(Value::as_bool)
    {
        create = create.username_configuration(
            ct::UsernameConfigurationType::builder()
                .case_sensitive(cs)
                .build()
                .map_err(|e| aws_err(id, e))?,
        );
    }
    let mechanisms = p
        .get("AccountRecoverySetting")
        .map(|a| seq(a, "RecoveryMechanisms"))
        .unwrap_or(&[]);
    if !mechanisms.is_empty() {
        let mut setting = ct::AccountRecoverySettingType::builder();
        for m in mechanisms {
            setting = setting.recovery_mechanisms(
                ct::RecoveryOptionType::builder()
                    .name(ct::RecoveryOptionNameType::from(
                        s(m, "Name").unwrap_or_default(),
                    ))
                    .priority(m.get("Priority").and_then(Value::as_i64).unwrap_or(1) as i32)
                    .build()
                    .map_err(|e| aws_err(id, e))?,
            );
        }
        create = create.account_recovery_setting(setting.build());
    }
    let out = create
        .send()
        .await
        .map_err(|e| aws_err(id, cognito::error::DisplayErrorContext(e)))?;
    out.user_pool
        .and_then(|pool| pool.id)
        .ok_or_else(|| aws_err(id, "no pool id returned"))
}

async fn user_pool_client(idp: &cognito::Client, id: &str, p: &Value) -> Result<String> {
    let pool =
        s(p, "UserPoolId").ok_or_else(|| BootstrapError::Template(format!("{id}: UserPoolId")))?;
    let name =
        s(p, "ClientName").ok_or_else(|| BootstrapError::Template(format!("{id}: ClientName")))?;
    let existing = idp
        .list_user_pool_clients()
        .user_pool_id(pool)
        .max_results(60)
        .send()
        .await
        .map_err(|e| aws_err(id, cognito::error::DisplayErrorContext(e)))?;
    if let Some(client) = existing
        .user_pool_clients()
        .iter()
        .find(|c| c.client_name() == Some(name))
    {
        return Ok(client.client_id().unwrap_or_default().to_string());
    }
    let mut create = idp
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name(name)
        .generate_secret(
            p.get("GenerateSecret")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        );
    for flow in seq(p, "ExplicitAuthFlows") {
        create = create.explicit_auth_flows(ct::ExplicitAuthFlowsType::from(
            flow.as_str().unwrap_or_default(),
        ));
    }
    if let Some(v) = s(p, "PreventUserExistenceErrors") {
        create = create.prevent_user_existence_errors(ct::PreventUserExistenceErrorTypes::from(v));
    }
    if let Some(v) = p.get("EnableTokenRevocation").and_then(Value::as_bool) {
        create = create.enable_token_revocation(v);
    }
    let int = |k: &str| p.get(k).and_then(Value::as_i64).map(|v| v as i32);
    create = create
        .set_access_token_validity(int("AccessTokenValidity"))
        .set_id_token_validity(int("IdTokenValidity"))
        .set_refresh_token_validity(int("RefreshTokenValidity"));
    if let Some(units) = p.get("TokenValidityUnits") {
        let unit = |k: &str| s(units, k).map(ct::TimeUnitsType::from);
        create = create.token_validity_units(
            ct::TokenValidityUnitsType::builder()
                .set_access_token(unit("AccessToken"))
                .set_id_token(unit("IdToken"))
                .set_refresh_token(unit("RefreshToken"))
                .build(),
        );
    }
    let out = create
        .send()
        .await
        .map_err(|e| aws_err(id, cognito::error::DisplayErrorContext(e)))?;
    out.user_pool_client
        .and_then(|c| c.client_id)
        .ok_or_else(|| aws_err(id, "no client id returned"))
}

async fn group(idp: &cognito::Client, id: &str, p: &Value) -> Result<String> {
    let pool =
        s(p, "UserPoolId").ok_or_else(|| BootstrapError::Template(format!("{id}: UserPoolId")))?;
    let name =
        s(p, "GroupName").ok_or_else(|| BootstrapError::Template(format!("{id}: GroupName")))?;
    let created = idp
        .create_group()
        .user_pool_id(pool)
        .group_name(name)
        .set_precedence(
            p.get("Precedence")
                .and_then(Value::as_i64)
                .map(|v| v as i32),
        )
        .send()
        .await;
    match created {
        Ok(_) => Ok(name.to_string()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_group_exists_exception()) =>
        {
            Ok(name.to_string())
        }
        Err(e) => Err(aws_err(id, cognito::error::DisplayErrorContext(e))),
    }
}

fn json_text(id: &str, v: &Value) -> Result<String> {
    serde_json::to_string(v).map_err(|e| BootstrapError::Template(format!("{id}: {e}")))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

async fn topic(sns: &aws_sdk_sns::Client, id: &str, p: &Value) -> Result<String> {
    let name =
        s(p, "TopicName").ok_or_else(|| BootstrapError::Template(format!("{id}: TopicName")))?;
    // CreateTopic is idempotent: the same name gives the same topic.
    let out = sns
        .create_topic()
        .name(name)
        .send()
        .await
        .map_err(|e| aws_err(id, aws_sdk_sns::error::DisplayErrorContext(e)))?;
    out.topic_arn
        .ok_or_else(|| aws_err(id, "no topic ARN returned"))
}

/// Creates a queue (idempotent with the same attributes); returns its URL
/// (`!Ref`) and ARN (`!GetAtt .Arn`).
async fn queue(sqs: &aws_sdk_sqs::Client, id: &str, p: &Value) -> Result<(String, String)> {
    use aws_sdk_sqs::types::QueueAttributeName as A;
    let name =
        s(p, "QueueName").ok_or_else(|| BootstrapError::Template(format!("{id}: QueueName")))?;
    let mut create = sqs.create_queue().queue_name(name);
    for (key, attr) in [
        ("VisibilityTimeout", A::VisibilityTimeout),
        ("MessageRetentionPeriod", A::MessageRetentionPeriod),
        (
            "ReceiveMessageWaitTimeSeconds",
            A::ReceiveMessageWaitTimeSeconds,
        ),
    ] {
        if let Some(value) = p.get(key).and_then(scalar) {
            create = create.attributes(attr, value);
        }
    }
    if let Some(redrive) = p.get("RedrivePolicy") {
        create = create.attributes(A::RedrivePolicy, json_text(id, redrive)?);
    }
    let url = create
        .send()
        .await
        .map_err(|e| aws_err(id, aws_sdk_sqs::error::DisplayErrorContext(e)))?
        .queue_url
        .ok_or_else(|| aws_err(id, "no queue URL returned"))?;
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(A::QueueArn)
        .send()
        .await
        .map_err(|e| aws_err(id, aws_sdk_sqs::error::DisplayErrorContext(e)))?
        .attributes
        .and_then(|mut a| a.remove(&A::QueueArn))
        .ok_or_else(|| aws_err(id, "no queue ARN"))?;
    Ok((url, arn))
}

async fn queue_policy(sqs: &aws_sdk_sqs::Client, id: &str, p: &Value) -> Result<String> {
    let policy = json_text(id, p.get("PolicyDocument").unwrap_or(&Value::Null))?;
    for queue in seq(p, "Queues").iter().filter_map(Value::as_str) {
        sqs.set_queue_attributes()
            .queue_url(queue)
            .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, &policy)
            .send()
            .await
            .map_err(|e| aws_err(id, aws_sdk_sqs::error::DisplayErrorContext(e)))?;
    }
    Ok(id.to_string())
}

async fn subscription(sns: &aws_sdk_sns::Client, id: &str, p: &Value) -> Result<String> {
    let field = |k: &str| s(p, k).ok_or_else(|| BootstrapError::Template(format!("{id}: {k}")));
    let mut subscribe = sns
        .subscribe()
        .topic_arn(field("TopicArn")?)
        .protocol(field("Protocol")?)
        .endpoint(field("Endpoint")?)
        .return_subscription_arn(true);
    if let Some(raw) = p.get("RawMessageDelivery").and_then(scalar) {
        subscribe = subscribe.attributes("RawMessageDelivery", raw);
    }
    // Subscribing the same endpoint again returns the same subscription.
    let out = subscribe
        .send()
        .await
        .map_err(|e| aws_err(id, aws_sdk_sns::error::DisplayErrorContext(e)))?;
    out.subscription_arn
        .ok_or_else(|| aws_err(id, "no subscription ARN returned"))
}

async fn email_identity(ses: &aws_sdk_sesv2::Client, id: &str, p: &Value) -> Result<String> {
    let identity = s(p, "EmailIdentity")
        .ok_or_else(|| BootstrapError::Template(format!("{id}: EmailIdentity")))?;
    match ses
        .create_email_identity()
        .email_identity(identity)
        .send()
        .await
    {
        Ok(_) => Ok(identity.to_string()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_already_exists_exception()) =>
        {
            Ok(identity.to_string())
        }
        Err(e) => Err(aws_err(id, aws_sdk_sesv2::error::DisplayErrorContext(e))),
    }
}

fn s3_err<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    id: &str,
    e: aws_sdk_s3::error::SdkError<E, R>,
) -> BootstrapError {
    aws_err(id, aws_sdk_s3::error::DisplayErrorContext(e))
}

/// Creates a bucket (kept if it exists) and applies its encryption,
/// public access block, ownership and lifecycle rules. Without a
/// `BucketName`, it is named `<stack>-<logical id>` in lower case.
async fn bucket(
    s3: &aws_sdk_s3::Client,
    id: &str,
    p: &Value,
    stack: &str,
    region: &str,
) -> Result<String> {
    use aws_sdk_s3::types as st;
    let template = |what: &str| BootstrapError::Template(format!("{id}: {what}"));
    let name = s(p, "BucketName")
        .map(String::from)
        .unwrap_or_else(|| format!("{stack}-{id}").to_lowercase());
    let mut create = s3.create_bucket().bucket(&name);
    if region != "us-east-1" {
        create = create.create_bucket_configuration(
            st::CreateBucketConfiguration::builder()
                .location_constraint(st::BucketLocationConstraint::from(region))
                .build(),
        );
    }
    if let Err(e) = create.send().await {
        let owned = e
            .as_service_error()
            .is_some_and(|e| e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists());
        if !owned {
            return Err(s3_err(id, e));
        }
    }
    let built = |e: aws_sdk_s3::error::BuildError| template(&e.to_string());
    if let Some(rules) = p["BucketEncryption"]["ServerSideEncryptionConfiguration"].as_sequence() {
        let mut config = st::ServerSideEncryptionConfiguration::builder();
        for rule in rules {
            let default = &rule["ServerSideEncryptionByDefault"];
            let algorithm = s(default, "SSEAlgorithm").ok_or_else(|| template("SSEAlgorithm"))?;
            config = config.rules(
                st::ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(
                        st::ServerSideEncryptionByDefault::builder()
                            .sse_algorithm(st::ServerSideEncryption::from(algorithm))
                            .build()
                            .map_err(built)?,
                    )
                    .set_bucket_key_enabled(rule["BucketKeyEnabled"].as_bool())
                    .build(),
            );
        }
        s3.put_bucket_encryption()
            .bucket(&name)
            .server_side_encryption_configuration(config.build().map_err(built)?)
            .send()
            .await
            .map_err(|e| s3_err(id, e))?;
    }
    let block = &p["PublicAccessBlockConfiguration"];
    if block.is_mapping() {
        s3.put_public_access_block()
            .bucket(&name)
            .public_access_block_configuration(
                st::PublicAccessBlockConfiguration::builder()
                    .set_block_public_acls(block["BlockPublicAcls"].as_bool())
                    .set_block_public_policy(block["BlockPublicPolicy"].as_bool())
                    .set_ignore_public_acls(block["IgnorePublicAcls"].as_bool())
                    .set_restrict_public_buckets(block["RestrictPublicBuckets"].as_bool())
                    .build(),
            )
            .send()
            .await
            .map_err(|e| s3_err(id, e))?;
    }
    if let Some(rules) = p["OwnershipControls"]["Rules"].as_sequence() {
        let mut controls = st::OwnershipControls::builder();
        for rule in rules {
            let ownership =
                s(rule, "ObjectOwnership").ok_or_else(|| template("ObjectOwnership"))?;
            controls = controls.rules(
                st::OwnershipControlsRule::builder()
                    .object_ownership(st::ObjectOwnership::from(ownership))
                    .build()
                    .map_err(built)?,
            );
        }
        s3.put_bucket_ownership_controls()
            .bucket(&name)
            .ownership_controls(controls.build().map_err(built)?)
            .send()
            .await
            .map_err(|e| s3_err(id, e))?;
    }
    if let Some(rules) = p["LifecycleConfiguration"]["Rules"].as_sequence() {
        let mut config = st::BucketLifecycleConfiguration::builder();
        for rule in rules {
            let mut filter = st::LifecycleRuleFilter::builder().prefix("");
            if let Some(tag) = seq(rule, "TagFilters").first() {
                filter = st::LifecycleRuleFilter::builder().tag(
                    st::Tag::builder()
                        .key(s(tag, "Key").unwrap_or_default())
                        .value(s(tag, "Value").unwrap_or_default())
                        .build()
                        .map_err(built)?,
                );
            }
            let mut lifecycle = st::LifecycleRule::builder()
                .set_id(s(rule, "Id").map(String::from))
                .status(st::ExpirationStatus::from(
                    s(rule, "Status").unwrap_or("Enabled"),
                ))
                .filter(filter.build());
            if let Some(days) = rule["ExpirationInDays"].as_i64() {
                lifecycle = lifecycle
                    .expiration(st::LifecycleExpiration::builder().days(days as i32).build());
            }
            if let Some(days) =
                rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"].as_i64()
            {
                lifecycle = lifecycle.abort_incomplete_multipart_upload(
                    st::AbortIncompleteMultipartUpload::builder()
                        .days_after_initiation(days as i32)
                        .build(),
                );
            }
            config = config.rules(lifecycle.build().map_err(built)?);
        }
        s3.put_bucket_lifecycle_configuration()
            .bucket(&name)
            .lifecycle_configuration(config.build().map_err(built)?)
            .send()
            .await
            .map_err(|e| s3_err(id, e))?;
    }
    Ok(name)
}

/// Applies a bucket policy. Against a plain-HTTP endpoint (an emulator),
/// a statement conditioned on `aws:SecureTransport` is left out: no request
/// could ever be TLS there, and the emulator enforces bucket policies.
async fn bucket_policy(
    s3: &aws_sdk_s3::Client,
    id: &str,
    p: &Value,
    plain_http: bool,
) -> Result<String> {
    let bucket = s(p, "Bucket").ok_or_else(|| BootstrapError::Template(format!("{id}: Bucket")))?;
    let mut document = p.get("PolicyDocument").cloned().unwrap_or(Value::Null);
    if plain_http
        && let Some(statements) = document
            .get_mut("Statement")
            .and_then(Value::as_sequence_mut)
    {
        statements.retain(|st| {
            !serde_json::to_string(&st["Condition"])
                .is_ok_and(|c| c.contains("aws:SecureTransport"))
        });
        if statements.is_empty() {
            return Ok(id.to_string());
        }
    }
    let policy = json_text(id, &document)?;
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(policy)
        .send()
        .await
        .map_err(|e| s3_err(id, e))?;
    Ok(id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both checks come before any AWS call: nothing answers there.
    async fn apply_offline(yaml: &str) -> Result<Resources> {
        let template: Value = serde_yaml::from_str(yaml).unwrap();
        let sdk = crate::local::sdk_config("http://127.0.0.1:9", "eu-west-3").await;
        apply(&sdk, &template, "x").await
    }

    #[tokio::test]
    async fn alarms_exist_only_in_aws() {
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Namespace: AWS/Lambda\n      AlarmActions: [!Ref T]\n";
        let template: Value = serde_yaml::from_str(yaml).unwrap();
        assert!(resources(&template).unwrap().is_empty());
        assert_eq!(all_resources(&template).unwrap().len(), 1);
        assert!(apply_offline(yaml).await.unwrap().physical.is_empty());
    }

    const ENVIRONMENTS: &str = r#"
Parameters:
  Environment:
    Type: String
    Default: dev
Mappings:
  Envs:
    dev: { Memory: 128 }
    prod: { Memory: 256 }
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  HasAlarms: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Condition HasAlarms]
Resources:
  T:
    Type: AWS::SNS::Topic
    Condition: IsProd
    Properties:
      TopicName: t
  U:
    Type: AWS::SNS::Topic
    Condition: HasAlarms
    Properties:
      TopicName: !If [IsProd, !Ref T, u]
      Memory: !FindInMap [Envs, !Ref Environment, Memory]
"#;

    #[test]
    fn conditions_use_the_parameters_defaults_and_skip_what_is_false() {
        let template: Value = serde_yaml::from_str(ENVIRONMENTS).unwrap();
        assert!(!condition(&template, "IsProd").unwrap());
        assert!(condition(&template, "HasAlarms").unwrap());
        assert!(!condition(&template, "Both").unwrap());
        assert!(condition(&template, "Missing").is_err());
        let ids: Vec<String> = all_resources(&template)
            .unwrap()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        assert_eq!(ids, ["U"], "T's condition is false");
        let created = Resources::default();
        let resolver = Resolver {
            stack: "x",
            region: "eu-west-3",
            template: &template,
            created: &created,
        };
        // The branch not taken (!Ref T, not created) is not resolved.
        let props = resolver
            .value(&template["Resources"]["U"]["Properties"])
            .unwrap();
        assert_eq!(props["TopicName"], Value::from("u"));
        assert_eq!(props["Memory"], Value::from(128));
    }
}
