import uuid

from django.db import models


class Offre(models.Model):
    """An offre d'emploi with the fields of our `Publication` (type offre)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type_publication = models.CharField(max_length=16, default="offre")
    titre = models.CharField(max_length=200)
    description = models.TextField()
    entreprise = models.CharField(max_length=200)
    localisation = models.CharField(max_length=200, null=True, blank=True)
    type_contrat = models.CharField(max_length=16)
    mode_travail = models.CharField(max_length=16, null=True, blank=True)
    niveau_experience = models.CharField(max_length=16, null=True, blank=True)
    experience_requise = models.IntegerField(null=True, blank=True)
    salaire_min = models.PositiveIntegerField(null=True, blank=True)
    salaire_max = models.PositiveIntegerField(null=True, blank=True)
    competences_requises = models.JSONField(default=list)
    profil_recherche = models.TextField(null=True, blank=True)
    informations_complementaires = models.TextField(null=True, blank=True)
    departement = models.CharField(max_length=64, null=True, blank=True)
    categorie = models.CharField(max_length=64, null=True, blank=True)
    cv_requis = models.BooleanField(default=False)
    lettre_requise = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False)
    logo = models.JSONField(null=True, blank=True)
    # The author's account id, as ours stores it (no join).
    recruteur = models.CharField(max_length=64, db_index=True)
    statut_validation = models.CharField(max_length=16, default="en_attente")
    statut = models.CharField(max_length=16, default="active")
    motif_refus = models.TextField(null=True, blank=True)
    nombre_candidatures = models.PositiveIntegerField(default=0)
    date_creation = models.DateTimeField()
    date_modification = models.DateTimeField()
    date_publication = models.DateTimeField(null=True, blank=True)
    date_limite = models.DateTimeField(null=True, blank=True)
    date_fermeture = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The public list's access path, as our index is.
        indexes = [
            models.Index(
                fields=["statut_validation", "statut", "-date_publication"],
                name="offre_publique",
            )
        ]
