"""Instants survive the round trip through either database as aware UTC values."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import StatementError

from ip4dialogue.extensions import db


def test_instants_come_back_aware_in_utc(make):
    seoul_morning = datetime(2027, 5, 11, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    item = make.item(starts_at=seoul_morning, ends_at=seoul_morning + timedelta(hours=1))
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(type(item), item.id)
    assert stored.starts_at == datetime(2027, 5, 11, 0, 0, tzinfo=UTC)
    assert stored.starts_at.utcoffset() == timedelta(0)


def test_offsets_other_than_utc_are_converted_not_dropped(make):
    washington = timezone(timedelta(hours=-4))
    starts = datetime(2027, 5, 10, 20, 0, tzinfo=washington)
    item = make.item(starts_at=starts, ends_at=starts + timedelta(minutes=30))
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(type(item), item.id).starts_at == datetime(2027, 5, 11, 0, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(make):
    dialogue = make.dialogue()
    with pytest.raises(StatementError, match="naive datetime"):
        make.item(
            dialogue,
            starts_at=datetime(2027, 5, 11, 9),  # noqa: DTZ001 (naive on purpose)
            ends_at=datetime(2027, 5, 11, 10),  # noqa: DTZ001
        )
