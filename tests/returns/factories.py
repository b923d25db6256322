"""factory_boy factory for episodes of care. Every value is synthetic (postcode areas that do not exist)."""

import datetime as dt

import factory

from returns.codes import CareLegalStatus, CategoryOfNeed, Placement, PlacementProvider, ReasonNewEpisode
from returns.models import CareEpisode


class CareEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareEpisode

    decom = dt.date(2024, 6, 1)
    rne = ReasonNewEpisode.S
    legal_status = CareLegalStatus.C2
    cin = CategoryOfNeed.N1
    place = Placement.U4
    place_provider = PlacementProvider.PR1
    home_post = "NM1 1AA"
    pl_post = "NM2 2BB"
