"""The real DestinyJobs apps on this backend, in a real browser (#19).

make test runs this last (infra/scripts/flows.sh), against the fresh local
stack that script starts: our API at BASE_URL, the apps' API on
127.0.0.1:8000 (the apps hard-code http://localhost:8000). It

1. builds the web app and the admin panel from their tarballs
   (APPS_CLIENTS, by default ../shared/clients): npm ci, vite build,
   served by vite preview on 127.0.0.1:4173 (web) and :4174 (admin);
2. seeds what the flows start from through our French API (a candidat, a
   verified recruteur with a validated offer, a pending recruteur);
3. drives the apps' own pages in Debian's Chromium (Playwright, no
   downloaded browser), every request off this machine blocked (the
   apps load Tailwind and Font Awesome from CDNs);
4. checks each flow afterwards through the French API.

A failed flow leaves, in target/browser/, a screenshot of each page and
the requests the browser saw fail (network errors and 4xx/5xx answers),
with the pages' uncaught errors.
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "browser"
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:3000")
APPS_URL = "http://localhost:8000"  # hard-coded in both apps
ADMIN_EMAIL = os.environ.get("ADMIN_EMAIL", "admin@destinyjobs.local")
ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "Admin-Dev-2026!")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Str0ng!Passw0rd"
RUN = format(int(time.time() * 1000), "x")[-7:]
APPS = {"web": ("destinyjobs-web", 4173), "admin": ("destinyjobs-admin", 4174)}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def step(text):
    print(f"- {text}", flush=True)


# ---------------------------------------------------------------- our API


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


def api(method, path, body=None, token=None, expect_status=None):
    """One call of our French API; JSON in and out."""
    headers = {} if body is None else {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE_URL + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    value = json.loads(text) if text else None
    if expect_status is not None and status != expect_status:
        raise ApiError(status, value)
    if expect_status is None and status >= 400:
        raise ApiError(status, value)
    return value


def login(email, password=PASSWORD):
    return api("POST", "/api/auth/login/", {"email": email, "password": password})["access"]


def register(kind, name=None, **extra):
    email = f"{name or kind}-{RUN}-browser@example.ci"
    body = {"email": email, "password": PASSWORD, "nom": "Diallo", "prenom": "Awa", "type_compte": kind}
    profile = api("POST", "/api/auth/register/", {**body, **extra})
    return {"email": email, "id": profile["id"]}


def every(token, path):
    """Every item of one of our cursor lists."""
    items, next_path = [], path
    while next_path:
        page = api("GET", next_path, token=token)
        items += page["results"]
        url = page.get("next")
        next_path = url and (urllib.parse.urlsplit(url).path + "?" + urllib.parse.urlsplit(url).query)
    return items


# ---------------------------------------------------------------- the apps


def clients_dir():
    for candidate in [os.environ.get("APPS_CLIENTS"), ROOT.parent / "shared" / "clients"]:
        if candidate and (Path(candidate) / "destinyjobs-web.tar.gz").is_file():
            return Path(candidate)
    sys.exit("the apps' tarballs were not found: set APPS_CLIENTS to the folder that holds destinyjobs-*.tar.gz")


def build(name):
    """The app `name` built from its tarball, in target/browser/apps/ (kept
    between runs while the tarball is the same)."""
    tarball = clients_dir() / f"{name}.tar.gz"
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    home = OUT / "apps"
    app = home / name
    stamp = app / ".built-from"
    if stamp.is_file() and stamp.read_text() == digest and (app / "dist" / "index.html").is_file():
        return app
    shutil.rmtree(app, ignore_errors=True)
    home.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(home, filter="data")
    quiet = {"stdout": subprocess.DEVNULL} if os.environ.get("CI") else {}
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=app, check=True, **quiet)
    subprocess.run(["npx", "vite", "build", "--logLevel", "error"], cwd=app, check=True, **quiet)
    stamp.write_text(digest)
    return app


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def serve(app, port):
    if not port_free(port):
        sys.exit(f"port {port} is taken: the apps' preview needs it (the API's CORS admits it by default)")
    log = open(OUT / f"preview-{port}.log", "w")
    process = subprocess.Popen(
        ["npx", "vite", "preview", "--port", str(port), "--strictPort", "--host", "127.0.0.1"],
        cwd=app, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    for _ in range(100):
        if not port_free(port):
            return process
        time.sleep(0.1)
    process.kill()
    sys.exit(f"vite preview did not start on {port} (target/browser/preview-{port}.log)")


# ---------------------------------------------------------------- the browser


class Browser:
    """Chromium with one fresh context per user; off-machine requests
    blocked; failed requests recorded for the failure report."""

    def __init__(self, playwright):
        self.browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        self.failed = []

    def page(self, who):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", self._local_only)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("requestfailed", lambda r: self.failed.append(f"[{who}] {r.method} {r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"[{who}] {r.request.method} {r.url}: {r.status}"))
        page.on("pageerror", lambda e: self.failed.append(f"[{who}] uncaught: {e}"))
        page.on("dialog", lambda d: d.accept())
        return page

    @staticmethod
    def _local_only(route):
        host = urllib.parse.urlsplit(route.request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            route.abort("blockedbyclient")


def web(path=""):
    return f"http://127.0.0.1:{APPS['web'][1]}{path}"


def admin_panel(path=""):
    return f"http://127.0.0.1:{APPS['admin'][1]}{path}"


def sign_in(page, email, password=PASSWORD):
    page.goto(web("/login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


# ---------------------------------------------------------------- the flows


def flow_1_log_in(browser, seed):
    step("1. a candidat and a verified recruteur log in to the web app, each lands in its area")
    for who, area, mark, shown in [
        ("candidat", "/candidat", "a[href='/candidat/emploi-candidature']", "Bonjour Awa"),
        ("recruteur", "/recruteur/dashboard", "a[href='/recruteur/creer-offre']", seed["offer_title"]),
    ]:
        page = seed[f"{who}_page"] = browser.page(who)
        sign_in(page, seed[who]["email"])
        # Login.jsx:94 routes on a lowercase user_type, CreeOffre.jsx:74
        # wants it uppercase (docs/apps-api.md, the apps' own bugs): with
        # uppercase, the only value flow 4 admits, login lands on /home,
        # already in the account's header.
        page.wait_for_url(web("/home"))
        expect(page.locator(mark).first).to_be_attached()
        page.goto(web(area))
        page.wait_for_load_state("networkidle")
        assert page.url == web(area), f"{who} was sent to {page.url}"
        expect(page.locator(mark).first).to_be_attached()
        # The area's page drew what its calls read: the candidat's home
        # greets the account, the dashboard (7 calls, one failure fails
        # it) lists the recruiter's offer.
        expect(page.get_by_text(shown).first).to_be_visible()
        expect(page.get_by_text("Erreur lors du chargement")).to_have_count(0)
        page.screenshot(path=str(OUT / f"landing-{who}.png"), full_page=True)


def flow_2_browse(browser, seed):
    step("2. the public job list shows a validated offer; its page shows it with the apply button")
    page = seed["public_page"] = browser.page("public")
    page.goto(web("/jobs"))
    expect(page.get_by_text(seed["offer_title"]).first).to_be_visible()
    page.get_by_text(seed["offer_title"]).first.click()
    page.wait_for_url(web(f"/jobs/{seed['offer_id']}"))
    expect(page.get_by_text(seed["offer_title"]).first).to_be_visible()
    expect(page.get_by_text("Postuler maintenant")).to_be_visible()


def flow_3_apply(browser, seed):
    step("3. the candidat applies: compatibility check, letter, CV file")
    page = seed["candidat_page"]
    page.goto(web(f"/jobs/{seed['offer_id']}"))
    page.get_by_text("Postuler maintenant").click()
    page.wait_for_url(web(f"/ia-compatibility/{seed['offer_id']}/emploi"))
    page.get_by_role("button", name="Rédiger ma candidature").click()
    page.locator("textarea").first.fill(seed["letter"])
    cv = OUT / "cv-awa.pdf"
    cv.write_bytes(PDF)
    page.locator("input[type=file]").first.set_input_files(str(cv))
    with page.expect_response(lambda r: "/api/applications/job/create/" in r.url) as created:
        page.locator("form button[type=submit]").last.click()
    assert created.value.status == 201, f"applying answered {created.value.status}: {created.value.text()}"
    page.wait_for_url(web("/candidat/emploi-candidature"))
    # Its list of applications (GET /api/applications/job/) shows this one.
    expect(page.get_by_text(seed["offer_title"]).first).to_be_visible()


def flow_4_create_offer(browser, seed):
    step("4. the recruteur creates an offer with the app's form, department and category included")
    page = seed["recruteur_page"]
    page.goto(web("/recruteur/creer-offre"))
    page.fill("input[name=title]", seed["new_title"])
    departments = page.locator("select[name=department] option:not([value=''])")
    expect(departments.first).to_be_attached()
    page.select_option("select[name=department]", index=1)
    categories = page.locator("select[name=category] option:not([value=''])")
    expect(categories.first).to_be_attached()
    page.select_option("select[name=category]", index=1)
    page.select_option("select[name=contract_type]", "CDD")
    page.select_option("select[name=experience_required]", "INTERMEDIATE")
    page.fill("input[name=location]", "Dakar")
    page.select_option("select[name=work_mode]", "HYBRIDE")
    page.fill("input[name=salary_min]", "400000")
    page.fill("input[name=salary_max]", "600000")
    page.fill("textarea[name=description]", "Tenue de la comptabilité d'un cabinet à Dakar.")
    page.fill("input[name=application_deadline]", "2099-06-30T17:00")
    seed["department"] = page.locator("select[name=department] option:checked").inner_text()
    seed["category"] = page.locator("select[name=category] option:checked").inner_text()
    with page.expect_response(lambda r: r.url.endswith("/api/jobs/job-offers/") and r.request.method == "POST") as created:
        page.get_by_role("button", name="Créer l'offre").click()
    assert created.value.status == 201, f"the form answered {created.value.status}: {created.value.text()}"
    seed["new_id"] = created.value.json()["id"]

    # Through the French API: en_attente, with what the form typed, and in
    # the admins' queue.
    offer = api("GET", f"/api/recruteur/offres/{seed['new_id']}/", token=login(seed["recruteur"]["email"]))
    assert offer["statut_validation"] == "en_attente", offer
    assert offer["titre"] == seed["new_title"] and offer["type_contrat"] == "cdd", offer
    assert offer["localisation"] == "Dakar" and offer["mode_travail"] == "hybride", offer
    assert offer["niveau_experience"] == "intermediaire", offer
    assert offer["salaire_min"] == 400000 and offer["salaire_max"] == 600000, offer
    assert offer["departement"] and offer["categorie"], offer
    assert offer["date_limite"].startswith("2099-06-30T17:00"), offer
    queue = every(seed["admin"], "/api/admin/publications-en-attente/?type_publication=offre")
    assert any(p["id"] == seed["new_id"] for p in queue), "not in the admins' queue"


def flow_5_admin(browser, seed):
    step("5. an admin approves that offer, then a pending recruteur, with the panel's buttons")
    page = seed["admin_page"] = browser.page("admin")
    page.goto(admin_panel("/login"))
    page.fill("input[name=login]", ADMIN_EMAIL)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(admin_panel("/dashboard"))
    page.goto(admin_panel("/offers/job-offers"))
    row = page.locator("div.grid", has_text=seed["new_title"]).last
    expect(row).to_be_visible()
    with page.expect_response(lambda r: "/approve/" in r.url) as approved:
        row.locator("button[title=Approuver]").click()
    assert approved.value.status == 200, f"approve answered {approved.value.status}: {approved.value.text()}"

    page.goto(admin_panel("/recruiters"))
    approve = page.get_by_role("button", name="Approuver")
    card = page.locator("div").filter(has_text=seed["pending"]["email"]).filter(has=approve).last
    expect(card).to_be_visible()
    card.get_by_role("button", name="Approuver").click()
    decision = f"/api/auth/recruiter-validation/{seed['pending']['id']}/"
    with page.expect_response(lambda r: decision in r.url and r.request.method == "POST") as decided:
        page.get_by_role("button", name="Confirmer").click()
    assert decided.value.status == 200, f"the decision answered {decided.value.status}: {decided.value.text()}"


def flow_6_edit_profile(browser, seed):
    step("6. beyond the five: the candidat edits its profile with the app's form (two calls, one multipart)")
    page = seed["candidat_page"]
    page.goto(web("/candidat/editer-profil"))
    page.get_by_role("button", name="Profil Candidat").click()
    about = page.get_by_placeholder("Décrivez votre profil professionnel", exact=False)
    expect(about).to_be_visible()
    about.fill(f"Comptable, {RUN}.")
    page.get_by_placeholder("React, Node.js", exact=False).fill("Sage")
    with page.expect_response(lambda r: r.url.endswith("/api/auth/profile/candidate/") and r.request.method == "PUT") as saved:
        page.get_by_role("button", name="Sauvegarder").click()
    assert saved.value.status == 200, f"the form answered {saved.value.status}: {saved.value.text()}"
    profile = api("GET", "/api/auth/profile/", token=login(seed["candidat"]["email"]))
    assert profile["a_propos"] == f"Comptable, {RUN}.", profile


# ---------------------------------------------------------------- checks


def seed_accounts():
    step("seed: a candidat, a verified recruteur with a validated offer, a pending recruteur (French API)")
    admin = login(ADMIN_EMAIL, ADMIN_PASSWORD)
    candidat = register("candidat", competences=["Comptabilité"])
    recruteur = register("recruteur", entreprise="Sahel Conseil")
    pending = register("recruteur", name="pending", entreprise="Niger Audit")
    api("PUT", f"/api/admin/recruteurs/{recruteur['id']}/valider/", token=admin)
    token = login(recruteur["email"])
    title = f"Comptable {RUN}"
    offer = api("POST", "/api/recruteur/offres/", {
        "titre": title, "description": "<p>Cabinet à Dakar.</p>", "type_contrat": "cdi",
        "localisation": "Dakar", "competences_requises": ["Comptabilité"], "experience_requise": 2,
        # The app's compatibility page throws unless an offer shows a
        # contract, a level and a work mode (docs/apps-api.md, its bugs).
        "niveau_experience": "junior", "mode_travail": "sur_site",
    }, token=token, expect_status=201)
    api("PUT", f"/api/admin/publications/{offer['id']}/valider/", token=admin)
    return {
        "admin": admin, "candidat": candidat, "recruteur": recruteur, "pending": pending,
        "offer_id": offer["id"], "offer_title": title, "new_title": f"Auditeur {RUN}",
        "letter": f"Disponible dès lundi ({RUN}).",
    }


def check_through_our_api(seed):
    step("checks through the French API")
    recruteur = login(seed["recruteur"]["email"])
    received = every(recruteur, "/api/recruteur/candidatures/")
    mine = [a for a in received if a["publication"] == seed["offer_id"] and a["candidat"] == seed["candidat"]["id"]]
    assert len(mine) == 1, f"the recruiter sees {len(mine)} applications of the candidat"
    assert seed["letter"] in mine[0]["lettre_motivation"], mine[0]
    assert mine[0]["cv"], "the application carries no CV"

    offer = api("GET", f"/api/recruteur/offres/{seed['new_id']}/", token=recruteur)
    assert offer["statut_validation"] == "validee", f"after the panel's approval: {offer['statut_validation']}"
    public = api("GET", f"/api/offres/{seed['new_id']}/")
    assert public["titre"] == seed["new_title"], public

    pending = api("GET", f"/api/admin/utilisateurs/{seed['pending']['id']}/", token=seed["admin"])
    assert pending["statut_verification_admin"] == "verifie", pending


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name in OUT.glob("failed-*"):
        name.unlink()
    if port_free(8000):
        sys.exit("nothing answers on 127.0.0.1:8000: the apps' API must run there (flows.sh starts it)")
    step("build the apps from their tarballs (npm ci, vite build)")
    servers = []
    try:
        for name, port in APPS.values():
            servers.append(serve(build(name), port))
        seed = seed_accounts()
        with sync_playwright() as playwright:
            browser = Browser(playwright)
            flows = [flow_1_log_in, flow_2_browse, flow_3_apply, flow_4_create_offer, flow_5_admin, flow_6_edit_profile]
            for flow in flows:
                try:
                    flow(browser, seed)
                except Exception:
                    report(browser, seed, flow.__name__)
                    raise
        check_through_our_api(seed)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)  # npx and its vite


def report(browser, seed, name):
    for key, page in seed.items():
        if key.endswith("_page"):
            try:
                page.screenshot(path=str(OUT / f"failed-{name}-{key}.png"), full_page=True)
            except Exception:
                pass
    (OUT / f"failed-{name}-requests.txt").write_text("\n".join(browser.failed) + "\n")
    traceback.print_exc()
    print(f"{name} failed: screenshots and failed requests in {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
