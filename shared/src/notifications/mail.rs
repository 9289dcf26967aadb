//! Emails, rendered by the project in French (SES templates are not used):
//! a subject, a text part and an HTML part, addressed to the recipient by
//! name, with a link to the item. Every value is escaped in the HTML part.

use crate::notifications::events::Event;

#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What an email needs to know about its recipient.
pub struct Recipient<'a> {
    pub prenom: &'a str,
    pub nom: &'a str,
}

/// The email for `event`; `app_url` is the web app's base URL.
pub fn render(event: &Event, to: &Recipient, app_url: &str) -> Email {
    let name = format!("{} {}", to.prenom.trim(), to.nom.trim());
    let name = name.trim();
    let link = event
        .lien
        .as_deref()
        .map(|path| format!("{}{path}", app_url.trim_end_matches('/')));
    let mut text = format!("Bonjour {name},\n\n{}\n", event.message);
    if let Some(link) = &link {
        text.push_str(&format!("\nPour le consulter : {link}\n"));
    }
    text.push_str(FOOTER_TEXT);
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:sans-serif\"><p>Bonjour {name},</p><p>{message}</p>",
        title = escape(&event.titre),
        name = escape(name),
        message = escape(&event.message),
    );
    if let Some(link) = &link {
        html.push_str(&format!(
            "<p><a href=\"{href}\">Consulter sur DestinyJobs</a></p>",
            href = escape(link)
        ));
    }
    html.push_str(FOOTER_HTML);
    Email {
        subject: format!("DestinyJobs : {}", event.titre),
        text,
        html,
    }
}

const FOOTER_TEXT: &str =
    "\n--\nDestinyJobs. Vous recevez ce message parce que vous avez un compte sur DestinyJobs.\n";
const FOOTER_HTML: &str = "<hr><p style=\"color:#666;font-size:12px\">DestinyJobs. Vous recevez ce message \
     parce que vous avez un compte sur DestinyJobs.</p></body></html>";

/// The short form for SMS and push: title and message, bounded.
pub fn short(event: &Event, max_chars: usize) -> String {
    let text = format!("DestinyJobs : {}. {}", event.titre, event.message);
    if text.chars().count() <= max_chars {
        return text;
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The SMS text: one segment. French quotes and the ellipsis become GSM-7
/// characters; a text that still needs UCS-2 (say, « ê ») is cut to 70
/// characters, since UCS-2 segments hold 70, not 160.
pub fn sms(event: &Event) -> String {
    let text = format!("DestinyJobs : {}. {}", event.titre, event.message)
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace("« ", "\"")
        .replace(" »", "\"")
        .replace(['«', '»'], "\"")
        .replace('…', "...");
    let limit = if text.chars().all(is_gsm7) { 160 } else { 70 };
    if text.chars().count() <= limit {
        return text;
    }
    let mut cut: String = text.chars().take(limit - 3).collect();
    cut.push_str("...");
    cut
}

/// The GSM 03.38 basic character set (what fits 160 characters per SMS).
fn is_gsm7(c: char) -> bool {
    const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    BASIC.contains(c)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_name_the_recipient_and_link_the_item_in_both_parts() {
        let event = Event::message_recu("u", "Jean <Admin>", "Entretien & suite", "01MSG");
        let email = render(
            &event,
            &Recipient {
                prenom: "Awa",
                nom: "Kouassi",
            },
            "https://app.destinyjobs.example/",
        );
        assert_eq!(
            email.subject,
            "DestinyJobs : Nouveau message de Jean <Admin>"
        );
        assert!(email.text.starts_with("Bonjour Awa Kouassi,"));
        assert!(
            email
                .text
                .contains("https://app.destinyjobs.example/messages/01MSG")
        );
        assert!(email.text.contains("« Entretien & suite »"));
        assert!(email.html.contains("Bonjour Awa Kouassi,"));
        assert!(
            email
                .html
                .contains("href=\"https://app.destinyjobs.example/messages/01MSG\"")
        );
        // Values are escaped in HTML, so a name cannot inject markup.
        assert!(email.html.contains("Jean &lt;Admin&gt;"));
        assert!(email.html.contains("Entretien &amp; suite"));
        assert!(!email.html.contains("<Admin>"));
        assert!(email.html.contains("lang=\"fr\""));
    }

    #[test]
    fn emails_without_a_link_say_nothing_of_one() {
        let mut event = Event::compte_valide("u");
        event.lien = None;
        let email = render(
            &event,
            &Recipient {
                prenom: "A",
                nom: "B",
            },
            "http://x",
        );
        assert!(!email.text.contains("consulter"));
        assert!(!email.html.contains("href"));
    }

    #[test]
    fn sms_fit_one_segment() {
        let event = Event::message_recu("u", "Awa Kouassi", "Entretien", "01MSG");
        let text = sms(&event);
        assert!(text.contains("\"Entretien\""), "{text}");
        assert!(text.chars().all(is_gsm7), "{text}");
        assert!(text.chars().count() <= 160);
        let long = Event::compte_refuse("u", Some(&"x".repeat(500)));
        let text = sms(&long);
        assert_eq!(text.chars().count(), 160, "{text}");
        assert!(text.ends_with("..."));
        // A character outside GSM-7 makes it UCS-2: 70 characters.
        let ucs2 = Event::compte_refuse("u", Some(&"fenêtre ".repeat(50)));
        assert_eq!(sms(&ucs2).chars().count(), 70);
    }

    #[test]
    fn short_texts_are_bounded() {
        let event = Event::compte_refuse("u", Some(&"x".repeat(500)));
        let sms = short(&event, 160);
        assert_eq!(sms.chars().count(), 160);
        assert!(sms.ends_with('…'));
        let ok = Event::compte_valide("u");
        assert!(short(&ok, 1000).starts_with("DestinyJobs : Votre compte a été validé."));
    }
}
