#!/usr/bin/env bash
# The main DestinyJobs flows with curl (and python3 to read JSON), step by
# step. docs/integration.md explains each call.
#
#   BASE_URL=http://127.0.0.1:3000 ADMIN_EMAIL=admin@destinyjobs.local \
#   ADMIN_PASSWORD='Admin-Dev-2026!' bash examples/flows.sh
#
# Registration confirms emails on the local stack (AUTO_CONFIRM_EMAIL);
# elsewhere, POST /api/auth/verify-email/ with the mailed code first.
# make test runs this against a fresh local stack.
set -euo pipefail

BASE_URL="${BASE_URL:-http://127.0.0.1:3000}"
ADMIN_EMAIL="${ADMIN_EMAIL:-admin@destinyjobs.local}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-Admin-Dev-2026!}"
PASSWORD='Str0ng!Passw0rd'
RUN="$(date +%s)$RANDOM"
BODY="$(mktemp)"
trap 'rm -f "$BODY"' EXIT

# call EXPECTED_STATUS METHOD PATH [TOKEN] [JSON]: the body goes to $BODY.
call() {
  local expected=$1 method=$2 path=$3 token=${4:-} data=${5:-}
  local args=(-s -o "$BODY" -w '%{http_code}' -X "$method" "$BASE_URL$path")
  [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n "$data" ]] && args+=(-H 'Content-Type: application/json' --data "$data")
  local status
  status=$(curl "${args[@]}")
  if [[ "$status" != "$expected" ]]; then
    echo "$method $path: expected $expected, got $status: $(cat "$BODY")" >&2
    exit 1
  fi
}

# field NAME: a field of the last JSON body (a.b for nested ones).
field() {
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v,list) else v[k]
print(v)' "$BODY" "$1"
}

step() { echo "- $*"; }

step "1. register and log in each role"
CANDIDAT_EMAIL="candidat-$RUN-curl@example.ci"
RECRUTEUR_EMAIL="recruteur-$RUN-curl@example.ci"
call 201 POST /api/auth/register/ "" \
  "{\"email\":\"$CANDIDAT_EMAIL\",\"password\":\"$PASSWORD\",\"nom\":\"Ouédraogo\",\"prenom\":\"Ali\",\"type_compte\":\"candidat\"}"
CANDIDAT_ID=$(field id)
call 201 POST /api/auth/register/ "" \
  "{\"email\":\"$RECRUTEUR_EMAIL\",\"password\":\"$PASSWORD\",\"nom\":\"Mbarga\",\"prenom\":\"Paul\",\"type_compte\":\"recruteur\",\"entreprise\":\"Douala Logistique\"}"
RECRUTEUR_ID=$(field id)
PRESTATAIRE_EMAIL="prestataire-$RUN-curl@example.ci"
call 201 POST /api/auth/register/ "" \
  "{\"email\":\"$PRESTATAIRE_EMAIL\",\"password\":\"$PASSWORD\",\"nom\":\"Nkulu\",\"prenom\":\"Grace\",\"type_compte\":\"prestataire\",\"specialite\":\"Audit\"}"
call 200 POST /api/auth/login/ "" "{\"email\":\"$PRESTATAIRE_EMAIL\",\"password\":\"$PASSWORD\"}"
[[ "$(field user.type_compte)" == prestataire ]]
call 200 POST /api/auth/login/ "" "{\"email\":\"$CANDIDAT_EMAIL\",\"password\":\"$PASSWORD\"}"
CANDIDAT=$(field access)
CANDIDAT_REFRESH=$(field refresh)
call 200 POST /api/auth/login/ "" "{\"email\":\"$RECRUTEUR_EMAIL\",\"password\":\"$PASSWORD\"}"
RECRUTEUR=$(field access)
call 200 POST /api/auth/login/ "" "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}"
ADMIN=$(field access)
[[ "$(field user.type_compte)" == admin ]]

step "2. the admin validates the recruiter"
# Until then, publishing is refused.
call 403 POST /api/recruteur/offres/ "$RECRUTEUR" '{"titre":"Trop tôt","description":"x","type_contrat":"cdi"}'
call 200 PUT "/api/admin/recruteurs/$RECRUTEUR_ID/valider/" "$ADMIN"

step "3. the recruiter publishes an offer"
WORD="curl$RUN"
call 201 POST /api/recruteur/offres/ "$RECRUTEUR" \
  "{\"titre\":\"Chauffeur $WORD\",\"description\":\"<p>Basé à Douala.</p>\",\"type_contrat\":\"cdi\",\"localisation\":\"Douala\"}"
OFFRE_ID=$(field id)
call 404 GET "/api/offres/$OFFRE_ID/"

step "4. the admin validates it"
call 200 PUT "/api/admin/publications/$OFFRE_ID/valider/" "$ADMIN"
call 200 GET "/api/offres/$OFFRE_ID/"

step "5. anyone finds it"
call 200 GET "/api/recherche/offres/?q=$WORD"
[[ "$(field results.0.id)" == "$OFFRE_ID" ]]

step "6. the candidate applies"
call 201 POST "/api/offres/$OFFRE_ID/postuler/" "$CANDIDAT" '{"lettre_motivation":"Permis C depuis 2015."}'
CANDIDATURE_ID=$(field id)

step "7. the recruiter moves the application on"
call 200 PUT "/api/recruteur/candidatures/$CANDIDATURE_ID/statut/" "$RECRUTEUR" '{"statut":"en_cours"}'
[[ "$(field statut)" == en_cours ]]

step "8. the recruiter writes to the candidate"
call 201 POST /api/messages/ "$RECRUTEUR" \
  "{\"destinataire\":\"$CANDIDAT_ID\",\"sujet\":\"Entretien\",\"contenu\":\"<p>Jeudi 9 h ?</p>\"}"

step "9. the candidate's notifications"
call 200 GET /api/notifications/ "$CANDIDAT"
field non_lues > /dev/null

step "10. the candidate uploads a CV (multipart, field fichier)"
PDF="$(mktemp "${TMPDIR:-/tmp}/cv.XXXXXX")"
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$PDF"
status=$(curl -s -o "$BODY" -w '%{http_code}' -H "Authorization: Bearer $CANDIDAT" \
  -F "fichier=@$PDF;type=application/pdf;filename=cv.pdf" "$BASE_URL/api/upload/cv/")
rm -f "$PDF"
[[ "$status" == 201 ]] || { echo "upload: $status $(cat "$BODY")" >&2; exit 1; }
curl -sf -o /dev/null "$(field url)"

step "11. the recruiter's statistics"
call 200 GET /api/recruteur/statistiques/ "$RECRUTEUR"

step "12. log out: both tokens stop working"
call 200 POST /api/auth/logout/ "$CANDIDAT"
call 401 GET /api/auth/profile/ "$CANDIDAT"
call 401 POST /api/auth/refresh/ "" "{\"refresh\":\"$CANDIDAT_REFRESH\"}"

echo "flows.sh: every step passed"
