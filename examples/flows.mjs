// The main DestinyJobs flows with fetch (Node 18+ or a browser), as a web
// or mobile app would call the API. docs/integration.md explains each step.
//
//   BASE_URL=http://127.0.0.1:3000 ADMIN_EMAIL=admin@destinyjobs.local \
//   ADMIN_PASSWORD='Admin-Dev-2026!' node examples/flows.mjs
//
// Registration confirms emails on the local stack (AUTO_CONFIRM_EMAIL);
// elsewhere, POST /api/auth/verify-email/ with the mailed code first.
// make test runs this against a fresh local stack.

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const ADMIN_EMAIL = process.env.ADMIN_EMAIL ?? "admin@destinyjobs.local";
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? "Admin-Dev-2026!";
const PASSWORD = "Str0ng!Passw0rd";
const run = Date.now().toString(36);

/** An API error, with the DRF body the API answered. */
class ApiError extends Error {
  constructor(status, body) {
    super(`${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

/** A signed-in session: its tokens, refreshed once on a 401. */
class Session {
  constructor(access, refresh) {
    this.access = access;
    this.refresh = refresh;
  }

  static async login(email, password) {
    const { access, refresh, user } = await api("POST", "/api/auth/login/", { body: { email, password } });
    const session = new Session(access, refresh);
    session.user = user;
    return session;
  }

  async call(method, path, options = {}) {
    try {
      return await api(method, path, { ...options, token: this.access });
    } catch (e) {
      // An expired access token: get a new one with the refresh token,
      // then try once more. A revoked session (logout) fails here too.
      if (!(e instanceof ApiError) || e.status !== 401 || !this.refresh) throw e;
      const { access } = await api("POST", "/api/auth/refresh/", { body: { refresh: this.refresh } });
      this.access = access;
      return api(method, path, { ...options, token: this.access });
    }
  }
}

/** One request; JSON in and out; throws ApiError on a 4xx or 5xx. */
async function api(method, path, { body, form, token, expect } = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload;
    if (form) payload = form;
    else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const response = await fetch(BASE_URL + path, { method, headers, body: payload });
    // 429: wait as long as Retry-After says (here, at most twice).
    if (response.status === 429 && attempt < 2) {
      const wait = Number(response.headers.get("retry-after") ?? "1");
      if (wait <= 5) {
        await new Promise((r) => setTimeout(r, wait * 1000));
        continue;
      }
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (expect !== undefined ? response.status !== expect : !response.ok) throw new ApiError(response.status, data);
    return data;
  }
}

/** Every item of a cursor-paginated list: follow `next` until null. */
async function* all(session, path) {
  let next = path;
  while (next) {
    const page = await session.call("GET", next);
    yield* page.results;
    next = page.next && new URL(page.next, BASE_URL).pathname + new URL(page.next, BASE_URL).search;
  }
}

function step(text) {
  console.log(`- ${text}`);
}

async function register(typeCompte, extra = {}) {
  const email = `${typeCompte}-${run}-js@example.ci`;
  const profile = await api("POST", "/api/auth/register/", {
    body: { email, password: PASSWORD, nom: "Diallo", prenom: "Fatou", type_compte: typeCompte, ...extra },
  });
  return { email, profile };
}

async function eventually(what, check) {
  for (let i = 0; i < 50; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`never happened: ${what}`);
}

async function main() {
  step("1. register and log in each role");
  const candidat = await register("candidat");
  const recruteur = await register("recruteur", { entreprise: "Sahel Conseil" });
  const prestataire = await register("prestataire", { specialite: "Traduction" });
  const candidatSession = await Session.login(candidat.email, PASSWORD);
  const recruteurSession = await Session.login(recruteur.email, PASSWORD);
  const prestataireSession = await Session.login(prestataire.email, PASSWORD);
  if (prestataireSession.user.type_compte !== "prestataire") throw new Error("not a prestataire");
  const admin = await Session.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  if (admin.user.type_compte !== "admin") throw new Error("not an admin");

  step("2. the admin validates the recruiter");
  const waiting = [];
  for await (const r of all(admin, "/api/admin/recruteurs-en-attente/")) waiting.push(r.id);
  if (!waiting.includes(recruteur.profile.id)) throw new Error("recruiter not in the queue");
  await admin.call("PUT", `/api/admin/recruteurs/${recruteur.profile.id}/valider/`);

  step("3. the recruiter publishes an offer");
  const word = `fetch${run}`;
  const offre = await recruteurSession.call("POST", "/api/recruteur/offres/", {
    body: {
      titre: `Comptable ${word}`,
      description: "<p>Cabinet à Dakar.</p>",
      type_contrat: "cdd",
      localisation: "Dakar",
      competences_requises: ["Comptabilité"],
    },
    expect: 201,
  });
  // Not public until an admin validates it.
  await api("GET", `/api/offres/${offre.id}/`, { expect: 404 });

  step("4. the admin validates it");
  await admin.call("PUT", `/api/admin/publications/${offre.id}/valider/`);

  step("5. anyone finds it");
  const found = await api("GET", `/api/recherche/offres/?q=${word}`);
  if (!found.results.some((o) => o.id === offre.id)) throw new Error("offer not found");

  step("6. the candidate applies");
  const candidature = await candidatSession.call("POST", `/api/offres/${offre.id}/postuler/`, {
    body: { lettre_motivation: "Je suis disponible dès lundi." },
    expect: 201,
  });
  // Twice is a 409, with a readable detail.
  try {
    await candidatSession.call("POST", `/api/offres/${offre.id}/postuler/`, { body: {} });
    throw new Error("applied twice");
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 409 || typeof e.body.detail !== "string") throw e;
  }

  step("7. the recruiter moves the application on");
  const moved = await recruteurSession.call("PUT", `/api/recruteur/candidatures/${candidature.id}/statut/`, {
    body: { statut: "en_cours", notes_recruteur: "À rencontrer" },
  });
  if (moved.statut !== "en_cours") throw new Error(`statut ${moved.statut}`);

  step("8. the recruiter writes to the candidate");
  await recruteurSession.call("POST", "/api/messages/", {
    body: { destinataire: candidat.profile.id, sujet: "Entretien", contenu: "<p>Mardi 10 h ?</p>" },
    expect: 201,
  });

  step("9. the candidate's notifications arrive (through the queue)");
  await eventually("the message's notification", async () => {
    const page = await candidatSession.call("GET", "/api/notifications/");
    return page.results.some((n) => n.type_notification === "message_recu");
  });
  const inbox = await candidatSession.call("GET", "/api/messages/");
  if (inbox.results[0]?.sujet !== "Entretien") throw new Error("message not in the inbox");

  step("10. the candidate uploads a CV (multipart, field `fichier`)");
  const pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
  const form = new FormData();
  form.append("fichier", new Blob([pdf], { type: "application/pdf" }), "cv.pdf");
  const file = await candidatSession.call("POST", "/api/upload/cv/", { form, expect: 201 });
  const download = await fetch(file.url);
  if (!download.ok) throw new Error("download link");

  step("11. the recruiter's statistics");
  const stats = await recruteurSession.call("GET", "/api/recruteur/statistiques/");
  if (typeof stats !== "object") throw new Error("statistics");

  step("12. log out: both tokens stop working");
  await candidatSession.call("POST", "/api/auth/logout/");
  await api("GET", "/api/auth/profile/", { token: candidatSession.access, expect: 401 });
  await api("POST", "/api/auth/refresh/", { body: { refresh: candidatSession.refresh }, expect: 401 });

  console.log("flows.mjs: every step passed");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
