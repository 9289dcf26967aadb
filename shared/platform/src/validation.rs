//! Input validation helpers: `validator` errors in DRF shape with French
//! messages, and the small checks shared by every area.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::FieldErrors;

pub const REQUIRED: &str = "Ce champ est obligatoire.";

/// Flattens `validator`'s tree into DRF's `{"field": ["message"]}`;
/// nested fields are joined with dots (`competences.2`).
pub fn field_errors(errors: &ValidationErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    collect(errors, "", &mut out);
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut FieldErrors) {
    for (field, kind) in errors.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.entry(name)
                    .or_default()
                    .extend(list.iter().map(message));
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &name, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{name}.{index}"), out);
                }
            }
        }
    }
}

fn message(error: &ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    let param = |key: &str| error.params.get(key).map(|v| v.to_string());
    match error.code.as_ref() {
        "required" => REQUIRED.into(),
        "email" => "Saisissez une adresse e-mail valide.".into(),
        "url" => "Saisissez une URL valide.".into(),
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => {
                format!("Ce champ doit comporter entre {min} et {max} caractères.")
            }
            (Some(min), None) => format!("Ce champ doit comporter au moins {min} caractères."),
            (None, Some(max)) => format!("Ce champ ne doit pas dépasser {max} caractères."),
            _ => "Longueur invalide.".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => {
                format!("Cette valeur doit être comprise entre {min} et {max}.")
            }
            (Some(min), None) => format!("Cette valeur doit être supérieure ou égale à {min}."),
            (None, Some(max)) => format!("Cette valeur doit être inférieure ou égale à {max}."),
            _ => "Valeur hors limites.".into(),
        },
        _ => "Valeur invalide.".into(),
    }
}

fn error(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Borrowed(message))
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\+[1-9][0-9]{7,14}$").unwrap());

/// Only http(s) links: no `javascript:` or `data:` URLs in a profile or a publication.
pub fn web_url(value: &str) -> Result<(), validator::ValidationError> {
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Ok(())
    } else {
        Err(validator::ValidationError::new("url")
            .with_message("Saisissez une URL http(s) valide.".into()))
    }
}

/// Phone numbers are E.164 (`+22501020304`), which is what SMS needs.
pub fn phone(value: &str) -> Result<(), ValidationError> {
    if PHONE.is_match(value) {
        Ok(())
    } else {
        Err(error(
            "phone",
            "Numéro de téléphone invalide : format international attendu (+22501020304).",
        ))
    }
}

/// Free text must not carry control characters (other than line breaks
/// and tabs); HTML content is sanitized separately where it is allowed.
pub fn plain_text(value: &str) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(error("plain_text", "Caractères de contrôle interdits."));
    }
    if value.contains('<') && value.contains('>') {
        return Err(error(
            "plain_text",
            "Le balisage HTML n'est pas autorisé dans ce champ.",
        ));
    }
    Ok(())
}

/// Rich text (message bodies, descriptions) keeps basic formatting;
/// scripts, event handlers, styles and unsafe URLs are removed (ammonia's
/// allow-list), and images too: a remote image would tell its author when
/// and where the text was read.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

/// True when sanitized HTML shows no text (`<p> </p>`, `<br>`).
pub fn is_blank(html: &str) -> bool {
    ammonia::Builder::empty()
        .clean(html)
        .to_string()
        .replace("&nbsp;", " ")
        .trim()
        .is_empty()
}

/// Text that is more than blanks (a reason, a title).
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(error("blank", "Ce champ ne peut pas être vide."))
    } else {
        Ok(())
    }
}

/// Each entry of a list of short labels (skills, services) is plain, non
/// empty text of at most 100 characters, with at most 50 entries.
pub fn labels(values: &[String]) -> Result<(), ValidationError> {
    if values.len() > 50 {
        return Err(error("labels", "50 éléments au maximum."));
    }
    for v in values {
        let count = v.trim().chars().count();
        if count == 0 || count > 100 {
            return Err(error(
                "labels",
                "Chaque élément doit comporter entre 1 et 100 caractères.",
            ));
        }
        plain_text(v)?;
    }
    Ok(())
}

/// The password rules of the user pool (template.yaml, PasswordPolicy),
/// checked here so the user gets every reason at once.
pub fn password(value: &str) -> Result<(), ValidationError> {
    let mut missing = Vec::new();
    if value.chars().count() < 8 {
        missing.push("8 caractères au moins");
    }
    if !value.chars().any(|c| c.is_ascii_lowercase()) {
        missing.push("une minuscule");
    }
    if !value.chars().any(|c| c.is_ascii_uppercase()) {
        missing.push("une majuscule");
    }
    if !value.chars().any(|c| c.is_ascii_digit()) {
        missing.push("un chiffre");
    }
    if !value
        .chars()
        .any(|c| "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-".contains(c))
    {
        missing.push("un caractère spécial");
    }
    if value.chars().count() > 256 {
        return Err(error(
            "password",
            "Le mot de passe ne doit pas dépasser 256 caractères.",
        ));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        let mut e = ValidationError::new("password");
        e.message =
            Some(format!("Mot de passe trop faible : il faut {}.", missing.join(", ")).into());
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Sample {
        #[validate(required, email)]
        email: Option<String>,
        #[validate(length(min = 2, max = 5))]
        nom: String,
        #[validate(custom(function = "labels"))]
        competences: Vec<String>,
    }

    #[test]
    fn messages_are_french_and_drf_shaped() {
        let sample = Sample {
            email: None,
            nom: "x".into(),
            competences: vec!["".into()],
        };
        let errors = field_errors(&sample.validate().unwrap_err());
        assert_eq!(errors["email"], vec![REQUIRED]);
        assert_eq!(
            errors["nom"],
            vec!["Ce champ doit comporter entre 2 et 5 caractères."]
        );
        assert!(errors["competences"][0].contains("entre 1 et 100"));
    }

    #[test]
    fn password_lists_every_missing_rule() {
        assert!(password("Str0ng!pass").is_ok());
        let msg = password("abc").unwrap_err().message.unwrap().to_string();
        for rule in ["8 caractères", "majuscule", "chiffre", "spécial"] {
            assert!(msg.contains(rule), "{msg}");
        }
        assert!(!msg.contains("minuscule"));
    }

    #[test]
    fn phone_is_e164() {
        assert!(phone("+22501020304").is_ok());
        for bad in ["0102030405", "+0123456789", "+225 01 02", "+1234"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_text_refuses_markup_and_controls() {
        assert!(plain_text("Développeur Rust\nAbidjan").is_ok());
        assert!(plain_text("a < b").is_ok());
        assert!(plain_text("<script>alert(1)</script>").is_err());
        assert!(plain_text("nul\u{0}byte").is_err());
    }
}
