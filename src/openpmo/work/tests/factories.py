from __future__ import annotations

import factory

from openpmo.accounts.tests.factories import UserFactory
from openpmo.work.choices import Frequency
from openpmo.work.models import NotificationSetting


class NotificationSettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationSetting

    person = factory.SubFactory(UserFactory)
    frequency = Frequency.IMMEDIATE
