"""The assessment factories (tests/assessment/factories.py) as fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assessment.factories import (
    CampaignFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    TemplateFactory,
    TemplateVersionFactory,
)


@pytest.fixture
def template_factory(db: Any) -> type[TemplateFactory]:
    return TemplateFactory


@pytest.fixture
def template_version_factory(db: Any) -> type[TemplateVersionFactory]:
    return TemplateVersionFactory


@pytest.fixture
def section_factory(db: Any) -> type[SectionFactory]:
    return SectionFactory


@pytest.fixture
def question_factory(db: Any) -> type[QuestionFactory]:
    return QuestionFactory


@pytest.fixture
def campaign_factory(db: Any) -> type[CampaignFactory]:
    return CampaignFactory


@pytest.fixture
def response_factory(db: Any) -> type[ResponseFactory]:
    return ResponseFactory
